/** `triage jobs failed|retry`: parked jobs, their reason, and putting them back to work. */
import { QUEUES } from '../contracts/queues.js';
import { createQueues } from '../adapters/queue/bullmq-queues.js';
import { connectRedis } from '../adapters/redis/connect.js';
import { readEnvConfig } from '../runtime/env-config.js';
import { TriageStore } from '../adapters/redis/triage-store.js';

const NAMES = Object.values(QUEUES);

/**
 * A `REPLY_UNCERTAIN` reply may have gone out (the connection died after the
 * data was sent): a plain retry parks it again. `--resend` clears its
 * `sending` mark first, for an admin who found it missing from the SMTP log.
 */
export async function runJobs(action: 'failed' | 'retry', opts: { queue?: string; id?: string; json?: boolean; resend?: boolean }, out: NodeJS.WritableStream): Promise<number> {
  const env = readEnvConfig();
  const redis = connectRedis(env);
  const queues = createQueues(redis);
  try {
    const selected = opts.queue ? [opts.queue] : NAMES;
    const bad = selected.filter((q) => !(NAMES as string[]).includes(q));
    if (bad.length) {
      out.write(`unknown queue ${bad.join(', ')} (have: ${NAMES.join(', ')})\n`);
      return 2;
    }
    const byName = { [QUEUES.triage]: queues.triage, [QUEUES.autoReply]: queues.autoReply, [QUEUES.route]: queues.route } as const;
    let count = 0;
    for (const name of selected) {
      const queue = byName[name as keyof typeof byName];
      const failed = opts.id ? [await queue.getJob(opts.id)].filter((j) => j && (j.failedReason ?? '') !== '') : await queue.getFailed(0, 999);
      for (const job of failed) {
        if (!job) continue;
        count++;
        if (action === 'retry') {
          if (name === QUEUES.autoReply && (job.failedReason ?? '').startsWith('REPLY_UNCERTAIN')) {
            // A reply recorded as sent completes without sending when retried.
            const key = String((job.data as { key?: unknown }).key ?? '');
            const store = new TriageStore(redis);
            if (!opts.resend && (await store.getReplyState(key)) === 'sending') {
              out.write(`skipped ${name} ${job.id}: REPLY_UNCERTAIN, the reply may have gone out. Look for Message-ID <reply-${key}@...> in the SMTP log; if it is not there, retry with --resend\n`);
              continue;
            }
            if (opts.resend) await store.releaseUncertainReply(key);
          }
          await job.retry('failed');
          out.write(`retried ${name} ${job.id}\n`);
        } else if (opts.json) {
          out.write(`${JSON.stringify({ queue: name, id: job.id, attempts: job.attemptsMade, reason: job.failedReason, failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null })}\n`);
        } else {
          out.write(`${name}\t${job.id}\tattempts=${job.attemptsMade}\t${job.failedReason}\n`);
        }
      }
    }
    if (count === 0) out.write(action === 'retry' ? 'no failed job to retry\n' : 'no failed jobs\n');
    return 0;
  } finally {
    await queues.close();
    await redis.quit();
  }
}
