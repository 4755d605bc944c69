/**
 * The live pipeline against real peers (private redis-server with AOF,
 * private Dovecot on tmpfs, the devstack SMTP sink in this process), run in
 * a child process, against the naive script (bench/child.ts `naive`) on the
 * very same mailbox:
 *
 * - e2e: N person mails in INBOX -> N auto-replies at the sink.
 * - latency: APPEND one at a time at a modest rate into an idle pipeline;
 *   APPEND completion -> reply at the sink, beside Dovecot's own IDLE
 *   notification delay (APPEND completion -> `exists` on a bare IDLE client).
 * - backlog: a large INBOX drained; drain time and the pipeline process's
 *   peak RSS.
 */
import { Redis } from 'ioredis';
import type { DovecotHandle } from '../src/devstack/dovecot-server.js';
import type { RedisHandle } from '../src/devstack/redis-server.js';
import type { SmtpSink } from '../src/devstack/smtp-sink.js';
import { personMessage } from './messages.js';
import { APPENDFSYNC, Child, benchThreads, SinkTap, type ChildReport, bulkAppend, maxOf, minOf, dovecot, imapClient, logFile, logProblems, percentile, redis, redisPeakMemory, sleep, smtpSink } from './stack.js';
import { MB, type Row } from './report.js';

const USER = 'ivlima@test';
const PASS = 'secret';

interface RunResult {
  /** Messages per second, "go" to the last reply at the sink. */
  rate: number;
  seconds: number;
  peakRssMb: number;
  idleRssMb: number;
  firstReplyMs: number;
  extra: string[];
  /** Peak RSS (MB) in each tenth of the run, of the (first) pipeline process. */
  rssByTenth?: number[];
}


/** The naive script over the mailbox (read-only: the pipeline then finds it untouched). */
async function runNaive(imap: DovecotHandle, sink: SmtpSink, tap: SinkTap, n: number, full?: { folder: string; moveTo: string }): Promise<RunResult> {
  const child = new Child('naive', { imapUrl: imap.imapUrl(USER, PASS), smtpUrl: sink.url, ...(full ? { full: true, ...full } : {}) });
  await child.next('loaded', 60_000);
  tap.reset();
  const t0 = Date.now();
  child.send({ type: 'go' });
  // With `full`, a reply and a staff e-mail per message; done once the MOVE is too.
  await tap.waitFor('naive', full ? 2 * n : n, 60_000);
  await child.next('done', 60_000);
  const seconds = (maxOf(tap.arrivals.naive.values()) - t0) / 1000;
  const firstReplyMs = minOf(tap.arrivals.naive.values()) - t0;
  const stopped = await child.stop();
  return { rate: n / seconds, seconds, peakRssMb: Number(stopped.peakRss) / MB, idleRssMb: Number(stopped.rssAtGo) / MB, firstReplyMs, extra: [`script CPU ${(Number(stopped.cpuMs) / n).toFixed(2)} ms per message`] };
}

interface PipelineOptions {
  /** Stop waiting for replies after this long and report a partial drain. */
  deadlineSeconds?: number;
  /** Also wait for every staff e-mail and for the INBOX to be empty (all filed). */
  waitForRest: boolean;
}

/**
 * The pipeline until N auto-replies reached the sink (or the deadline passed).
 * All roles in one process, as `triage start` runs them; BENCH_SPLIT_ROLES=1
 * runs intake+triage and reply+route in two processes (as workers/* can).
 */
