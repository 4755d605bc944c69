/**
 * Fault injection against real peers (own redis-server, Dovecot and SMTP
 * sink per scenario): a crashed pipeline process, a crashed Redis, a dropped
 * IMAP connection, temporary and permanent SMTP refusals. Every scenario ends
 * with what users see: the inbox emptied into Triage/Processed or
 * Triage/Ignored, one auto-reply per person-written message (matched by
 * In-Reply-To), none to a machine, no message lost.
 *
 * The process-crash scenario necessarily waits for BullMQ to notice the jobs
 * the dead process held (their locks last LOCK_DURATION_MS = 120 s, the
 * stalled check runs every 30 s; the dead intake's mailbox lock lasts 30 s),
 * so it runs concurrently with the in-process scenarios, which run one after
 * another.
 *
 * The last two tests are regression tests for defects these scenarios found
 * in src/, since fixed (the comments above them say what went wrong).
 */
import { Writable } from 'node:stream';
import { describe, it, type ExpectStatic } from 'vitest';
import { pino, type Logger } from 'pino';
import { startRedis } from '../../src/devstack/redis-server.js';
import { startDovecot } from '../../src/devstack/dovecot-server.js';
import { startPipeline, ALL_ROLES, type Running } from '../../src/runtime/app.js';
import { createQueues } from '../../src/adapters/queue/bullmq-queues.js';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { rawMessageKey } from '../../src/contracts/queues.js';
import { TriageStore } from '../../src/adapters/redis/triage-store.js';
import { buildClosedDays } from '../../src/adapters/holidays/holiday-calendar.js';
import { slaDueDate } from '../../src/core/business-days.js';
import { loadConfig } from '../../src/runtime/load-config.js';
import { testEnv } from '../helpers/pipeline-env.js';
import {
  appendAll,
  interleave,
  startServers,
  waitSettled,
  type Servers,
  corpusMessages,
  countAutoReplies,
  imapSessions,
  observe,
  parkedJobs,
  personMail,
  runCli,
  sleep,
  spawnTriage,
  staffMails,
  unroutedPersonMail,
  waitFor,
  PASS,
  USER,
  type Appended,
  type Outcome,
  type ParkedJob,
  type TriageChild,
} from '../helpers/fault-kit.js';
import { startLossySmtp } from '../helpers/fault-smtp.js';

/**
 * The most replies a fault can catch mid-send: the reply workers'
 * concurrency, 5 of every 9 SMTP connections (smtpShare in
 * src/runtime/app.ts): 10 of `triage start`'s default 18, and 5 in the
 * in-process scenarios (testEnv gives 9).
 */
const REPLY_IN_FLIGHT_MAX = 16;

/** A logger that keeps warnings in memory: printed only when a scenario fails. */
function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8').trim());
      if (lines.length > 300) lines.splice(0, lines.length - 300);
      cb();
    },
  });
  return { logger: pino({ level: process.env.TRIAGE_TEST_LOG ?? 'warn' }, stream), lines };
}

const keyOf = (m: Appended): string => rawMessageKey('LMA', m.raw);

/** The user-visible invariants; `allowUncertain` = the fault may have caught replies mid-send. */
function assertInvariants(expect: ExpectStatic, o: Outcome, appended: Appended[], parked: ParkedJob[], allowUncertain: boolean): void {
  const persons = appended.filter((m) => !m.machine).length;
  const machines = appended.length - persons;
  expect(o.lost, 'messages in no triage folder').toEqual([]);
  expect(o.filedTwice, 'messages filed twice').toEqual([]);
  expect(o.inbox, 'messages left in INBOX').toBe(0);
  expect(o.failedFolder, 'messages in Triage/Failed').toBe(0);
  expect(o.processed).toBe(persons);
  expect(o.ignored).toBe(machines);
  expect(o.duplicates, 'Message-IDs answered twice').toEqual([]);
  expect(o.machineAnswered, 'machine messages answered').toEqual([]);
  expect(o.missing, 'person messages neither answered nor parked').toEqual([]);
  if (allowUncertain) {
    // Only the replies in flight at the fault may be parked instead of sent.
    expect(o.parkedUnsent.length).toBeLessThanOrEqual(REPLY_IN_FLIGHT_MAX);
    for (const j of parked) expect(j.reason, `${j.queue} ${j.id}`).toMatch(/REPLY_UNCERTAIN/);
  } else {
    expect(parked, 'parked jobs').toEqual([]);
    expect(o.parkedUnsent).toEqual([]);
  }
  expect(o.replies).toBe(persons - o.parkedUnsent.length);
}

