/**
 * Shared plumbing for the live benchmarks: the private servers of
 * src/devstack (never the machine's Redis on 6379), a cleanup list that
 * stops everything even on error, bulk APPEND over one IMAP connection,
 * a tap on the SMTP sink that keeps only what the figures need, and the
 * child processes that run the system under test.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { ImapFlow } from 'imapflow';
import { startRedis, type RedisHandle } from '../src/devstack/redis-server.js';
import { startDovecot, type DovecotHandle, type DovecotUser } from '../src/devstack/dovecot-server.js';
import { startSmtpSink, type SmtpSink } from '../src/devstack/smtp-sink.js';
import { parseImapUrl, readEnvConfig, type EnvConfig } from '../src/runtime/env-config.js';

// -- cleanup ------------------------------------------------------------------

type Stopper = () => Promise<unknown> | unknown;
const stoppers: Stopper[] = [];

/** Registers something to stop at the end of the part (or of the run); returns `fn`. */
export function onCleanup<T extends Stopper>(fn: T): T {
  stoppers.push(fn);
  return fn;
}

/** Stops everything registered so far, newest first; errors are reported, not thrown. */
export async function cleanupAll(): Promise<void> {
  while (stoppers.length > 0) {
    const fn = stoppers.pop()!;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(fn),
        new Promise<void>((r) => {
          timer = setTimeout(() => {
            console.error('bench: a cleanup step took over 20 s; moving on');
            r();
          }, 20_000);
        }),
      ]);
    } catch (err) {
      console.error(`bench: cleanup step failed: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// -- servers --------------------------------------------------------------------

/** AOF fsync policy of the bench's Redis: `everysec` (Redis's default) unless BENCH_APPENDFSYNC says otherwise. */
export const APPENDFSYNC = process.env.BENCH_APPENDFSYNC ?? 'everysec';

/** A private redis-server with AOF on (startRedis's default), on a free port. */
export async function redis(): Promise<RedisHandle> {
  const r = await startRedis({ appendonly: true });
  onCleanup(() => r.stop());
  const c = new Redis(r.url);
  try {
    await c.config('SET', 'appendfsync', APPENDFSYNC);
  } finally {
    c.disconnect();
  }
  return r;
}

/** `used_memory_peak` of a Redis, in bytes. */
export async function redisPeakMemory(url: string): Promise<number> {
  const c = new Redis(url);
  try {
    return Number(/used_memory_peak:(\d+)/.exec(await c.info('memory'))?.[1] ?? NaN);
  } finally {
    c.disconnect();
  }
}

// -- logs -------------------------------------------------------------------------

let logDir: string | null = null;

/** A fresh log file for a pipeline child; the directory is removed at the end unless BENCH_KEEP_LOGS=1. */
export function logFile(name: string): string {
  if (!logDir) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'triage-bench-logs-'));
    logDir = dir;
    if (process.env.BENCH_KEEP_LOGS !== '1') {
      onCleanup(() => {
        rmSync(dir, { recursive: true, force: true });
        logDir = null;
      });
    }
  }
  return path.join(logDir, `${name}.log`);
}

/** Warnings and errors (pino level >= 40) in a log file before its shutdown began, with the most frequent message, and those during shutdown. */
export function logProblems(file: string): { count: number; top: string; duringShutdown: number } {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { count: 0, top: '', duringShutdown: 0 };
  }
  const msgs = new Map<string, number>();
  let count = 0;
  let duringShutdown = 0;
  let shuttingDown = false;
  for (const line of text.split('\n')) {
    if (line.includes('"msg":"shutdown: starting"')) shuttingDown = true;
    const m = /"level":(\d+)/.exec(line);
    if (!m || Number(m[1]) < 40) continue;
    if (shuttingDown) {
      duringShutdown++;
      continue;
    }
    count++;
    const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? '?';
    const err = /"err":"([^"]{0,80})/.exec(line)?.[1] ?? '';
    const k = `${msg}${err ? ` (${err})` : ''}`;
    msgs.set(k, (msgs.get(k) ?? 0) + 1);
  }
  const top = [...msgs].sort((a, b) => b[1] - a[1])[0];
  return { count, top: top ? `${top[1]}x ${top[0]}` : '', duringShutdown };
}

export async function dovecot(users: DovecotUser[]): Promise<DovecotHandle> {
  const d = await startDovecot({ users });
  onCleanup(() => d.stop());
  return d;
}

export async function smtpSink(): Promise<SmtpSink> {
  const s = await startSmtpSink();
  onCleanup(() => s.stop());
  return s;
}

// -- IMAP -------------------------------------------------------------------------

export function imapClient(imap: DovecotHandle, user: string, pass: string): ImapFlow {
  const c = new ImapFlow({ host: imap.host, port: imap.port, secure: false, auth: { user, pass }, logger: false, disableAutoIdle: true });
  c.on('error', () => undefined);
  return c;
}

/**
 * APPENDs `count` messages over ONE connection with the target mailbox
 * selected (far faster than the harness's connection-per-append helper),
 * keeping `inFlight` APPENDs queued on the connection.
 */
export async function bulkAppend(imap: DovecotHandle, user: string, pass: string, count: number, make: (i: number) => Buffer, inFlight = 8): Promise<{ seconds: number; bytes: number }> {
  const c = imapClient(imap, user, pass);
  await c.connect();
  let bytes = 0;
  const start = performance.now();
  try {
    const lock = await c.getMailboxLock('INBOX');
    try {
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < count) {
          const raw = make(next++);
          bytes += raw.length;
          const res = await c.append('INBOX', raw);
          if (!res) throw new Error('APPEND failed');
        }
      };
      await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
    } finally {
      lock.release();
    }
  } finally {
    await c.logout().catch(() => c.close());
  }
  return { seconds: (performance.now() - start) / 1000, bytes };
}

// -- SMTP sink tap ------------------------------------------------------------------

export type MailKind = 'auto-reply' | 'staff' | 'naive' | 'other';

/**
 * Drains the devstack sink's message list every 10 ms (so its raw copies
 * do not pile up over 20,000 messages) and keeps, per kind, the arrival
 * time (the sink's own `receivedAt`) by In-Reply-To.
 */
export class SinkTap {
  readonly arrivals: Record<MailKind, Map<string, number>> = { 'auto-reply': new Map(), staff: new Map(), naive: new Map(), other: new Map() };
  bytes = 0;
  private readonly timer: NodeJS.Timeout;
  private waiters = new Set<() => void>();
  private seq = 0;

  constructor(private readonly sink: SmtpSink) {
    this.timer = setInterval(() => this.drain(), 10);
    onCleanup(() => clearInterval(this.timer));
  }

  count(kind: MailKind): number {
    return this.arrivals[kind].size;
  }

  reset(): void {
    this.drain();
    for (const m of Object.values(this.arrivals)) m.clear();
    this.bytes = 0;
  }

  private drain(): void {
    const batch = this.sink.messages.splice(0);
    if (batch.length === 0) return;
    for (const m of batch) {
      this.bytes += m.raw.length;
      const end = m.raw.indexOf('\r\n\r\n');
      const head = m.raw.subarray(0, end < 0 ? Math.min(m.raw.length, 8192) : end).toString('latin1').replace(/\r\n[ \t]+/g, ' ');
      const header = (name: string): string | undefined => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim();
      const kind: MailKind = header('X-Bench-Naive') ? 'naive' : header('X-Triage-Ticket') ? 'staff' : header('Auto-Submitted') === 'auto-replied' ? 'auto-reply' : 'other';
      const id = kind === 'staff' ? header('X-Triage-Ticket')! : header('In-Reply-To') ?? `#${this.seq++}`;
      this.arrivals[kind].set(id, m.receivedAt.getTime());
    }
    for (const w of [...this.waiters]) w();
  }

  /** Resolves once `count` mails of `kind` arrived; rejects after `timeoutMs` without progress. */
  waitFor(kind: MailKind, count: number, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      let last = this.count(kind);
      // Timers are unref'd: a wait that lost a race (the backlog deadline) must not hold the process.
      let timer = setTimeout(fail, timeoutMs).unref();
      const check = (): void => {
        const n = this.count(kind);
        if (n >= count) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        } else if (n !== last) {
          last = n;
          clearTimeout(timer);
          timer = setTimeout(fail, timeoutMs).unref();
        }
      };
      const self = this;
      function fail(): void {
        self.waiters.delete(check);
        reject(new Error(`sink: only ${self.count(kind)} of ${count} ${kind} mails, none new for ${timeoutMs / 1000} s`));
      }
      this.waiters.add(check);
      check();
    });
  }
}