async function runPipeline(name: string, imap: DovecotHandle, r: RedisHandle, sink: SmtpSink, tap: SinkTap, n: number, opts: PipelineOptions): Promise<RunResult & { complete: boolean; replied: number }> {
  const split = process.env.BENCH_SPLIT_ROLES === '1';
  const common = { imapUrl: imap.imapUrl(USER, PASS), smtpUrl: sink.url, redisUrl: r.url };
  const logs = split ? [logFile(`${name}-intake-triage`), logFile(`${name}-reply-route`)] : [logFile(name)];
  const children = split
    ? [new Child('pipeline', { ...common, roles: 'intake,triage' }, logs[0]), new Child('pipeline', { ...common, roles: 'reply,route' }, logs[1])]
    : [new Child('pipeline', common, logs[0])];
  for (const c of children) await c.next('loaded', 60_000);
  const rc = new Redis(r.url);
  try {
    await rc.config('RESETSTAT');
    const redisCpu0 = redisCpuSeconds(await rc.info('cpu'));
    tap.reset();
    const t0 = Date.now();
    for (const c of children) c.send({ type: 'go' });
    const started = await children[0]!.next('started', 60_000);

    let deadlineTimer: NodeJS.Timeout | undefined;
    const deadline = opts.deadlineSeconds
      ? new Promise<'deadline'>((r) => (deadlineTimer = setTimeout(() => r('deadline'), opts.deadlineSeconds! * 1000)))
      : new Promise<never>(() => undefined);
    const complete = (await Promise.race([tap.waitFor('auto-reply', n, 60_000).then(() => 'done' as const), deadline])) === 'done';
    clearTimeout(deadlineTimer);
    const replied = tap.count('auto-reply');
    if (replied === 0) throw new Error('no reply reached the sink');
    const seconds = (maxOf(tap.arrivals['auto-reply'].values()) - t0) / 1000;
    const firstReplyMs = minOf(tap.arrivals['auto-reply'].values()) - t0;
    let rest: string;
    if (opts.waitForRest && complete) {
      await tap.waitFor('staff', n, 60_000);
      const staffSeconds = (maxOf(tap.arrivals.staff.values()) - t0) / 1000;
      let left = -1;
      for (let i = 0; i < 240 && left !== 0; i++) {
        left = await imap.count(USER, PASS, 'INBOX');
        if (left !== 0) await sleep(250);
      }
      const filedSeconds = (Date.now() - t0) / 1000;
      rest = `last staff e-mail ${staffSeconds.toFixed(1)} s, ` + (left === 0 ? `INBOX empty (all filed) by ~${filedSeconds.toFixed(1)} s` : `${left} still in INBOX after ${filedSeconds.toFixed(0)} s`);
    } else {
      rest = `${tap.count('staff')} staff e-mails sent by then, ${await imap.count(USER, PASS, 'INBOX')} messages still in INBOX`;
    }
    const stats = await rc.info('commandstats');
    const redisCpuMs = (redisCpuSeconds(await rc.info('cpu')) - redisCpu0) * 1000;
    const reports: ChildReport[] = [];
    for (const c of children) reports.push(await c.stop());

    const calls = [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])] as const);
    const totalCalls = calls.reduce((sum, c) => sum + c[1], 0);
    const sentBy = new Map<string, number>();
    for (const rep of reports) for (const [k, v] of Object.entries(rep.redisCommands as Record<string, number>)) sentBy.set(k, (sentBy.get(k) ?? 0) + v);
    const sent = [...sentBy].sort((a, b) => b[1] - a[1]);
    const sum = (f: (rep: (typeof reports)[number]) => number): number => reports.reduce((acc, rep) => acc + f(rep), 0);
    const problems = logs.map(logProblems);
    const failed = Object.assign({}, ...reports.map((rep) => rep.failedJobs as Record<string, number>)) as Record<string, number>;
    const per = replied; // per handled message
    return {
      complete,
      replied,
      rate: replied / seconds,
      seconds,
      peakRssMb: sum((rep) => Number(rep.peakRss)) / MB,
      idleRssMb: sum((rep) => Number(rep.rssAtGo)) / MB,
      rssByTenth: (reports[0]!.rssByTenth as number[]) ?? [],
      firstReplyMs,
      extra: [
        `${split ? 'roles split over 2 processes (BENCH_SPLIT_ROLES=1; RSS figures are their sum), ' : ''}workers${benchThreads() > 0 ? ` (${benchThreads()} pipeline threads)` : ''} running before go, intake started in ${Number(started.ms).toFixed(0)} ms, first reply after ${firstReplyMs} ms, last reply ${seconds.toFixed(1)} s (first to last reply: ${((replied - 1) / (seconds - firstReplyMs / 1000)).toFixed(0)} msg/s)` +
          (complete ? '' : ` (deadline: ${replied} of ${n} replied)`) + `, ${rest}`,
        `per message: ${(sent.reduce((acc, c) => acc + c[1], 0) / per).toFixed(1)} Redis commands sent (${sent.slice(0, 5).map(([c, k]) => `${c} ${(k / per).toFixed(1)}`).join(', ')}), ${(totalCalls / per).toFixed(0)} executed by Redis counting those inside BullMQ's Lua scripts (${[...calls].sort((x, y) => y[1] - x[1]).slice(0, 8).map(([c, k]) => `${c} ${(k / per).toFixed(1)}`).join(', ')}), ${(sum((rep) => Number(rep.socketWrites)) / per).toFixed(0)} socket writes` +
          (benchThreads() > 0 ? ' (commands sent and socket writes: main thread only)' : ''),
        `CPU per message, everything done (replies, staff e-mail, filing): pipeline ${(sum((rep) => Number(rep.cpuMs)) / per).toFixed(2)} ms (user+system, all threads), Redis ${(redisCpuMs / per).toFixed(2)} ms`,
        `failed job attempts ${sum((rep) => Number(rep.failedAttempts))}${Object.values(failed).some((v) => v > 0) ? `, failed jobs ${JSON.stringify(failed)}` : ''}, log warnings ${problems.reduce((a, p) => a + p.count, 0)}${problems.find((p) => p.top) ? ` (top: ${problems.find((p) => p.top)!.top})` : ''}` +
          (problems.some((p) => p.duringShutdown) ? ` (+${problems.reduce((a, p) => a + p.duringShutdown, 0)} while shutting down)` : ''),
      ],
    };
  } finally {
    rc.disconnect();
  }
}

