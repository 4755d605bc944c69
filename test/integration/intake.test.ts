/**
 * ImapIntake against a real Dovecot and Redis, on its own (no workers): how
 * much source it holds at once, when it files, what a poller that lost its
 * lock may still do, and servers whose folders are not `Triage/...`.
 */
import { ImapFlow } from 'imapflow';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImapIntake, groupBySize, type FetchedMessage } from '../../src/adapters/imap/imap-intake.js';
import type { TriageStore } from '../../src/adapters/redis/triage-store.js';
import { usePrivateRedis } from '../helpers/private-redis.js';
import { startDovecot, type DovecotHandle } from '../../src/devstack/dovecot-server.js';
import { startPipeline, ALL_ROLES, type Running } from '../../src/runtime/app.js';
import { startSmtpSink, type SmtpSink } from '../../src/devstack/smtp-sink.js';
import { eventually, testEnv } from '../helpers/pipeline-env.js';

const USER = 'ivlima@test';
const USER2 = 'ivguz@test';
const USER3 = 'ivbns@test';
const PASS = 'secret';
const FOLDERS = { processed: 'Triage/Processed', ignored: 'Triage/Ignored', failed: 'Triage/Failed' };
const logger = pino({ level: process.env.TRIAGE_TEST_LOG ?? 'silent' });

