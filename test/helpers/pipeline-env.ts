/** An EnvConfig pointing at the test's own servers (never the machine's shared Redis). */
import type { EnvConfig } from '../../src/runtime/env-config.js';
import { parseImapUrl } from '../../src/runtime/env-config.js';

export function testEnv(opts: { redisUrl: string; smtpUrl: string; imapUrl?: string; post?: string; pollIntervalMs?: number; threads?: number }): EnvConfig {
  return {
    redisUrl: opts.redisUrl,
    smtpUrl: opts.smtpUrl,
    // One event loop's share with two threads: 5 reply and 4 staff connections.
    smtpMaxConnections: 9,
    mailboxes: opts.imapUrl ? [{ post: opts.post ?? 'LMA', account: parseImapUrl(opts.imapUrl) }] : [],
    httpPort: 0,
    configDir: undefined,
    templatesDir: undefined,
    folders: { processed: 'Triage/Processed', ignored: 'Triage/Ignored', failed: 'Triage/Failed' },
    pollIntervalMs: opts.pollIntervalMs ?? 5_000,
    logLevel: 'silent',
    // In-process pipelines run from src/*.ts under vitest, where a worker
    // thread could not load the thread entry; `triage start` in a child
    // process runs the threads (faults.test.ts).
    threads: opts.threads ?? 0,
    instance: `test:${process.pid}`,
  };
}

/** Polls until `check` is true or the time is up; returns the last value for the assertion. */
export async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000, stepMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, stepMs));
    value = await read();
  }
  return value;
}