// -- child processes ---------------------------------------------------------------

export interface ChildReport {
  type: string;
  [k: string]: unknown;
}

/**
 * A system under test in its own process (dist/bench/child.js), so that its
 * RSS is its own and it does not share an event loop with the sink and
 * the load generator. Messages are JSON over the IPC channel.
 */
export class Child {
  private readonly proc: ChildProcess;
  private readonly inbox: ChildReport[] = [];
  private waiters = new Set<() => void>();
  private exited: string | null = null;

  /** @param logFile - where the child's stdout (the pipeline's pino log) goes; the terminal when omitted. */
  constructor(mode: string, args: Record<string, unknown>, logFile?: string) {
    const file = fileURLToPath(new URL('./child.js', import.meta.url));
    const out = logFile ? openSync(logFile, 'a') : 'inherit';
    this.proc = fork(file, [mode, JSON.stringify(args)], { stdio: ['ignore', out, 'inherit', 'ipc'], execArgv: (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean) });
    if (typeof out === 'number') closeSync(out);
    this.proc.on('message', (m: ChildReport) => {
      this.inbox.push(m);
      for (const w of [...this.waiters]) w();
    });
    this.proc.on('exit', (code, signal) => {
      this.exited = `child ${mode} exited (code ${code}, signal ${signal})`;
      for (const w of [...this.waiters]) w();
    });
    onCleanup(() => this.kill());
  }

