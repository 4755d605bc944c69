/** Where the project's own folders are, from src/ (tests) and from dist/src/ (the built CLI). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(): string {
  const here = fileURLToPath(import.meta.url);
  const marker = `${join('/', 'dist', '/')}`;
  return here.includes(marker) ? here.slice(0, here.indexOf(marker)) : join(here, '..', '..', '..');
}