const mail = (i: number, body = 'Consulta sobre mi caso.') =>
  `From: Ana Pérez <ana${i}@example.com>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: IV Inquiry LMA2023${String(100000 + i)} Perez\r\nMessage-ID: <intake-${i}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;

const pr = usePrivateRedis();

describe('groupBySize', () => {
  it('keeps order, stays under the budget, and lets an oversized item through alone', () => {
    expect(groupBySize([5, 5, 5, 12, 1, 1], (n) => n, 10)).toEqual([[5, 5], [5], [12], [1, 1]]);
    expect(groupBySize([], (n: number) => n, 10)).toEqual([]);
  });
});

describe('ImapIntake on its own', () => {
  let imap: DovecotHandle;
  let intake: ImapIntake | undefined;
  beforeAll(async () => {
    imap = await startDovecot({ users: [{ user: USER, password: PASS }, { user: USER2, password: PASS }, { user: USER3, password: PASS }] });
  });
  afterEach(async () => {
    await intake?.stop();
    intake = undefined;
    await pr.conn.flushall();
  });
  afterAll(() => imap?.stop());

  const start = (user: string, mailbox: string, accept: (batch: FetchedMessage[]) => Promise<void>, extra: Partial<ConstructorParameters<typeof ImapIntake>[0]> = {}) => {
    intake = new ImapIntake({
      mailbox,
      account: { host: '127.0.0.1', port: imap.port, secure: false, user, pass: PASS, folder: 'INBOX' },
      folders: FOLDERS,
      store: pr.store,
      owner: 'test',
      logger,
      accept,
      recover: async () => undefined,
      backlog: async () => 0,
      pollIntervalMs: 1_000,
      ...extra,
    });
    intake.start();
    return intake;
  };

  it('holds at most maxBatchBytes of source per FETCH when messages are large, and accepts each once', async () => {
    const big = 'x'.repeat(76).concat('\r\n').repeat(25_000); // ~2 MB each
    for (let i = 0; i < 6; i++) await imap.append(USER, PASS, 'INBOX', mail(i, big));
    const batches: number[][] = [];
    start(USER, 'LMA', async (batch) => void batches.push(batch.map((m) => m.raw.length)), { maxBatchBytes: 5 * 1024 * 1024 });
    await eventually(async () => batches.flat().length, (n) => n >= 6, 20_000);
    expect(batches.flat()).toHaveLength(6);
    for (const b of batches) expect(b.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(batches.length).toBeGreaterThanOrEqual(3);
  });

  it('files into a folder an admin deleted meanwhile: it is created again, and the message is not stuck in the inbox', async () => {
    await imap.append(USER3, PASS, 'INBOX', mail(300));
    const accepted: FetchedMessage[] = [];
    start(USER3, 'BNS', async (batch) => void accepted.push(...batch), { fileDelayMs: 0 });
    await eventually(async () => accepted.length, (n) => n === 1, 20_000);
    const admin = new ImapFlow({ host: '127.0.0.1', port: imap.port, secure: false, auth: { user: USER3, pass: PASS }, logger: false });
    await admin.connect();
    try {
      await admin.mailboxDelete('Triage/Processed');
      expect((await admin.list()).map((m) => m.path)).not.toContain('Triage/Processed');
    } finally {
      await admin.logout();
    }
    const m = accepted[0]!;
    await pr.store.requestFiling('BNS', { uidValidity: m.uidValidity, uid: m.uid, folder: FOLDERS.processed, key: 'k300' });
    await eventually(() => imap.count(USER3, PASS, 'INBOX'), (n) => n === 0, 15_000, 50);
    expect(await imap.count(USER3, PASS, 'Triage/Processed')).toBe(1);
  });

  it('files a decided message only once its request is fileDelayMs old', async () => {
    await imap.append(USER2, PASS, 'INBOX', mail(100));
    const accepted: FetchedMessage[] = [];
    start(USER2, 'GUZ', async (batch) => void accepted.push(...batch), { fileDelayMs: 3_000 });
    await eventually(async () => accepted.length, (n) => n === 1, 20_000);
    const m = accepted[0]!;
    const asked = Date.now();
    await pr.store.requestFiling('GUZ', { uidValidity: m.uidValidity, uid: m.uid, folder: FOLDERS.processed, key: 'k100' });
    await eventually(() => imap.count(USER2, PASS, 'Triage/Processed'), (n) => n === 1, 15_000, 50);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(3_000);
    expect(await imap.count(USER2, PASS, 'INBOX')).toBe(0);
    expect(await pr.store.fileQueueLength('GUZ')).toBe(0);
  });
});

describe('filing requests and the intake lock', () => {
  it('a poller that lost its lock cannot remove requests the new holder has not filed', async () => {
    const first = await pr.store.acquireIntakeLock('BNS', 30_000, 'replica-a');
    expect(first).not.toBeNull();
    for (let uid = 1; uid <= 3; uid++) await pr.store.requestFiling('BNS', { uidValidity: '1', uid, folder: FOLDERS.processed, key: `k${uid}` });
    // The lock expires and replica B takes it.
    await pr.conn.del('{triage}:state:lock:intake:BNS');
    const second = await pr.store.acquireIntakeLock('BNS', 30_000, 'replica-b');
    expect(second).not.toBeNull();
    expect(await pr.store.ackFilings('BNS', 3, first!)).toBe(false);
    expect(await pr.store.fileQueueLength('BNS')).toBe(3);
    expect(await pr.store.ackFilings('BNS', 2, second!)).toBe(true);
    expect((await pr.store.pendingFilings('BNS', 10)).map((p) => p.uid)).toEqual([3]);
  });
});

describe('a Courier-style server: "." delimiter, every folder under INBOX.', () => {
  let imap: DovecotHandle;
  let smtp: SmtpSink;
  let app: Running | undefined;
  beforeAll(async () => {
    [imap, smtp] = await Promise.all([startDovecot({ users: [{ user: USER, password: PASS }], namespace: { separator: '.', prefix: 'INBOX.' } }), startSmtpSink()]);
  });
  afterAll(async () => {
    await app?.stop('test end');
    await Promise.all([imap?.stop(), smtp?.stop()]);
  });

  it('creates INBOX.Triage.Processed and friends and files every message there', async () => {
    await pr.conn.flushall();
    app = await startPipeline(testEnv({ redisUrl: pr.redis.url, smtpUrl: smtp.url, imapUrl: imap.imapUrl(USER, PASS) }), ALL_ROLES, logger);
    for (let i = 0; i < 3; i++) await imap.append(USER, PASS, 'INBOX', mail(200 + i));
    await imap.append(USER, PASS, 'INBOX', 'From: MAILER-DAEMON@mx.example.net\r\nTo: ivlima@state.example\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <bounce-1@mx.example.net>\r\n\r\nThis is the mail system at host mx.example.net. I\'m sorry to have to inform you that your message could not be delivered.\r\n');
    await eventually(() => imap.count(USER, PASS, 'INBOX'), (n) => n === 0, 30_000);
    expect(await imap.count(USER, PASS, 'INBOX.Triage.Processed')).toBe(3);
    expect(await imap.count(USER, PASS, 'INBOX.Triage.Ignored')).toBe(1);
    await eventually(async () => smtp.messages.length, (n) => n >= 3, 15_000);
  });
});