/**
 * Every person's IV inquiry has exactly one ticket, in the queue LMA routes
 * IV inquiries to (config/posts/LMA.yaml: iv-status, 5 business days), with
 * the SLA clock started when the mail arrived, not when a process
 * (re)started, and the due date counted in Lima's business days.
 */
async function assertTickets(expect: ExpectStatic, store: TriageStore, persons: Appended[], t0: number, appendedBy: number): Promise<void> {
  const lma = (await loadConfig()).posts.get('LMA')!;
  const year = new Date().getUTCFullYear();
  const calendar = buildClosedDays({ countries: lma.holidays.countries, closures: lma.holidays.closures, years: [year, year + 1] });
  const isClosed = (d: string): boolean => calendar.isClosed(d);
  const ids = await Promise.all(persons.map((m) => store.ticketByMessage(keyOf(m))));
  expect(ids.filter((id) => id === null).length, 'person messages without a ticket').toBe(0);
  expect(new Set(ids).size, 'tickets shared by different applicants').toBe(persons.length);
  const listed = await store.listTickets('LMA', persons.length * 2);
  expect(listed.length, 'tickets opened (a retried job must not open a second)').toBe(persons.length);
  const wrong: string[] = [];
  for (const t of listed) {
    const arrived = Date.parse(t.receivedAt);
    if (t.queue !== 'iv-status' || t.category !== 'iv_inquiry') wrong.push(`${t.id}: ${t.category} in ${t.queue}`);
    // IMAP INTERNALDATE has whole seconds.
    if (!(arrived >= t0 - 1_000 && arrived <= appendedBy + 1_000)) wrong.push(`${t.id}: received ${t.receivedAt}, not when it arrived`);
    const due = slaDueDate(t.receivedAt, lma.timezone, lma.queues['iv-status']!.slaBusinessDays, isClosed);
    if (t.dueDate !== due) wrong.push(`${t.id}: due ${t.dueDate}, expected ${due}`);
    if (t.messages.length !== 1) wrong.push(`${t.id}: ${t.messages.length} messages`);
  }
  expect(wrong.slice(0, 10)).toEqual([]);
}

function summary(name: string, o: Outcome, parked: ParkedJob[], ms: number, extra = ''): void {
  const byQueue = parked.reduce<Record<string, number>>((a, j) => ({ ...a, [j.queue]: (a[j.queue] ?? 0) + 1 }), {});
  console.log(
    `[faults] ${name}: ${(ms / 1000).toFixed(1)} s; replies=${o.replies} processed=${o.processed} ignored=${o.ignored}; ` +
      `parked=${JSON.stringify(byQueue)} (auto-reply unsent=${o.parkedUnsent.length}, sent-but-parked=${o.parkedSent.length})${extra ? `; ${extra}` : ''}`,
  );
}