export async function benchE2E(n: number): Promise<{ rows: Row[]; notes: string[]; naiveRate: number }> {
  const [imap, r, sink] = await Promise.all([dovecot([{ user: USER, password: PASS }]), redis(), smtpSink()]);
  const tap = new SinkTap(sink);
  const ap = await bulkAppend(imap, USER, PASS, n, (i) => personMessage(i, 'e2e'));
  const naive = await runNaive(imap, sink, tap, n);
  const pipe = await runPipeline('e2e', imap, r, sink, tap, n, { waitForRest: true });
  // The same messages, now in Triage/Processed: the naive script doing the pipeline's other work too.
  const naiveFull = await runNaive(imap, sink, tap, n, { folder: 'Triage/Processed', moveTo: 'Bench/Done' });
  return {
    naiveRate: naive.rate,
    rows: [
      { stage: `e2e: ${n} mails in INBOX -> ${n} replies at sink [naive script]`, value: pipe.rate, unit: 'msg/s', bare: naive.rate, target: { op: '>=', value: 600 } },
      { stage: `e2e: naive script + staff e-mail + MOVE, no queue [naive script]`, value: naiveFull.rate, unit: 'msg/s', bare: naive.rate },
    ],
    notes: [
      `e2e: N=${n} (BENCH_E2E_N), ${(ap.bytes / n / 1024).toFixed(1)} KB average, APPENDed first at ${(n / ap.seconds).toFixed(0)} msg/s; both timed from "go" (process loaded; the pipeline's workers running, its intake not yet started) to the last reply at the sink, on the same mailbox (the naive script reads it read-only first).`,
      `e2e pipeline: Redis AOF appendfsync=${APPENDFSYNC}; also sends ${n} staff e-mails with the original attached and moves every message; ${pipe.extra.join('; ')}.`,
      `e2e naive: first reply after ${naive.firstReplyMs} ms, ${naive.seconds.toFixed(1)} s in all; no queue, no Redis, no staff e-mail, no filing; ${naive.extra.join('; ')}.`,
      `e2e naive + staff e-mail + MOVE: the naive script also sending each message's staff e-mail with the original attached, then one MOVE of all ${n} (the work the issue asks of the pipeline besides its queues and durability), ${naiveFull.seconds.toFixed(1)} s in all, to the last mail at the sink: ${naiveFull.extra.join('; ')}: that work alone, done sequentially as the naive script does, without any queue.`,
    ],
  };
}

