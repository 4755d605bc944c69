/**
 * Wiring: config + environment -> adapters -> stages -> running roles.
 * `triage start` runs every role in one process; `workers/*` run one role
 * each, for scaling. Nothing here decides anything about a message.
 */
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { QUEUES, jobIds, rawMessageKey, type QueueName, type TriageJob } from '../contracts/queues.js';
import { addJob, createQueues, createWorker, isFinalFailure, jobOptions, type Queues } from '../adapters/queue/bullmq-queues.js';
import { RAW_STORE_LIMIT, TriageStore } from '../adapters/redis/triage-store.js';
import { storedCopy } from '../adapters/mime/raw-mime.js';
import { connectRedis } from '../adapters/redis/connect.js';
import { ImapIntake, type FetchedMessage } from '../adapters/imap/imap-intake.js';
import { createSmtpSender, type MailSender } from '../adapters/smtp/smtp-sender.js';
import { TemplateRenderer, type TemplateSnapshot } from '../adapters/templates/liquid-renderer.js';
import { startHealthServer } from '../adapters/http/health-server.js';
import { runTriageStage } from '../pipeline/triage-stage.js';
import { runReplyStage } from '../pipeline/reply-stage.js';
import { runRouteStage } from '../pipeline/route-stage.js';
import { buildPostRuntimes, type PostRuntime } from '../pipeline/post-runtime.js';
import { loadConfig, type LoadedConfig } from './load-config.js';
import { checkTemplates } from './check-templates.js';
import { ConfigError } from './errors.js';
import type { EnvConfig } from './env-config.js';
import { aggregatedMetrics, createMetrics, type Metrics } from './metrics.js';
import { PipelineThreads } from './pipeline-threads.js';
import { isMainThread } from 'node:worker_threads';
import { projectRoot } from './paths.js';
import { Shutdown } from './shutdown.js';

export type Role = 'intake' | 'triage' | 'reply' | 'route';
export const ALL_ROLES: readonly Role[] = ['intake', 'triage', 'reply', 'route'];

export interface Running {
  shutdown: Shutdown;
  intakes: ImapIntake[];
  /** The pipeline threads running the worker roles (`TRIAGE_THREADS` >= 1), or null when they run on the main thread. */
  threads: PipelineThreads | null;
  queues: Queues;
  store: TriageStore;
  metrics: Metrics;
  http: Server | null;
  stop(reason?: string): Promise<void>;
}

/**
 * How one event loop uses its SMTP connections (`env.smtpMaxConnections`:
 * SMTP_MAX_CONNECTIONS, divided among the pipeline threads): replies take
 * five of every nine, staff e-mail (route) the rest, so staff mail yields to
 * applicants' replies. Replies run no wider than their connections: a reply
 * waiting for a connection already carries its `sending` mark, and a crash
 * then parks it (REPLY_UNCERTAIN), so fewer waiting means fewer parked.
 */
export function smtpShare(connections: number): { pool: number; reply: number; route: number } {
  const pool = Math.max(1, Math.floor(connections));
  const reply = Math.max(1, Math.round((pool * 5) / 9));
  return { pool, reply, route: Math.max(1, pool - reply) };
}

/** Each pipeline thread's share of the process's SMTP connections: at least one. */
export function smtpConnectionsPerThread(total: number, threads: number): number {
  return Math.max(1, Math.floor(total / Math.max(1, threads)));
}

/** Triage jobs in flight per event loop: enough to hide Redis round trips. */
const TRIAGE_CONCURRENCY = 16;

/** How long start waits for the pipeline threads before intake starts regardless. */
const THREADS_START_TIMEOUT_MS = 30_000;

/** Above nodemailer's 60 s socket timeout, so a slow send is never taken over and run twice. */
const LOCK_DURATION_MS = 120_000;

/** The config and templates as read and checked once, at start. */
export interface CheckedSetup {
  config: LoadedConfig;
  templates: TemplateSnapshot;
}

/**
 * @param checked A pipeline thread's setup: what its main thread read and
 *   checked at start, so that every thread, including one restarted hours
 *   later, runs the same config and templates, never a file an admin is
 *   editing.
 */