describe('fault injection, real Redis + Dovecot + SMTP', () => {
  describe('pipeline process', { concurrent: true }, () => {
    it('kill -9 mid-batch, then a new process: nothing lost, nobody answered twice, machines never', { timeout: 260_000 }, async ({ expect }) => {
      const t0 = Date.now();
      const s = await startServers();
      const children: TriageChild[] = [];
      const conn = connectRedis({ redisUrl: s.redis.url });
      const queues = createQueues(conn);
      try {
        // The issue's acceptance run: 1,000 applicants' messages plus the machine mail of the corpus.
        const persons = Array.from({ length: 1_000 }, (_, i) => personMail(i, 'crash'));
        const machines = corpusMessages('machine');
        const appended = interleave(persons, machines);

        const first = spawnTriage(s.env);
        children.push(first);
        await appendAll(s.imap, appended);
        const appendedBy = Date.now();
        const third = Math.round(persons.length / 3);
        const atKill = await waitFor(async () => countAutoReplies(s.smtp), (n) => n >= third, 90_000, 20);
        expect(atKill, `replies before the kill; child output:\n${first.output()}`).toBeGreaterThanOrEqual(third);
        expect(await first.kill9()).toBe('SIGKILL');
        const repliesAtKill = countAutoReplies(s.smtp);

        const second = spawnTriage(s.env);
        children.push(second);
        const v = await waitSettled(s.imap, queues, appended.length, 220_000);
        expect(v, `not settled; child output:\n${second.output()}`).toEqual({ inbox: 0, filed: appended.length, busy: 0 });
        expect(second.child.exitCode, `second process died:\n${second.output()}`).toBeNull();

        const parked = await parkedJobs(s.env);
        const o = await observe(s.imap, s.smtp, appended, parked, keyOf);
        summary('kill -9', o, parked, Date.now() - t0, `replies at kill=${repliesAtKill}`);
        assertInvariants(expect, o, appended, parked, true);
        await assertTickets(expect, new TriageStore(conn), persons, t0, appendedBy);
        // Staff notification is at least once: every ticket's unit got its e-mail, a
        // second copy (after a send the kill interrupted) only with the same Message-ID.
        const staff = staffMails(s.smtp);
        const tickets = await new TriageStore(conn).listTickets('LMA', persons.length * 2);
        expect(tickets.filter((t) => !staff.has(t.id)).map((t) => t.id), 'tickets whose unit got no e-mail').toEqual([]);
        expect([...staff].filter(([, ids]) => new Set(ids).size !== 1), 'staff copies with different Message-IDs').toEqual([]);
        expect(parked.filter((j) => j.queue === 'route'), 'parked staff e-mails').toEqual([]);
        console.log(`[faults] kill -9: ${tickets.length} tickets, ${staff.size} notified, ${[...staff.values()].filter((ids) => ids.length > 1).length} notified twice`);
        expect(await second.stop()).toMatch(/^(exit 0|SIGTERM)$/);
      } finally {
        for (const c of children) await c.kill9();
        await queues.close().catch(() => undefined);
        await conn.quit().catch(() => conn.disconnect());
        await s.stop();
      }
    });
  });

  describe('in-process pipeline', { concurrent: true }, () => {
    let s: Servers;
    let app: Running | undefined;
    let log: { logger: Logger; lines: string[] };

    const start = async () => {
      s = await startServers();
      log = memoryLogger();
      app = await startPipeline(testEnv({ redisUrl: s.redis.url, smtpUrl: s.smtp.url, imapUrl: s.env.imapUrl, pollIntervalMs: 1_000 }), ALL_ROLES, log.logger);
      return app;
    };
    const finish = async () => {
      await app?.stop('test end');
      app = undefined;
      await s?.stop();
    };
    const diag = () => `pipeline log (tail):\n${log.lines.slice(-40).join('\n')}`;

    // Usually settles in ~6 s. The worst case is longer: Redis (AOF, fsync
    // every second) can come back with a job active whose worker has
    // already dropped it; BullMQ hands it out again only after its lock
    // expires (LOCK_DURATION_MS = 120 s) and the stalled check (every 30 s)
    // runs, so the wait allows 180 s (seen once on CI: 2 jobs still active at 90 s).
    it.sequential('Redis killed -9 and restarted (AOF) while work is in flight', { timeout: 240_000 }, async ({ expect }) => {
      const t0 = Date.now();
      try {
        const app = await start();
        const machines = corpusMessages('machine');
        const batch1 = interleave(Array.from({ length: 80 }, (_, i) => personMail(i, 'redis')), machines);
        const batch2 = Array.from({ length: 40 }, (_, i) => personMail(80 + i, 'redis'));
        const appended = [...batch1, ...batch2];

        await appendAll(s.imap, batch1);
        await waitFor(async () => countAutoReplies(s.smtp), (n) => n >= 15, 30_000, 10);
        const repliesAtKill = countAutoReplies(s.smtp);
        expect(repliesAtKill).toBeLessThan(80); // the crash happens mid-stream
        await s.redis.kill9();
        await sleep(1_500);
        await s.redis.restart();
        await appendAll(s.imap, batch2);

        const v = await waitSettled(s.imap, app.queues, appended.length, 180_000);
        expect(v, diag()).toEqual({ inbox: 0, filed: appended.length, busy: 0 });
        const parked = await parkedJobs(s.env);
        const o = await observe(s.imap, s.smtp, appended, parked, keyOf);
        summary('redis kill -9 + restart', o, parked, Date.now() - t0, `replies at kill=${repliesAtKill}, intake connections=${app.intakes[0]!.connections}`);
        assertInvariants(expect, o, appended, parked, true);
      } finally {
        await finish();
      }
    });

    it.sequential('IMAP connection dropped by the server: the intake reconnects and catches up', { timeout: 90_000 }, async ({ expect }) => {
      const t0 = Date.now();
      try {
        const app = await start();
        const machines = corpusMessages('machine');
        const batch1 = interleave(Array.from({ length: 50 }, (_, i) => personMail(i, 'imap')), machines);
        const batch2 = Array.from({ length: 50 }, (_, i) => personMail(50 + i, 'imap'));
        const appended = [...batch1, ...batch2];

        await appendAll(s.imap, batch1);
        await waitFor(async () => countAutoReplies(s.smtp), (n) => n >= 10, 30_000, 10);
        await s.imap.kickConnections(USER);
        await appendAll(s.imap, batch2);
        // And once more while the second batch is being fetched or filed.
        await waitFor(async () => countAutoReplies(s.smtp), (n) => n >= 60, 30_000, 10);
        await s.imap.kickConnections(USER);

        const v = await waitSettled(s.imap, app.queues, appended.length, 60_000);
        expect(v, diag()).toEqual({ inbox: 0, filed: appended.length, busy: 0 });
        const parked = await parkedJobs(s.env);
        const o = await observe(s.imap, s.smtp, appended, parked, keyOf);
        summary('IMAP kick', o, parked, Date.now() - t0, `intake connections=${app.intakes[0]!.connections}`);
        assertInvariants(expect, o, appended, parked, false);
        expect(app.intakes[0]!.connections).toBeGreaterThanOrEqual(2);
        expect(app.intakes[0]!.isConnected).toBe(true);
      } finally {
        await finish();
      }
    });

    it.sequential('SMTP 421 then 451: the replies are retried with back-off and arrive exactly once', { timeout: 60_000 }, async ({ expect }) => {
      const t0 = Date.now();
      try {
        const app = await start();
        // Unrouted persons: every SMTP transaction is an auto-reply, so the scripted failures hit replies.
        const persons = Array.from({ length: 8 }, (_, i) => unroutedPersonMail(`smtp4xx${i}`));
        const appended = interleave(persons, corpusMessages('machine').slice(0, 3));
        s.smtp.failNext([
          { code: 421, message: '4.3.2 Service shutting down, try again later' },
          { code: 451, message: '4.3.0 Temporary local problem, try again later' },
        ]);
        await appendAll(s.imap, appended);

        const v = await waitSettled(s.imap, app.queues, appended.length, 45_000);
        expect(v, diag()).toEqual({ inbox: 0, filed: appended.length, busy: 0 });
        expect(s.smtp.pendingFailures()).toBe(0);
        expect(s.smtp.rejected.map((r) => r.response.code)).toEqual([421, 451]);
        const parked = await parkedJobs(s.env);
        const o = await observe(s.imap, s.smtp, appended, parked, keyOf);
        summary('SMTP 421/451', o, parked, Date.now() - t0);
        assertInvariants(expect, o, appended, parked, false);

        // The refused replies came again, after a back-off (first retry: 1-2 s with jitter).
        for (const r of s.smtp.rejected) {
          const id = String((await r.parsed()).inReplyTo ?? '').toLowerCase();
          const again = [];
          for (const m of s.smtp.messages) if (String((await m.parsed()).inReplyTo ?? '').toLowerCase() === id) again.push(m);
          expect(again.length, `retries of ${id}`).toBe(1);
          expect(again[0]!.receivedAt.getTime() - r.receivedAt.getTime()).toBeGreaterThanOrEqual(900);
        }
      } finally {
        await finish();
      }
    });

    it.sequential('SMTP 550: the reply is parked (SMTP_PERMANENT), the message still filed; `triage jobs retry` sends it once', { timeout: 60_000 }, async ({ expect }) => {
      const t0 = Date.now();
      try {
        const app = await start();
        const m = unroutedPersonMail('smtp550');
        const jobId = `reply-${keyOf(m)}`;
        s.smtp.failNext([{ code: 550, message: '5.1.1 <gabriela.soto.smtp550@example.org>: Recipient address rejected' }]);
        await appendAll(s.imap, [m]);

        const v = await waitSettled(s.imap, app.queues, 1, 30_000);
        expect(v, diag()).toEqual({ inbox: 0, filed: 1, busy: 0 });
        expect(await s.imap.count(USER, PASS, 'Triage/Processed')).toBe(1);
        expect(s.smtp.rejected.length).toBe(1);
        expect(countAutoReplies(s.smtp)).toBe(0);

        const parked = await parkedJobs(s.env);
        expect(parked.map((j) => [j.queue, j.id])).toEqual([['auto-reply', jobId]]);
        expect(parked[0]!.reason).toMatch(/SMTP_PERMANENT/);
        expect(parked[0]!.reason).toMatch(/550/);

        const retry = await runCli(['jobs', 'retry', '--queue', 'auto-reply'], s.env);
        expect(retry.code, retry.stderr).toBe(0);
        expect(retry.stdout).toContain(`retried auto-reply ${jobId}`);
        await waitFor(async () => countAutoReplies(s.smtp), (n) => n >= 1, 20_000, 50);
        await waitSettled(s.imap, app.queues, 1, 20_000);

        const after = await parkedJobs(s.env);
        const o = await observe(s.imap, s.smtp, [m], after, keyOf);
        summary('SMTP 550 + retry', o, after, Date.now() - t0);
        assertInvariants(expect, o, [m], after, false);
        expect(o.replies).toBe(1);
        const cli = await runCli(['jobs', 'failed'], s.env);
        expect(cli.stdout.trim()).toBe('no failed jobs');
      } finally {
        await finish();
      }
    });

    // Found by the Redis scenario. A Redis error inside an IMAP session (here:
    // the filing queue read when new mail wakes the intake) ends the session
    // without closing the IMAP connection, and the intake's attempt to release
    // its Redis lock fails while Redis is down, so after Redis is back the
    // intake waited for its own stale lock to expire (30 s TTL + 10 s retry).
    // Fixed in src/adapters/imap/imap-intake.ts (the lock token is kept across reconnects).
    it.sequential('a Redis outage during an IMAP session leaks no IMAP connection and the intake resumes promptly', { timeout: 90_000 }, async ({ expect }) => {
      const t0 = Date.now();
      try {
        const app = await start();
        const [m1, m2] = [personMail(0, 'outage'), personMail(1, 'outage')];
        await appendAll(s.imap, [m1]);
        await waitSettled(s.imap, app.queues, 1, 20_000);
        expect(await waitFor(() => imapSessions(s.imap), (n) => n === 1, 5_000)).toBe(1);

        await s.redis.kill9();
        // New mail wakes the idle intake; its next Redis read fails.
        await appendAll(s.imap, [m2]);
        await waitFor(async () => log.lines.some((l) => l.includes('imap intake: connection failed or dropped')), (x) => x, 10_000, 50);
        // An outage of a few seconds (a restart, a failover): long enough for the intake's lock release to fail too.
        await sleep(3_000);
        await s.redis.restart();
        const back = Date.now();

        const v = await waitSettled(s.imap, app.queues, 2, 60_000);
        const resumedAfterMs = Date.now() - back - 1_500;
        expect(v, diag()).toEqual({ inbox: 0, filed: 2, busy: 0 });
        const parked = await parkedJobs(s.env);
        const o = await observe(s.imap, s.smtp, [m1, m2], parked, keyOf);
        const sessions = await waitFor(() => imapSessions(s.imap), (n) => n <= 1, 5_000);
        summary('Redis outage in an IMAP session', o, parked, Date.now() - t0, `resumed ${(resumedAfterMs / 1000).toFixed(1)} s after Redis was back; IMAP sessions=${sessions}; intake connections=${app.intakes[0]!.connections}`);
        assertInvariants(expect, o, [m1, m2], parked, false);
        // One intake, one IMAP session: the dropped session's connection must be closed.
        expect.soft(sessions, 'IMAP sessions of the mailbox user (leaked connections)').toBe(1);
        // Reconnect back-off is at most a few seconds; the intake must not wait for its own stale lock.
        expect.soft(resumedAfterMs, 'ms from Redis back to the new message filed').toBeLessThan(15_000);
      } finally {
        await finish();
      }
    });

    // Found while reading reply-stage.ts: every send error cleared the
    // `sending` mark, also a connection lost after the message was handed over
    // in full, when the server may well have queued it. The retry then sent a
    // second reply. Fixed in src/pipeline/reply-stage.ts (deliveryUnknown keeps the mark).
    it.sequential('SMTP connection lost after the whole message was sent: the applicant still gets one reply, not two', { timeout: 60_000 }, async ({ expect }) => {
      const [redis, imap, lossy] = await Promise.all([startRedis(), startDovecot({ users: [{ user: USER, password: PASS }] }), startLossySmtp()]);
      const { logger, lines } = memoryLogger();
      let app: Running | undefined;
      try {
        app = await startPipeline(testEnv({ redisUrl: redis.url, smtpUrl: lossy.url, imapUrl: imap.imapUrl(USER, PASS), pollIntervalMs: 1_000 }), ALL_ROLES, logger);
        const m = unroutedPersonMail('lossy');
        lossy.dropAckNext(1);
        await appendAll(imap, [m]);
        const v = await waitSettled(imap, app.queues, 1, 30_000);
        expect(v, lines.slice(-20).join('\n')).toEqual({ inbox: 0, filed: 1, busy: 0 });
        // The first retry comes after 1-2 s; give a second one time too.
        await sleep(5_000);
        const copies = lossy.received.filter((raw) => {
          const irt = /^in-reply-to:[ \t]*(\S+)/im.exec(raw.toString('latin1').split('\r\n\r\n')[0] ?? '')?.[1];
          return irt?.toLowerCase() === m.messageId.toLowerCase();
        }).length;
        console.log(`[faults] SMTP ack lost: ${copies} cop${copies === 1 ? 'y' : 'ies'} of the reply reached the SMTP server`);
        expect(lossy.received.length).toBeGreaterThanOrEqual(1);
        expect(copies, 'replies to one message that reached the SMTP server').toBe(1);

        // The admin path for the parked reply. A plain retry leaves it
        // parked and says what to check; --resend (for a reply the SMTP log
        // does not show; here it does, so this sends the applicant a second
        // copy on purpose) sends it once, and the job completes.
        const cli = { redisUrl: redis.url, smtpUrl: lossy.url };
        const countCopies = () => lossy.received.filter((raw) => raw.toString('latin1').toLowerCase().includes(`in-reply-to: ${m.messageId.toLowerCase()}`)).length;
        expect((await parkedJobs(cli)).map((j) => j.reason.split(':')[0])).toEqual(['REPLY_UNCERTAIN']);
        const plain = await runCli(['jobs', 'retry'], cli);
        expect(plain.stdout).toMatch(/skipped auto-reply .*REPLY_UNCERTAIN.*--resend/);
        await sleep(2_000);
        expect(countCopies()).toBe(1);
        expect(await parkedJobs(cli)).toHaveLength(1);
        const resend = await runCli(['jobs', 'retry', '--queue', 'auto-reply', '--resend'], cli);
        expect(resend.stdout).toMatch(/^retried auto-reply /m);
        await waitFor(async () => countCopies(), (n) => n >= 2, 15_000, 50);
        await sleep(1_000);
        expect(countCopies()).toBe(2);
        expect(await parkedJobs(cli)).toEqual([]);
      } finally {
        await app?.stop('test end');
        await Promise.allSettled([redis.stop(), imap.stop(), lossy.stop()]);
      }
    });
  });
});