/** APPENDs `count` messages at `rate` per second over one connection with INBOX selected; returns each APPEND's completion time (Date.now()). */
async function pacedAppend(imap: DovecotHandle, user: string, count: number, rate: number, make: (i: number) => Buffer, jitter = false): Promise<number[]> {
  // With jitter, gaps are uniform in [0.5, 1.5] / rate (a fixed seed): a strictly periodic sender
  // can phase-lock with Dovecot's periodic IDLE check and show a latency that is luck, not design.
  let seed = 12345;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const at: number[] = [];
  for (let i = 0, t = 0; i < count; i++, t += (jitter ? 0.5 + random() : 1) * (1000 / rate)) at.push(t);
  const c = imapClient(imap, user, PASS);
  await c.connect();
  const done: number[] = [];
  try {
    const lock = await c.getMailboxLock('INBOX');
    try {
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        const wait = start + at[i]! - performance.now();
        if (wait > 0) await sleep(wait);
        if (!(await c.append('INBOX', make(i)))) throw new Error('APPEND failed');
        done.push(Date.now());
      }
    } finally {
      lock.release();
    }
  } finally {
    await c.logout().catch(() => c.close());
  }
  return done;
}

export async function benchLatency(rate: number, seconds: number): Promise<{ rows: Row[]; notes: string[] }> {
  const count = Math.max(1, Math.round(rate * seconds));
  const IDLE_USER = 'idle@test';
  const [imap, r, sink] = await Promise.all([dovecot([{ user: USER, password: PASS }, { user: IDLE_USER, password: PASS }]), redis(), smtpSink()]);
  const tap = new SinkTap(sink);

  // Bare: Dovecot's own IDLE notification delay, same rate, another mailbox.
  const watcher = imapClient(imap, IDLE_USER, PASS);
  await watcher.connect();
  const lock = await watcher.getMailboxLock('INBOX');
  const base = watcher.mailbox ? watcher.mailbox.exists : 0;
  const events: Array<{ count: number; t: number }> = [];
  watcher.on('exists', (d: { count: number }) => events.push({ count: d.count, t: Date.now() }));
  const idling = watcher.idle().catch(() => undefined);
  await sleep(200);
  const bareDone = await pacedAppend(imap, IDLE_USER, count, rate, (i) => personMessage(i, 'idle'));
  await sleep(2_000);
  const bare: number[] = [];
  bareDone.forEach((t, k) => {
    const e = events.find((x) => x.count >= base + k + 1);
    if (e) bare.push(Math.max(0, e.t - t));
  });
  lock.release();
  await watcher.logout().catch(() => watcher.close());
  await idling;

  // The pipeline, idle and warm (5 messages through it first: JIT, SMTP pool).
  const child = new Child('pipeline', { imapUrl: imap.imapUrl(USER, PASS), smtpUrl: sink.url, redisUrl: r.url }, logFile('latency'));
  await child.next('loaded', 60_000);
  child.send({ type: 'go' });
  await child.next('connected', 60_000);
  await sleep(1_000);
  await pacedAppend(imap, USER, 5, 10, (i) => personMessage(i, 'warm'));
  await tap.waitFor('auto-reply', 5, 30_000);
  await sleep(1_500);
  tap.reset();
  const done = await pacedAppend(imap, USER, count, rate, (i) => personMessage(i, 'lat'));
  await tap.waitFor('auto-reply', count, 30_000);
  const lat = done.map((t, i) => tap.arrivals['auto-reply'].get(`<lat-${i}@mail.example.com>`)! - t);
  // Sparse arrivals: each message into a pipeline that has nothing to file, so only IDLE (or the poll) wakes it.
  const sparseRate = 2;
  await sleep(1_500);
  tap.reset();
  const sparseDone = await pacedAppend(imap, USER, sparseRate * seconds, sparseRate, (i) => personMessage(i, 'sparse'), true);
  await tap.waitFor('auto-reply', sparseDone.length, 30_000);
  const sparse = sparseDone.map((t, i) => tap.arrivals['auto-reply'].get(`<sparse-${i}@mail.example.com>`)! - t);
  await child.stop();

  const note = (xs: number[]): string => `p50 ${percentile(xs, 50).toFixed(0)} / p95 ${percentile(xs, 95).toFixed(0)} / p99 ${percentile(xs, 99).toFixed(0)} / max ${Math.max(...xs).toFixed(0)} ms`;
  return {
    rows: [
      { stage: `latency p50: APPEND -> reply at sink, ${rate}/s [APPEND -> IDLE exists]`, value: percentile(lat, 50), unit: 'ms', bare: percentile(bare, 50) },
      { stage: `latency p95: APPEND -> reply at sink, ${rate}/s [APPEND -> IDLE exists]`, value: percentile(lat, 95), unit: 'ms', bare: percentile(bare, 95), target: { op: '<', value: 600 } },
      { stage: `latency p95, sparse: ~${sparseRate}/s, jittered, ${seconds} s [APPEND -> IDLE exists]`, value: percentile(sparse, 95), unit: 'ms', bare: percentile(bare, 95), target: { op: '<', value: 600 } },
    ],
    notes: [
      `latency: ${count} messages, one APPEND every ${(1000 / rate).toFixed(0)} ms for ${seconds} s (BENCH_LATENCY_RATE, BENCH_LATENCY_SECONDS); pipeline ${note(lat)}; bare IDLE client ${note(bare)} (${bare.length}/${count} notified); sparse ${sparseRate}/s: ${note(sparse)}.`,
    ],
  };
}