  send(m: ChildReport): void {
    this.proc.send(m);
  }

  /** The next report of this type (reports of type `error` reject). */
  next(type: string, timeoutMs = 600_000): Promise<ChildReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`child: no "${type}" report within ${timeoutMs / 1000} s`)), timeoutMs).unref();
      const check = (): void => {
        const err = this.inbox.find((m) => m.type === 'error');
        if (err) return done(new Error(`child failed: ${String(err.message)}`));
        const i = this.inbox.findIndex((m) => m.type === type);
        if (i >= 0) return done(null, this.inbox.splice(i, 1)[0]!);
        if (this.exited) return done(new Error(`${this.exited} before "${type}"`));
      };
      const done = (e: Error | null, m?: ChildReport): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (e) reject(e);
        else resolve(m!);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Asks the child to stop (it stops its pipeline and reports `stopped`), then waits for its exit. */
  async stop(): Promise<ChildReport> {
    this.send({ type: 'stop' });
    const report = await this.next('stopped', 60_000);
    await this.kill();
    return report;
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.proc.once('exit', () => r()));
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    this.proc.kill('SIGTERM');
    await gone;
    clearTimeout(t);
  }
}

// -- statistics ---------------------------------------------------------------------

// Loops, not Math.max(...values): 100,000 spread arguments can overflow the stack.
export function maxOf(values: Iterable<number>): number {
  let x = -Infinity;
  for (const v of values) if (v > x) x = v;
  return x;
}

export function minOf(values: Iterable<number>): number {
  let x = Infinity;
  for (const v of values) if (v < x) x = v;
  return x;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

// -- pipeline environment -------------------------------------------------------------

/** Worker threads per pipeline process: BENCH_THREADS, else what `triage start` uses here (TRIAGE_THREADS' default). */
export function benchThreads(): number {
  const v = process.env.BENCH_THREADS;
  if (v) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`BENCH_THREADS must be a whole number >= 0, got "${v}"`);
    return n;
  }
  return readEnvConfig({}).threads;
}

/** An EnvConfig for the bench's own servers (the idea of test/helpers/pipeline-env.ts; test/ is not imported). */
export function benchEnv(opts: { redisUrl: string; smtpUrl: string; imapUrl: string; pollIntervalMs?: number; logLevel?: string; threads?: number }): EnvConfig {
  return {
    redisUrl: opts.redisUrl,
    smtpUrl: opts.smtpUrl,
    // As `triage start` here: SMTP_MAX_CONNECTIONS' default, shared by the threads.
    smtpMaxConnections: readEnvConfig({}).smtpMaxConnections,
    mailboxes: [{ post: 'LMA', account: parseImapUrl(opts.imapUrl) }],
    httpPort: 0,
    configDir: undefined,
    templatesDir: undefined,
    folders: { processed: 'Triage/Processed', ignored: 'Triage/Ignored', failed: 'Triage/Failed' },
    // The production default (TRIAGE_POLL_INTERVAL_MS): the bench relies on IDLE, as production does.
    pollIntervalMs: opts.pollIntervalMs ?? 30_000,
    logLevel: opts.logLevel ?? 'info',
    threads: opts.threads ?? 0,
    instance: `bench:${process.pid}`,
  };
}
