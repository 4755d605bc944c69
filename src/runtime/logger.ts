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

/**
 * Lines are written to stdout asynchronously (libuv's thread pool), and
 * what piles up meanwhile goes out in one write: one write per line cost a
 * pipeline thread as much CPU as a tenth of its work. A write holds whole
 * lines and at most PIPE_BUF bytes, so that lines from several pipeline
 * threads never interleave on a pipe. What is buffered is flushed on exit;
 * a kill -9 loses at most the lines of the write in flight.
 */
const PIPE_BUF = 4096;

/** Where `createLogger` writes by default: stdout, asynchronously, whole lines of at most PIPE_BUF bytes per write. */
export function stdoutDestination(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false, maxWrite: PIPE_BUF });
}

export function createLogger(opts: { level?: string; name?: string } = {}, destination: pino.DestinationStream = stdoutDestination()): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // `service`, not pino's `name`: `name` is a redacted path (an applicant's name).
      base: { pid: process.pid, service: opts.name ?? 'triage' },
    },
    destination,
  );
}
