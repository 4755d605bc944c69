/**
 * Ordered, idempotent shutdown under a deadline: stop intake first (no new
 * work), then let workers finish in-flight jobs, then close connections.
 * Steps run in registration order; a failing step is logged, not fatal.
 */
import type { Logger } from 'pino';

export class Shutdown {
  private readonly steps: Array<{ name: string; run: () => Promise<unknown> }> = [];
  private done: Promise<void> | null = null;

  constructor(private readonly logger: Logger, private readonly deadlineMs = 25_000) {}

  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  run(reason: string): Promise<void> {
    this.done ??= (async () => {
      this.logger.info({ reason }, 'shutdown: starting');
      const deadline = Date.now() + this.deadlineMs;
      for (const step of this.steps) {
        const left = Math.max(1_000, deadline - Date.now());
        try {
          await Promise.race([step.run(), new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${left} ms`)), left).unref())]);
        } catch (err) {
          this.logger.warn({ step: step.name, err: (err as Error).message }, 'shutdown: step failed');
        }
      }
      this.logger.info('shutdown: done');
    })();
    return this.done;
  }

  /** SIGTERM / SIGINT run the shutdown, then exit. */
  onSignals(exit: (code: number) => void = (c) => process.exit(c)): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void this.run(signal).then(() => exit(0)));
    }
  }
}