export async function benchBacklog(n: number, opts: { withNaive: boolean; deadlineSeconds: number; e2eNaiveRate: number | null }): Promise<{ rows: Row[]; notes: string[] }> {
  const [imap, r, sink] = await Promise.all([dovecot([{ user: USER, password: PASS }]), redis(), smtpSink()]);
  const tap = new SinkTap(sink);
  const ap = await bulkAppend(imap, USER, PASS, n, (i) => personMessage(i, 'backlog'));
  const naive = opts.withNaive ? await runNaive(imap, sink, tap, n) : null;
  const pipe = await runPipeline('backlog', imap, r, sink, tap, n, { deadlineSeconds: opts.deadlineSeconds, waitForRest: false });
  const redisPeak = await redisPeakMemory(r.url);
  const bareRate = naive?.rate ?? opts.e2eNaiveRate;
  const label = pipe.complete ? `drain ${n}` : `drain ${n}, first ${opts.deadlineSeconds} s only`;
  return {
    rows: [
      {
        stage: `backlog: ${label} [naive script, ${naive ? 'same mailbox' : 'e2e run'}]`,
        value: pipe.rate,
        unit: 'msg/s',
        extra: pipe.complete ? `(${pipe.seconds.toFixed(1)} s)` : `(~${(n / pipe.rate).toFixed(0)} s projected)`,
        bare: bareRate,
        ...(naive ? { bareExtra: `(${naive.seconds.toFixed(1)} s)` } : {}),
      },
      { stage: `backlog: peak RSS of the pipeline process [same process idle, before go]`, value: pipe.peakRssMb, unit: 'MB', bare: pipe.idleRssMb, target: { op: '<', value: 400 } },
    ],
    notes: [
      `backlog: N=${n} (BENCH_BACKLOG_N; the issue asks about 100000), APPENDed first at ${(n / ap.seconds).toFixed(0)} msg/s in ${ap.seconds.toFixed(0)} s; ` +
        (pipe.complete
          ? 'drained completely.'
          : `NOT drained: the run stops after BENCH_BACKLOG_MAX_SECONDS=${opts.deadlineSeconds} s of draining (${pipe.replied} of ${n} replied), so that \`npm run bench\` stays near 5 minutes; the rate is over those ${opts.deadlineSeconds} s and the full drain time a projection. Set BENCH_BACKLOG_MAX_SECONDS=0 for a full drain.`),
      `backlog pipeline: RSS ${pipe.idleRssMb.toFixed(0)} MB loaded and idle -> peak ${pipe.peakRssMb.toFixed(0)} MB (sampled every 250 ms; peak per tenth of the drain: ${pipe.rssByTenth?.join(' ')} MB); Redis used_memory_peak ${(redisPeak / MB).toFixed(0)} MB; ${pipe.extra.join('; ')}.`,
      naive
        ? `backlog naive: ${naive.rate.toFixed(0)} msg/s, RSS ${naive.idleRssMb.toFixed(0)} MB -> peak ${naive.peakRssMb.toFixed(0)} MB.`
        : `backlog naive: not run on the backlog (BENCH_BACKLOG_NAIVE=1 to run it, +N/naive-rate seconds); the bare rate is the naive script's from the e2e part${opts.e2eNaiveRate === null ? ', which did not run' : ''}.`,
    ],
  };
}

/** Redis's own CPU time so far (`INFO cpu`: used_cpu_sys + used_cpu_user, main thread and children). */
function redisCpuSeconds(info: string): number {
  let total = 0;
  for (const m of info.matchAll(/^used_cpu_(?:sys|user):([\d.]+)/gm)) total += Number(m[1]);
  return total;
}
