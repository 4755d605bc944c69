/**
 * pino, object first, standard fields (`queue`, `jobId`, `messageId`,
 * `post`, `mailbox`). Addresses, names, subjects and bodies are redacted:
 * applicants' personal data does not belong in logs.
 */
import { pino, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'to', 'from', 'sender', 'address', 'recipient', 'name', 'subject', 'text', 'body', 'raw', 'lastName',
  '*.to', '*.from', '*.sender', '*.address', '*.recipient', '*.name', '*.subject', '*.text', '*.body', '*.raw', '*.lastName',
  'account.pass', 'account.user', 'password', 'pass', '*.pass', '*.password', 'url', '*.url',
];

export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: opts.name ?? 'triage',
    level: opts.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  });
}