export async function startPipeline(env: EnvConfig, roles: readonly Role[], logger: Logger, checked?: CheckedSetup): Promise<Running> {
  // Nothing starts on an invalid config or a missing template.
  const templatesDir = env.templatesDir ?? join(projectRoot(), 'templates');
  const config = checked?.config ?? (await loadConfig(env.configDir));
  const templates = checked?.templates ?? (await new TemplateRenderer(templatesDir).snapshot());
  const renderer = new TemplateRenderer(templatesDir, templates);
  if (!checked) {
    const templateIssues = await checkTemplates(config.posts.values(), renderer);
    if (templateIssues.length > 0) throw new ConfigError(templateIssues);
  }
  for (const m of env.mailboxes) {
    if (!config.posts.has(m.post)) throw new ConfigError([{ file: 'environment', path: `IMAP_URL (post ${m.post})`, message: `no post ${m.post} in ${config.dir}` }]);
  }
  const posts = buildPostRuntimes(config.posts.values(), new Date().getUTCFullYear());

  const shutdown = new Shutdown(logger);
  const redis = connectRedis(env);
  // The store's commands must fail (and the job retry) rather than hang while Redis is away.
  const storeRedis = connectRedis(env, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
  for (const r of [redis, storeRedis]) r.on('error', (err) => logger.warn({ err: err.message }, 'redis: connection error'));
  const store = new TriageStore(storeRedis);
  const queues = createQueues(redis);
  // A pipeline thread counts only its own work; the main thread reports the process and the queues.
  const metrics = createMetrics(isMainThread ? () => queues.all() : null);
  const workers: Worker[] = [];
  const intakes: ImapIntake[] = [];
  let mail: MailSender | null = null;
  const smtp = smtpShare(env.smtpMaxConnections);
  const mailer = (): MailSender => (mail ??= createSmtpSender(env.smtpUrl, { maxConnections: smtp.pool }));
  const folders = () => env.folders;

  if (roles.includes('intake')) {
    for (const box of env.mailboxes) {
      const intake = new ImapIntake({
        mailbox: box.post,
        account: box.account,
        folders: env.folders,
        store,
        owner: env.instance,
        pollIntervalMs: env.pollIntervalMs,
        logger: logger.child({ mailbox: box.post }),
        backlog: async () => {
          const c = await queues.triage.getJobCounts('waiting', 'prioritized');
          return (c.waiting ?? 0) + (c.prioritized ?? 0);
        },
        accept: (batch) => acceptBatch(box.post, box.account.folder, batch, store, queues),
        recover: (batch) => recoverBatch(box.post, box.account.folder, batch, store, queues, env.folders.processed),
      });
      intakes.push(intake);
    }
    if (env.mailboxes.length === 0) logger.warn('intake: no mailbox configured (set IMAP_URL or IMAP_URL_<POST>); only workers run');
  }

  const worker = <N extends QueueName>(name: N, concurrency: number, run: Parameters<typeof createWorker<N>>[3], onFinal?: (data: unknown, err: Error) => Promise<void>): void => {
    const w = createWorker(name, redis, { concurrency, lockDuration: LOCK_DURATION_MS }, run);
    w.on('error', (err) => logger.warn({ queue: name, err: err.message }, 'worker: error'));
    w.on('failed', (job, err) => {
      const reason = /^([A-Z_]+):/.exec(err.message)?.[1] ?? err.name;
      metrics.failures.inc({ queue: name, reason });
      const final = isFinalFailure(job, err);
      logger.warn({ queue: name, jobId: job?.id, attempt: job?.attemptsMade, final, err: err.message }, final ? 'job parked' : 'job failed; will retry');
      if (final && onFinal && job) void onFinal(job.data, err).catch((e: Error) => logger.error({ queue: name, jobId: job.id, err: e.message }, 'parking action failed'));
    });
    workers.push(w);
  };

  // With worker threads, this (main) thread keeps intake, HTTP and supervision, and stays responsive.
  const workerRoles = roles.filter((r) => r !== 'intake');
  const threads = env.threads > 0 && workerRoles.length > 0 ? new PipelineThreads({ env, roles: workerRoles, checked: { config, templates }, smtpConnections: smtpConnectionsPerThread(env.smtpMaxConnections, env.threads) }, env.threads, logger) : null;
  const here = new Set<Role>(threads ? roles.filter((r) => r === 'intake') : roles);

  if (here.has('triage')) {
    worker(
      QUEUES.triage,
      TRIAGE_CONCURRENCY,
      (job) =>
        runTriageStage(job, {
          store,
          posts,
          folders,
          now: () => new Date(),
          logger,
          addAutoReply: (j) => addJob(queues.autoReply, QUEUES.autoReply, j, jobIds.autoReply(j.key)),
          addRoute: (j) => addJob(queues.route, QUEUES.route, j, jobIds.route(j.key)),
          onDecision: (post, d, outcome) => metrics.messages.inc({ post, category: d.category, outcome }),
        }),
      // A message that cannot be decided is moved where an admin sees it.
      async (data) => {
        const job = data as TriageJob;
        await store.requestFiling(job.source.mailbox, { uidValidity: job.source.uidValidity, uid: job.source.uid, folder: env.folders.failed, key: job.key });
      },
    );
  }
  if (here.has('reply')) {
    worker(QUEUES.autoReply, smtp.reply, (job) =>
      runReplyStage(job, { store, posts, renderer, mail: mailer(), now: () => new Date(), logger, onSent: (post, ms) => {
        metrics.replies.inc({ post });
        metrics.replyLatency.observe({ post }, ms / 1000);
      } }),
    );
  }
  if (here.has('route')) {
    worker(QUEUES.route, smtp.route, (job) =>
      runRouteStage(job, {
        store,
        posts,
        mail: mailer(),
        logger,
        addStaffJob: async (post, queue, ticket, followUpKey) => {
          const staff = queues.staff(post, queue);
          const keep = { removeOnComplete: false, removeOnFail: false };
          if (followUpKey) await staff.add('follow-up', { ticket, messageKey: followUpKey }, { jobId: jobIds.staffFollowUp(ticket.id, followUpKey), ...keep });
          else await staff.add('ticket', ticket, { jobId: jobIds.staffTicket(ticket.id), ...keep });
        },
      }),
    );
  }

  let http: Server | null = null;
  if (env.httpPort > 0) {
    http = await startHealthServer(env.httpPort, {
      metrics: async () => aggregatedMetrics(metrics.registry, threads ? await threads.snapshots() : []),
      readiness: [
        async () => (threads && threads.readyCount < threads.size ? `threads: ${threads.readyCount} of ${threads.size} pipeline threads running` : null),
        async () => ((await redis.ping()) === 'PONG' ? null : 'redis: no answer'),
        async () => {
          const down = intakes.filter((i) => !i.isConnected && i.isActive);
          return down.length ? `imap: ${down.length} mailbox(es) not connected` : null;
        },
      ],
    });
  }

  // Mail is fetched once the workers are up: until then it would only queue.
  // A thread that cannot start delays intake by at most the timeout.
  if (threads) {
    threads.start();
    if (!(await threads.whenReady(THREADS_START_TIMEOUT_MS))) logger.warn({ ready: threads.readyCount, of: threads.size }, 'threads: not every pipeline thread started in time; starting intake anyway');
  }
  for (const intake of intakes) intake.start();

  // Order: no new mail, then in-flight jobs finish, then connections close.
  shutdown.add('intake', () => Promise.all(intakes.map((i) => i.stop())));
  shutdown.add('workers', () => Promise.all([threads?.stop('shutdown'), ...workers.map((w) => w.close())]));
  shutdown.add('smtp', async () => mail?.close());
  shutdown.add('queues', () => queues.close());
  shutdown.add('http', () => (http ? new Promise<void>((r) => http!.close(() => r())) : Promise.resolve()));
  shutdown.add('redis', () => Promise.all([redis.quit().catch(() => redis.disconnect()), storeRedis.quit().catch(() => storeRedis.disconnect())]));
  logger.info({ roles, mailboxes: env.mailboxes.map((m) => m.post), posts: [...posts.keys()], threads: threads?.size ?? 0 }, 'pipeline: started');
  return { shutdown, intakes, threads, queues, store, metrics, http, stop: (reason = 'stop') => shutdown.run(reason) };
}

/** Messages left in the inbox below the checkpoint: file the decided ones, queue the rest again. */
async function recoverBatch(post: string, folder: string, batch: FetchedMessage[], store: TriageStore, queues: Queues, processed: string): Promise<void> {
  const undecided: FetchedMessage[] = [];
  for (const m of batch) {
    const key = rawMessageKey(post, m.raw);
    const state = await store.getMessageState(key);
    if (state.status === 'done') await store.requestFiling(post, { uidValidity: m.uidValidity, uid: m.uid, folder: state.folder ?? processed, key });
    else undecided.push(m);
  }
  if (undecided.length > 0) await acceptBatch(post, folder, undecided, store, queues);
}


/** Intake -> Redis: the raw message stored (bounded), one triage job per message with a deterministic id. */
async function acceptBatch(post: string, folder: string, batch: FetchedMessage[], store: TriageStore, queues: Queues): Promise<void> {
  const jobs = [];
  const keysOf = batch.map((m) => rawMessageKey(post, m.raw));
  // The raw copies first, all at once; a job never refers to a missing copy.
  // A large message is stored with its largest attachments emptied (text,
  // headers and the names of what was left out stay), not cut off; a
  // sender's own copy of our elision header is renamed first.
  await Promise.all(
    batch.map((m, i) => {
      const copy = storedCopy(m.raw, RAW_STORE_LIMIT);
      return store.putRaw(keysOf[i]!, copy === null ? m.raw : copy.raw);
    }),
  );
  for (const [i, m] of batch.entries()) {
    const key = keysOf[i]!;
    const data: TriageJob = {
      schemaVersion: 1,
      post,
      key,
      source: { mailbox: post, folder, uidValidity: m.uidValidity, uid: m.uid },
      // The server's arrival time starts the SLA clock, not our fetch.
      receivedAt: m.internalDate ?? new Date().toISOString(),
      size: m.raw.length,
    };
    jobs.push({ name: QUEUES.triage, data, opts: jobOptions(QUEUES.triage, jobIds.triage(key, m.uidValidity, m.uid)) });
  }
  await queues.triage.addBulk(jobs);
}

export type { PostRuntime };
