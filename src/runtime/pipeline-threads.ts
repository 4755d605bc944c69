/**
 * Pipeline threads: `triage start` is one process, but one event loop is
 * one core. With `TRIAGE_THREADS` = n > 0, the main thread keeps intake,
 * the HTTP port and this supervisor, and n worker threads
 * (node:worker_threads) each run the triage, reply and route workers on
 * their own Redis connections and their share of the SMTP connections.
 * BullMQ hands each job to exactly one of them, so nothing about a message
 * changes; a kill -9 still takes the whole process down at once, as a crash
 * would.
 *
 * The supervisor restarts a thread that dies, with backoff, and stops them
 * all in order on shutdown. Threads send their metrics on request; the main
 * thread serves them summed.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { EnvConfig } from './env-config.js';
import type { MetricsSnapshot } from './metrics.js';
import type { CheckedSetup, Role } from './app.js';

/** What the main thread sends a pipeline thread. */
export type ToThread = { type: 'metrics'; id: number } | { type: 'stop'; reason: string };
/** What a pipeline thread sends back. */
export type FromThread = { type: 'ready' } | { type: 'metrics'; id: number; snapshot: MetricsSnapshot };

export interface ThreadData {
  env: EnvConfig;
  roles: Role[];
  /** The config and templates the main thread read and checked at start (structured-cloned). */
  checked: CheckedSetup;
  /** This thread's share of the process's SMTP connections (SMTP_MAX_CONNECTIONS / threads, at least 1). */
  smtpConnections: number;
}

/** Restart delays after a thread dies: 1 s, doubling, at most 30 s; reset after a minute without a crash. */
const RESTART_BASE_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const STABLE_AFTER_MS = 60_000;
/**
 * Each thread's V8 heap. The old generation's ceiling is far above what a
 * thread holds (tens of MB: at most 16 messages being decided, each raw copy
 * capped at 1 MiB) and V8 collects harder as it nears it; a smaller young
 * generation than V8's default trades a little scavenging for memory. With
 * two threads on the 20,000-message backlog bench, peak RSS went from 433 MB
 * (V8 defaults) to about 380 MB. A thread that hits the ceiling dies and is
 * restarted; its jobs are retried once their locks expire.
 */
const THREAD_HEAP = { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 8 } as const;

/** A thread that does not answer a metrics request in time is left out of that scrape. */
const METRICS_TIMEOUT_MS = 2_000;

interface Slot {
  index: number;
  worker: Worker | null;
  ready: boolean;
  crashes: number;
  startedAt: number;
  restartTimer: NodeJS.Timeout | null;
}

export class PipelineThreads {
  private readonly slots: Slot[];
  private stopping = false;
  private nextRequest = 1;
  private readonly pending = new Map<number, (s: MetricsSnapshot | null) => void>();

  /**
   * @param entry The thread's module: `pipeline-thread.js` beside this file.
   * @param count Threads to run (the main thread runs no workers then).
   */
  constructor(
    private readonly data: ThreadData,
    count: number,
    private readonly logger: Logger,
    private readonly entry: URL = new URL('./pipeline-thread.js', import.meta.url),
  ) {
    this.slots = Array.from({ length: count }, (_, index) => ({ index, worker: null, ready: false, crashes: 0, startedAt: 0, restartTimer: null }));
  }

  start(): void {
    for (const slot of this.slots) this.spawn(slot);
  }

  /** Threads whose pipeline is up. */
  get readyCount(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Resolves true once every thread is up, or false after `timeoutMs`. */
  async whenReady(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.readyCount < this.size) {
      if (this.stopping || Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  }

  private spawn(slot: Slot): void {
    slot.restartTimer = null;
    slot.ready = false;
    slot.startedAt = Date.now();
    const worker = new Worker(this.entry, { workerData: this.data satisfies ThreadData, name: `triage-pipeline-${slot.index + 1}`, resourceLimits: THREAD_HEAP });
    slot.worker = worker;
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.logger.info({ thread: worker.threadId, roles: this.data.roles }, 'threads: pipeline thread started');
      } else if (m.type === 'metrics') {
        this.pending.get(m.id)?.(m.snapshot);
      }
    });
    worker.on('error', (err) => this.logger.error({ thread: worker.threadId, err: err.message }, 'threads: pipeline thread failed'));
    worker.on('exit', (code) => {
      slot.ready = false;
      slot.worker = null;
      if (this.stopping) return;
      if (Date.now() - slot.startedAt > STABLE_AFTER_MS) slot.crashes = 0;
      const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** slot.crashes++);
      this.logger.error({ thread: worker.threadId, code, restartInMs: delay }, 'threads: pipeline thread exited; restarting it');
      slot.restartTimer = setTimeout(() => this.spawn(slot), delay);
    });
  }

  /** Every ready thread's metrics; a thread that does not answer in time is left out. */
  async snapshots(): Promise<MetricsSnapshot[]> {
    const asks = this.slots
      .filter((s) => s.ready && s.worker)
      .map(
        (s) =>
          new Promise<MetricsSnapshot | null>((resolve) => {
            const id = this.nextRequest++;
            const timer = setTimeout(() => done(null), METRICS_TIMEOUT_MS);
            const done = (snapshot: MetricsSnapshot | null): void => {
              clearTimeout(timer);
              this.pending.delete(id);
              resolve(snapshot);
            };
            this.pending.set(id, done);
            s.worker!.postMessage({ type: 'metrics', id } satisfies ToThread);
          }),
      );
    return (await Promise.all(asks)).filter((s): s is MetricsSnapshot => s !== null);
  }

  /**
   * Asks every thread to run its own shutdown (in-flight jobs finish, then
   * its connections close) and waits for them to exit; a thread still
   * running after `deadlineMs` is terminated.
   */
  async stop(reason: string, deadlineMs = 20_000): Promise<void> {
    this.stopping = true;
    for (const s of this.slots) if (s.restartTimer) clearTimeout(s.restartTimer);
    await Promise.all(
      this.slots.map(async (s) => {
        const worker = s.worker;
        if (!worker) return;
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage({ type: 'stop', reason } satisfies ToThread);
        const timer = setTimeout(() => {
          this.logger.warn({ thread: worker.threadId }, 'threads: pipeline thread did not stop in time; terminating it');
          void worker.terminate();
        }, deadlineMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
