/**
 * IMAP against the private Dovecot (maildir on tmpfs): bulk APPEND over one
 * connection, a bare `FETCH 1:* BODY[]` with imapflow (no baseline: it is
 * the bare operation), the intake's own fetch pattern (UID SEARCH, then
 * UID FETCH of explicit UID lists in batches of 200 with INTERNALDATE)
 * against it, and the intake role itself (IMAP -> raw in Redis + triage
 * job) against it.
 */
import { startPipeline } from '../src/runtime/app.js';
import { createLogger } from '../src/runtime/logger.js';
import type { DovecotHandle } from '../src/devstack/dovecot-server.js';
import { personMessage } from './messages.js';
import { benchEnv, bulkAppend, dovecot, imapClient, onCleanup, redis, sleep } from './stack.js';
import { MB, type Row } from './report.js';

const USER = 'fetch@test';
const PASS = 'secret';
/** The intake's default batch size (src/adapters/imap/imap-intake.ts DEFAULTS.batchSize). */
const INTAKE_BATCH = 200;

/** Runs `read` on a read-only INBOX of the bench user; the lock and the login are always released. */
async function withInbox<T>(imap: DovecotHandle, read: (c: ReturnType<typeof imapClient>) => Promise<T>): Promise<T> {
  const c = imapClient(imap, USER, PASS);
  await c.connect();
  try {
    const lock = await c.getMailboxLock('INBOX', { readOnly: true });
    try {
      return await read(c);
    } finally {
      lock.release();
    }
  } finally {
    await c.logout().catch(() => c.close());
  }
}

function fetchAll(imap: DovecotHandle): Promise<{ perSecond: number; mbPerSecond: number; count: number }> {
  return withInbox(imap, async (c) => {
    let count = 0;
    let bytes = 0;
    const t = performance.now();
    for await (const m of c.fetch('1:*', { uid: true, source: true })) {
      count++;
      bytes += m.source?.length ?? 0;
    }
    const s = (performance.now() - t) / 1000;
    return { perSecond: count / s, mbPerSecond: bytes / MB / s, count };
  });
}

/** What ImapIntake.catchUp does, minus Redis. */
function fetchLikeIntake(imap: DovecotHandle): Promise<{ perSecond: number; count: number }> {
  return withInbox(imap, async (c) => {
    let count = 0;
    const t = performance.now();
    const uids = ((await c.search({ uid: '1:*' }, { uid: true })) || []).sort((x, y) => x - y);
    for (let i = 0; i < uids.length; i += INTAKE_BATCH) {
      const chunk = uids.slice(i, i + INTAKE_BATCH);
      for await (const m of c.fetch(chunk.join(','), { uid: true, source: true, internalDate: true }, { uid: true })) if (m.source) count++;
    }
    return { perSecond: count / ((performance.now() - t) / 1000), count };
  });
}

export async function benchImap(n: number): Promise<{ rows: Row[]; notes: string[] }> {
  const imap = await dovecot([{ user: USER, password: PASS }]);
  const ap = await bulkAppend(imap, USER, PASS, n, (i) => personMessage(i, 'imap'));

  // Interleaved, twice each: a noisy neighbour hurts both sides alike.
  const a1 = await fetchAll(imap);
  const b1 = await fetchLikeIntake(imap);
  const a2 = await fetchAll(imap);
  const b2 = await fetchLikeIntake(imap);
  if (a1.count !== n || b1.count !== n) throw new Error(`imap bench: fetched ${a1.count}/${b1.count} of ${n}`);
  const bare = (a1.perSecond + a2.perSecond) / 2;
  const bareMb = (a1.mbPerSecond + a2.mbPerSecond) / 2;

  // The intake role alone: messages stay in INBOX (nothing files them without triage).
  const r = await redis();
  const app = await startPipeline(
    benchEnv({ redisUrl: r.url, smtpUrl: 'smtp://127.0.0.1:9', imapUrl: imap.imapUrl(USER, PASS) }),
    ['intake'],
    createLogger({ level: 'silent' }),
  );
  const stopApp = onCleanup(() => app.stop('bench'));
  // The intake pauses above 5,000 waiting triage jobs (maxBacklog): count at most that many.
  const target = Math.min(n, 5_000);
  let connectedAt = 0;
  while (!app.intakes[0]?.isConnected) await sleep(1);
  connectedAt = Date.now();
  for (let waited = 0; ; waited += 10) {
    const c = await app.queues.triage.getJobCounts('waiting');
    if ((c.waiting ?? 0) >= target) break;
    if (waited > 120_000) throw new Error(`imap bench: intake queued only ${c.waiting} of ${target}`);
    await sleep(10);
  }
  const jobs = await app.queues.triage.getJobs(['waiting'], 0, n);
  const stamps = jobs.map((j) => j.timestamp).sort((x, y) => x - y);
  const intake = target / ((stamps[target - 1]! - connectedAt) / 1000);
  await stopApp();

  return {
    rows: [
      { stage: 'imap: APPEND, 1 connection, INBOX selected, 8 queued [none]', value: n / ap.seconds, unit: 'msg/s', extra: `(${(ap.bytes / MB / ap.seconds).toFixed(1)} MB/s)`, bare: null },
      { stage: 'imap: FETCH 1:* BODY[] (imapflow) [none: this is the bare op]', value: bare, unit: 'msg/s', extra: `(${bareMb.toFixed(1)} MB/s)`, bare: null },
      { stage: `imap: fetch as intake does, UID batches of ${INTAKE_BATCH} [FETCH 1:*]`, value: (b1.perSecond + b2.perSecond) / 2, unit: 'msg/s', bare },
      { stage: 'imap: intake role, IMAP -> Redis raw + triage job [FETCH 1:*]', value: intake, unit: 'msg/s', bare },
    ],
    notes: [
      `imap: N=${n} messages (BENCH_IMAP_N), ${(ap.bytes / n / 1024).toFixed(1)} KB average; Dovecot maildir on tmpfs. The FETCH row has no meaningful bare baseline: it is the bare operation (msg/s and MB/s only).`,
      'imap: intake role = startPipeline(env, ["intake"]), timed from IMAP connected to the last triage job added (includes folder check, SELECT, UID SEARCH, putRaw, addBulk, cursor).',
    ],
  };
}
