/**
 * BullMQ on Redis: queues with payload validation on add and on receive,
 * deterministic job ids, and the mapping of our permanent errors to
 * BullMQ's UnrecoverableError (parked at once, visible with `triage jobs
 * failed`, retryable with `triage jobs retry`).
 */
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../redis/connect.js';
import type { z } from 'zod';
import { JOB_OPTIONS, KEEP_COMPLETED, KEEP_FAILED, PAYLOAD_SCHEMAS, QUEUE_PREFIX, QUEUES, staffQueueName, type QueueName } from '../../contracts/queues.js';
import { isPermanent, TriageError } from '../../runtime/errors.js';

export interface Queues {
  triage: Queue;
  autoReply: Queue;
  route: Queue;
  staff(post: string, queue: string): Queue;
  all(): Queue[];
  close(): Promise<void>;
}

export function createQueues(connection: RedisClient): Queues {
  const make = (name: string): Queue => new Queue(name, { connection, prefix: QUEUE_PREFIX });
  const staff = new Map<string, Queue>();
  const queues = { triage: make(QUEUES.triage), autoReply: make(QUEUES.autoReply), route: make(QUEUES.route) };
  return {
    ...queues,
    staff(post, queue) {
      const name = staffQueueName(post, queue);
      let q = staff.get(name);
      if (!q) staff.set(name, (q = make(name)));
      return q;
    },
    all: () => [queues.triage, queues.autoReply, queues.route, ...staff.values()],
    async close() {
      await Promise.all([queues.triage, queues.autoReply, queues.route, ...staff.values()].map((q) => q.close()));
    },
  };
}

/** Validated add with the queue's retry policy; the id makes a second add of the same job a no-op. */
export async function addJob<N extends QueueName>(queue: Queue, name: N, data: z.infer<(typeof PAYLOAD_SCHEMAS)[N]>, jobId: string): Promise<void> {
  const parsed = PAYLOAD_SCHEMAS[name].safeParse(data);
  if (!parsed.success) throw new TriageError('PAYLOAD_INVALID', `${name}: ${parsed.error.message}`);
  await queue.add(name, parsed.data, jobOptions(name, jobId));
}

export function jobOptions(name: QueueName, jobId: string): JobsOptions {
  return { ...JOB_OPTIONS[name], jobId, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED };
}

export interface WorkerSettings {
  concurrency: number;
  /**
   * How long a job may run before another worker may take it over. Above
   * the SMTP socket timeout (60 s) so that a slow send is never run twice.
   */
  lockDuration: number;
}

/** A worker whose processor receives a validated payload; permanent errors park the job. */
export function createWorker<N extends QueueName>(
  name: N,
  connection: RedisClient,
  settings: WorkerSettings,
  process: (data: z.infer<(typeof PAYLOAD_SCHEMAS)[N]>, job: Job) => Promise<unknown>,
): Worker {
  return new Worker(
    name,
    async (job: Job) => {
      const parsed = PAYLOAD_SCHEMAS[name].safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`PAYLOAD_INVALID: ${parsed.error.message}`);
      try {
        return await process(parsed.data as z.infer<(typeof PAYLOAD_SCHEMAS)[N]>, job);
      } catch (err) {
        if (isPermanent(err)) throw new UnrecoverableError(`${(err as TriageError).code}: ${(err as Error).message}`);
        throw err;
      }
    },
    { connection, prefix: QUEUE_PREFIX, concurrency: settings.concurrency, lockDuration: settings.lockDuration, autorun: true },
  );
}

/** True when BullMQ will not try this job again. */
export function isFinalFailure(job: Job | undefined, err: Error): boolean {
  if (!job) return false;
  return err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}
