/** Prometheus metrics (prom-client), one registry per process. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';

export interface Metrics {
  registry: Registry;
  messages: Counter<'post' | 'category' | 'outcome'>;
  replies: Counter<'post'>;
  failures: Counter<'queue' | 'reason'>;
  replyLatency: Histogram<'post'>;
}

export function createMetrics(queues: () => Queue[]): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'triage_process_' });
  const messages = new Counter({ name: 'triage_messages_total', help: 'Messages decided, by post, category and outcome', labelNames: ['post', 'category', 'outcome'] as const, registers: [registry] });
  const replies = new Counter({ name: 'triage_replies_sent_total', help: 'Auto-replies sent', labelNames: ['post'] as const, registers: [registry] });
  const failures = new Counter({ name: 'triage_job_failures_total', help: 'Job attempts that failed, by queue and reason code', labelNames: ['queue', 'reason'] as const, registers: [registry] });
  const replyLatency = new Histogram({
    name: 'triage_reply_latency_seconds',
    help: 'From intake seeing a message to its auto-reply being accepted by SMTP',
    labelNames: ['post'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  new Gauge({
    name: 'triage_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of queues()) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
  return { registry, messages, replies, failures, replyLatency };
}
