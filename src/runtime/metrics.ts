/**
 * Prometheus metrics (prom-client), one registry per event loop. With
 * pipeline threads (`TRIAGE_THREADS`), each thread counts its own messages,
 * replies and failures, and the main thread serves them summed
 * (`AggregatorRegistry.aggregate`) beside the process-wide figures that only
 * it collects: process/runtime metrics and queue depths read from Redis.
 */
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { Queue } from 'bullmq';

export interface Metrics {
  registry: Registry;
  messages: Counter<'post' | 'category' | 'outcome'>;
  replies: Counter<'post'>;
  failures: Counter<'queue' | 'reason'>;
  replyLatency: Histogram<'post'>;
}

/** What `registry.getMetricsAsJSON()` gives: the form threads send their counts in. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/**
 * @param queues The queues whose depths to report, or null in a pipeline
 *   thread (the main thread reports them, and the process metrics, once).
 */
export function createMetrics(queues: (() => Queue[]) | null): Metrics {
  const registry = new Registry();
  if (queues) collectDefaultMetrics({ register: registry, prefix: 'triage_process_' });
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
  if (queues) new Gauge({
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

/** The main thread's own metrics with every thread's counts added in. */
export async function aggregatedMetrics(own: Registry, threads: readonly MetricsSnapshot[]): Promise<Registry> {
  if (threads.length === 0) return own;
  return AggregatorRegistry.aggregate([await own.getMetricsAsJSON(), ...threads]);
}
