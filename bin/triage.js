#!/usr/bin/env node
// The `triage` command. The TypeScript is compiled to dist/ by `npm ci`
// (the `prepare` script) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('triage: dist/ is missing; run `npm run build` (npm ci does it for you).');
  process.exit(2);
}
await import(entry.href);
