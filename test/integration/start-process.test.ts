/**
 * `triage start` as operators run it: one process, intake on the main
 * thread and the workers on pipeline threads (TRIAGE_THREADS), against real
 * Redis, Dovecot and SMTP. What an operator sees: every message handled
 * once whichever thread took it, `/metrics` counting all threads' work,
 * `/readyz` ready, and SIGTERM ending the process cleanly with no job left
 * behind.
 */
import { describe, expect, it } from 'vitest';
import { createQueues } from '../../src/adapters/queue/bullmq-queues.js';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { freePort } from '../../src/devstack/free-port.js';
import { rawMessageKey } from '../../src/contracts/queues.js';
import {
  appendAll,
  busyJobs,
  corpusMessages,
  interleave,
  observe,
  parkedJobs,
  personMail,
  spawnTriage,
  startServers,
  waitSettled,
  type Appended,
} from '../helpers/fault-kit.js';

const keyOf = (m: Appended): string => rawMessageKey('LMA', m.raw);

/** The sum of a counter's samples in Prometheus text, over all label sets. */
function total(metrics: string, name: string): number {
  let sum = 0;
  for (const m of metrics.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

describe('triage start with pipeline threads', () => {
  it('handles every message once across threads; /metrics sums the threads; SIGTERM leaves nothing behind', { timeout: 120_000 }, async () => {
    const s = await startServers();
    const conn = connectRedis({ redisUrl: s.redis.url });
    const queues = createQueues(conn);
    const port = await freePort();
    const child = spawnTriage(s.env, { TRIAGE_THREADS: '2', HTTP_PORT: String(port), LOG_LEVEL: 'info' });
    try {
      const persons = Array.from({ length: 60 }, (_, i) => personMail(i, 'threads'));
      const appended = interleave(persons, corpusMessages('machine'));
      await appendAll(s.imap, appended);

      const settled = await waitSettled(s.imap, queues, appended.length, 90_000);
      expect(settled, `not settled; output:\n${child.output()}`).toEqual({ inbox: 0, filed: appended.length, busy: 0 });
      const parked = await parkedJobs(s.env);
      const o = await observe(s.imap, s.smtp, appended, parked, keyOf);
      expect(parked).toEqual([]);
      expect(o.duplicates).toEqual([]);
      expect(o.machineAnswered).toEqual([]);
      expect(o.replies).toBe(persons.length);
      // The decisions were made on the pipeline threads, not on the main thread.
      const decided = child.output().split('\n').filter((l) => l.includes('"triage: decided"'));
      expect(decided.length).toBeGreaterThan(0);
      expect(decided.filter((l) => !/"thread":\d+/.test(l))).toEqual([]);

      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status, await ready.clone().text()).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      // Decisions and replies happen on the threads; the main thread serves their sum.
      expect(total(metrics, 'triage_messages_total')).toBe(appended.length);
      expect(total(metrics, 'triage_replies_sent_total')).toBe(persons.length);
      expect(total(metrics, 'triage_reply_latency_seconds_count')).toBe(persons.length);
      // Process-wide figures appear once, not once per thread.
      expect(metrics.match(/^triage_process_process_cpu_seconds_total /gm)).toHaveLength(1);
      expect(metrics).toMatch(/^triage_queue_jobs\{queue="triage",state="failed"\} 0$/m);

      const t0 = Date.now();
      expect(await child.stop()).toBe('exit 0');
      expect(Date.now() - t0).toBeLessThan(30_000);
      expect(await busyJobs(queues)).toBe(0);
    } finally {
      await child.kill9();
      await queues.close().catch(() => undefined);
      await conn.quit().catch(() => conn.disconnect());
      await s.stop();
    }
  });
});
