/** `triage seed --imap-url URL DIR`: APPENDs .eml files to a mailbox (demo data for docker compose). */
import { readFile } from 'node:fs/promises';
import { ImapFlow } from 'imapflow';
import { parseImapUrl } from '../runtime/env-config.js';
import { expandInputs } from './read-inputs.js';

export async function runSeed(paths: string[], opts: { imapUrl?: string }, out: NodeJS.WritableStream): Promise<number> {
  const url = opts.imapUrl ?? process.env.IMAP_URL;
  if (!url) {
    out.write('seed: give --imap-url or IMAP_URL\n');
    return 2;
  }
  const a = parseImapUrl(url);
  const client = new ImapFlow({ host: a.host, port: a.port, secure: a.secure, auth: { user: a.user, pass: a.pass }, logger: false });
  await client.connect();
  let n = 0;
  try {
    for (const file of await expandInputs(paths)) {
      await client.append(a.folder, await readFile(file));
      n++;
    }
  } finally {
    await client.logout();
  }
  out.write(`seed: appended ${n} message(s) to ${a.user}/${a.folder}\n`);
  return 0;
}
