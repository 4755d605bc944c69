/**
 * Proves the dev/test server harnesses (src/devstack/) against the real
 * servers: a private redis-server, a private Dovecot and the smtp-server sink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { freePort } from '../../src/devstack/free-port.js';
import { startRedis, type RedisHandle } from '../../src/devstack/redis-server.js';
import { startDovecot, type DovecotHandle } from '../../src/devstack/dovecot-server.js';
import { startSmtpSink, type SmtpSink } from '../../src/devstack/smtp-sink.js';

/** Timings of server start-ups, printed at the end of the run. */
const timings: string[] = [];
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  timings.push(`${label}: ${(performance.now() - t0).toFixed(0)} ms`);
  return result;
}
afterAll(() => {
  console.log(`[harness timings]\n  ${timings.join('\n  ')}`);
});

function rfc5322(opts: { messageId: string; subject: string; body: string }): string {
  return [
    'From: Ana Applicant <applicant@example.com>',
    'To: Visa Section <inbox@test>',
    `Subject: ${opts.subject}`,
    'Date: Tue, 03 Mar 2026 14:00:00 +0000',
    `Message-ID: ${opts.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    opts.body,
    '',
  ].join('\r\n');
}

describe('freePort', () => {
  it('returns distinct usable ports', async () => {
    const [a, b] = await Promise.all([freePort(), freePort()]);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a).not.toBe(6379);
  });
});

describe('redis harness', () => {
  let redis: RedisHandle;
  const clients: Redis[] = [];
  const connect = (): Redis => {
    const c = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: false });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    redis = await timed('redis start', () => startRedis({ appendonly: true }));
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    if (redis) await timed('redis stop', () => redis.stop());
  });

  it('runs on its own port and answers SET/GET', async () => {
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const c = connect();
    await c.set('harness:k', 'v1');
    expect(await c.get('harness:k')).toBe('v1');
    expect(await c.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
  });

  it('keeps AOF data across kill -9 + restart on the same port', async () => {
    const c = connect();
    await c.set('harness:crash', 'survives');
    await c.rpush('harness:list', 'a', 'b', 'c');
    const oldPid = redis.pid;
    await redis.kill9();
    expect(redis.pid).toBeUndefined();
    await timed('redis restart after kill9 (AOF load)', () => redis.restart());
    expect(redis.pid).not.toBe(oldPid);
    const c2 = connect();
    expect(await c2.get('harness:crash')).toBe('survives');
    expect(await c2.lrange('harness:list', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await c2.get('harness:k')).toBe('v1');
  });

  it('restart() of a running server shuts it down gracefully first', async () => {
    await timed('redis graceful restart', () => redis.restart());
    const c = connect();
    expect(await c.get('harness:crash')).toBe('survives');
  });
});

describe('dovecot harness', () => {
  const user = 'inbox@test';
  const password = 'p;a/ss w@rd%'; // URL-special characters (':' is not allowed in a passwd-file)
  let dovecot: DovecotHandle;

  beforeAll(async () => {
    dovecot = await timed('dovecot start', () =>
      startDovecot({ users: [{ user, password }, { user: 'other@test', password: 'secret' }] }),
    );
  });
  afterAll(async () => {
    if (dovecot) await timed('dovecot stop', () => dovecot.stop());
  });

  it('builds URL-encoded imap URLs', () => {
    const url = new URL(dovecot.imapUrl(user, password));
    expect(url.protocol).toBe('imap:');
    expect(decodeURIComponent(url.username)).toBe(user);
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(url.port).toBe(String(dovecot.port));
    expect(url.pathname).toBe('/INBOX');
  });

  it('appends, lists and counts messages', async () => {
    expect(await dovecot.count(user, password, 'INBOX')).toBe(0);
    expect(await dovecot.list(user, password, 'INBOX')).toEqual([]);
    const t0 = performance.now();
    const uid1 = await dovecot.append(
      user,
      password,
      'INBOX',
      rfc5322({ messageId: '<m1@example.com>', subject: 'Visa appointment', body: 'Hello,\r\nmy case number is LMA2026123456.\r\n\r\nAna' }),
    );
    timings.push(`dovecot append (fresh connection): ${(performance.now() - t0).toFixed(0)} ms`);
    const uid2 = await dovecot.append(
      user,
      password,
      'INBOX',
      Buffer.from(rfc5322({ messageId: '<m2@example.com>', subject: 'Re: Visa appointment', body: 'Any news?' })),
    );
    expect(uid2).toBeGreaterThan(uid1);
    expect(await dovecot.count(user, password, 'INBOX')).toBe(2);
    expect(await dovecot.list(user, password, 'INBOX')).toEqual([
      { uid: uid1, messageId: '<m1@example.com>' },
      { uid: uid2, messageId: '<m2@example.com>' },
    ]);
    // Other users and other mailboxes are separate.
    expect(await dovecot.count('other@test', 'secret', 'INBOX')).toBe(0);
    const uid3 = await dovecot.append(user, password, 'Processed', rfc5322({ messageId: '<m3@example.com>', subject: 'x', body: 'y' }));
    expect(uid3).toBe(1);
    await dovecot.append(user, password, 'Processed', rfc5322({ messageId: '<m4@example.com>', subject: 'x', body: 'y' }));
    expect(await dovecot.count(user, password, 'Processed')).toBe(2);
    await dovecot.append(user, password, 'Archive/2026', rfc5322({ messageId: '<m5@example.com>', subject: 'x', body: 'y' }));
    expect(await dovecot.list(user, password, 'Archive/2026')).toEqual([{ uid: 1, messageId: '<m5@example.com>' }]);
    expect(await dovecot.count(user, password, 'INBOX')).toBe(2);
  });

  it('rejects a wrong password', async () => {
    await expect(dovecot.count(user, 'wrong', 'INBOX')).rejects.toThrow();
  });

  it('kickConnections() drops a live imapflow connection', async () => {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
    });
    client.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await client.connect();
    await client.mailboxOpen('INBOX');
    expect(client.usable).toBe(true);
    const t0 = performance.now();
    await dovecot.kickConnections(user);
    await closed;
    timings.push(`dovecot kick -> client close: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(client.usable).toBe(false);
    // Kicking when nobody is connected is fine too.
    await dovecot.kickConnections();
    // The server still accepts new logins.
    expect(await dovecot.count(user, password, 'INBOX')).toBe(2);
  });
});

