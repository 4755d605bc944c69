/**
 * BullMQ against bare Redis lists, same payloads, same private Redis (AOF
 * on), same process: enqueue with addBulk vs pipelined RPUSH, a no-op
 * Worker draining the queue vs pipelined LPOP, and one-at-a-time Queue.add
 * (what the triage stage does for each reply and route job) vs single RPUSH.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_PREFIX, QUEUES, jobIds, type AutoReplyJob, type TriageJob } from '../src/contracts/queues.js';
import { addJob, createWorker, jobOptions } from '../src/adapters/queue/bullmq-queues.js';
import { connectRedis } from '../src/adapters/redis/connect.js';
import { redis } from './stack.js';
import type { Row } from './report.js';

/** Concurrency the shipped triage worker runs with (src/runtime/app.ts CONCURRENCY.triage). */
const WORKER_CONCURRENCY = 16;
const CHUNK = 1000;
const IN_FLIGHT = 16;

function triageJob(i: number): TriageJob {
  const key = `LMA-${String(i).padStart(32, '0')}`;
  return {
    schemaVersion: 1,
    post: 'LMA',
    key,
    source: { mailbox: 'LMA', folder: 'INBOX', uidValidity: '1732470000', uid: i + 1 },
    receivedAt: new Date(1_740_000_000_000 + i * 1000).toISOString(),
    size: 2400 + (i % 700),
  };
}

function replyJob(i: number): AutoReplyJob {
  return {
    schemaVersion: 1,
    post: 'LMA',
    key: `LMA-${String(i).padStart(32, '0')}`,
    template: 'iv_inquiry_ack',
    to: `rosa.${i}@example.com`,
    toName: 'Rosa Quispe',
    subject: `IV Inquiry LMA2024${String(i).padStart(6, '0')} Quispe`,
    messageId: `<bench-${i}@mail.example.com>`,
    references: [`<bench-${i}@mail.example.com>`],
    decision: {
      category: 'iv_inquiry',
      caseNumber: `LMA2024${String(i).padStart(6, '0')}`,
      lastName: 'Quispe',
      problems: [],
      autoReply: 'iv_inquiry_ack',
      route: { queue: 'iv-status', priority: 'normal' },
      replyLanguages: ['es', 'en'],
      emergency: false,
    },
    ticketId: `LMA-2026-${String(i).padStart(6, '0')}`,
    dueDate: '2026-03-10',
    receivedAt: new Date(1_740_000_000_000 + i * 1000).toISOString(),
  };
}

const secondsSince = (t: number): number => (performance.now() - t) / 1000;

export async function benchQueue(n: number): Promise<{ rows: Row[]; notes: string[] }> {
  const r = await redis();
  const conn = connectRedis({ redisUrl: r.url });
  const workerConn = connectRedis({ redisUrl: r.url });
  const bare = new Redis(r.url);
  const queue = new Queue(QUEUES.triage, { connection: conn, prefix: QUEUE_PREFIX });
  const replyQueue = new Queue(QUEUES.autoReply, { connection: conn, prefix: QUEUE_PREFIX });
  try {
    await queue.waitUntilReady();
    const jobs = Array.from({ length: n }, (_, i) => triageJob(i));
    const payloads = jobs.map((j) => JSON.stringify(j));

    // Enqueue.
    let t = performance.now();
    for (let i = 0; i < n; i += CHUNK) {
      await queue.addBulk(jobs.slice(i, i + CHUNK).map((data) => ({ name: QUEUES.triage, data, opts: jobOptions(QUEUES.triage, jobIds.triage(data.key, data.source.uidValidity, data.source.uid)) })));
    }
    const addBulk = n / secondsSince(t);
    t = performance.now();
    for (let i = 0; i < n; i += CHUNK) {
      const p = bare.pipeline();
      for (const s of payloads.slice(i, i + CHUNK)) p.rpush('bench:list', s);
      await p.exec();
    }
    const rpush = n / secondsSince(t);

    // Process: a no-op processor behind the project's createWorker (payload validation included).
    let done = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>((res) => (resolveAll = res));
    t = performance.now();
    const worker = createWorker(QUEUES.triage, workerConn, { concurrency: WORKER_CONCURRENCY, lockDuration: 120_000 }, async () => undefined);
    worker.on('completed', () => {
      if (++done === n) resolveAll();
    });
    worker.on('failed', (_job, err) => console.error(`queue bench: job failed: ${err.message}`));
    await all;
    const process = n / secondsSince(t);
    await worker.close();
    t = performance.now();
    let popped = 0;
    for (let i = 0; i < n; i += CHUNK) {
      const p = bare.pipeline();
      for (let k = i; k < Math.min(n, i + CHUNK); k++) p.lpop('bench:list');
      for (const [err, v] of (await p.exec()) ?? []) {
        if (err || typeof v !== 'string') throw err ?? new Error('LPOP returned nothing');
        JSON.parse(v);
        popped++;
      }
    }
    const lpop = popped / secondsSince(t);

    // One job at a time, IN_FLIGHT concurrent adds (as 16 triage workers each adding their reply job).
    const replies = Array.from({ length: n }, (_, i) => replyJob(i));
    let next = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < n) {
          const j = replies[next++]!;
          await addJob(replyQueue, QUEUES.autoReply, j, jobIds.autoReply(j.key));
        }
      }),
    );
    const single = n / secondsSince(t);
    const replyPayloads = replies.map((j) => JSON.stringify(j));
    next = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < n) await bare.rpush('bench:replies', replyPayloads[next++]!);
      }),
    );
    const singleBare = n / secondsSince(t);

    return {
      rows: [
        { stage: `queue: BullMQ addBulk x${CHUNK}, triage job opts [ioredis pipeline RPUSH x${CHUNK}]`, value: addBulk, unit: 'msg/s', bare: rpush },
        { stage: `queue: no-op Worker, concurrency ${WORKER_CONCURRENCY} [pipeline LPOP x${CHUNK} + JSON.parse]`, value: process, unit: 'msg/s', bare: lpop },
        { stage: `queue: Queue.add one by one, ${IN_FLIGHT} in flight [RPUSH, ${IN_FLIGHT} in flight]`, value: single, unit: 'msg/s', bare: singleBare },
      ],
      notes: [`queue: N=${n} jobs (BENCH_QUEUE_N); worker = the project's createWorker (zod validation) with a no-op processor.`],
    };
  } finally {
    await queue.close().catch(() => undefined);
    await replyQueue.close().catch(() => undefined);
    for (const c of [conn, workerConn, bare]) await c.quit().catch(() => c.disconnect());
  }
}