describe('smtp sink harness', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await timed('smtp sink start', () => startSmtpSink());
  });
  afterAll(async () => {
    if (sink) await timed('smtp sink stop', () => sink.stop());
  });

  const mail = (n: number) => ({
    from: 'Consulate <noreply@consulate.example>',
    to: ['applicant@example.com', 'copy@example.com'],
    subject: `Auto-reply ${n}`,
    text: `Your inquiry ${n} was received.`,
    messageId: `<reply-${n}@consulate.example>`,
  });

  it('accepts a nodemailer send and records envelope, raw and parsed message', async () => {
    const transport = nodemailer.createTransport(sink.url);
    try {
      const info = await transport.sendMail(mail(1));
      expect(info.accepted).toEqual(['applicant@example.com', 'copy@example.com']);
      await sink.waitFor(1);
      const [m] = sink.messages;
      expect(m?.envelope).toEqual({ from: 'noreply@consulate.example', to: ['applicant@example.com', 'copy@example.com'] });
      expect(m?.raw.toString()).toContain('Subject: Auto-reply 1');
      const parsed = await m!.parsed();
      expect(parsed.subject).toBe('Auto-reply 1');
      expect(parsed.messageId).toBe('<reply-1@consulate.example>');
      expect(parsed.text?.trim()).toBe('Your inquiry 1 was received.');
      expect(await m!.parsed()).toBe(parsed); // cached
    } finally {
      transport.close();
    }
  });

  it('failNext() makes the next DATA fail with the scripted code, then accepts again', async () => {
    const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, ignoreTLS: true });
    try {
      sink.failNext([{ code: 451, message: 'Temporary local problem, try later' }]);
      const err = await transport.sendMail(mail(2)).then(
        () => undefined,
        (e: unknown) => e as { responseCode?: number; response?: string },
      );
      expect(err).toBeDefined();
      expect(err?.responseCode).toBe(451);
      expect(err?.response).toContain('Temporary local problem');
      expect(sink.rejected).toHaveLength(1);
      expect(sink.pendingFailures()).toBe(0);

      await transport.sendMail(mail(3));
      await sink.waitFor(2);
      expect((await sink.messages[1]!.parsed()).subject).toBe('Auto-reply 3');
    } finally {
      transport.close();
    }
  });

  it('scripts several failures in order (550 permanent, 421 closes the connection)', async () => {
    const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, ignoreTLS: true });
    try {
      sink.failNext([
        { code: 550, message: 'Mailbox unavailable' },
        { code: 421, message: 'Service shutting down' },
      ]);
      const codes: Array<number | undefined> = [];
      for (const n of [4, 5]) {
        await transport.sendMail(mail(n)).then(
          () => codes.push(undefined),
          (e: { responseCode?: number }) => codes.push(e.responseCode),
        );
      }
      expect(codes).toEqual([550, 421]);
      await transport.sendMail(mail(6));
      await sink.waitFor(3);
      await expect(sink.waitFor(4, 200)).rejects.toThrow(/only 3 message/);
    } finally {
      transport.close();
    }
  });
});
