import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseImapUrl, readEnvConfig } from '../../../src/runtime/env-config.js';
import { ConfigError } from '../../../src/runtime/errors.js';
import { Cluster } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connect.js';
import { smtpConnectionsPerThread, smtpShare } from '../../../src/runtime/app.js';

const tmp = await mkdtemp(join(tmpdir(), 'triage-env-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('readEnvConfig', () => {
  it('has working defaults for a local quick start', () => {
    const c = readEnvConfig({});
    expect(c).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', smtpUrl: 'smtp://127.0.0.1:1025', mailboxes: [], httpPort: 8080 });
    expect(c.folders).toEqual({ processed: 'Triage/Processed', ignored: 'Triage/Ignored', failed: 'Triage/Failed' });
  });

  it('reads the main mailbox and further ones per post; secrets from *_FILE', async () => {
    const secret = join(tmp, 'imap-url');
    await writeFile(secret, 'imaps://iv%40guz:s%3Acret@mail.example.net/Inbox\n');
    const c = readEnvConfig({ TRIAGE_POST: 'lma', IMAP_URL: 'imap://ivlima:pw@127.0.0.1:1143/INBOX', IMAP_URL_GUZ_FILE: secret });
    expect(c.mailboxes).toEqual([
      { post: 'LMA', account: { host: '127.0.0.1', port: 1143, secure: false, user: 'ivlima', pass: 'pw', folder: 'INBOX' } },
      { post: 'GUZ', account: { host: 'mail.example.net', port: 993, secure: true, user: 'iv@guz', pass: 's:cret', folder: 'Inbox' } },
    ]);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      readEnvConfig({ IMAP_URL: 'http://x', HTTP_PORT: 'eighty', REDIS_URL: 'localhost:6379', SMTP_URL_FILE: join(tmp, 'missing') });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['HTTP_PORT', 'IMAP_URL', 'REDIS_URL', 'SMTP_URL_FILE']);
  });
});

describe('REDIS_CLUSTER_NODES', () => {
  it('absent: REDIS_URL is one node; set: the seeds of a Cluster, credentials and TLS from REDIS_URL', () => {
    expect(readEnvConfig({}).redisClusterNodes).toEqual([]);
    const c = readEnvConfig({ REDIS_URL: 'rediss://app:s3cret@redis.internal:6379', REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, 10.0.0.2:7001,[fd00::3]:7002 ' });
    expect(c.redisClusterNodes).toEqual(['10.0.0.1:7000', '10.0.0.2:7001', '[fd00::3]:7002']);
    const cluster = connectRedis(c, { lazyConnect: true });
    try {
      expect(cluster).toBeInstanceOf(Cluster);
      // The seeds ioredis was given (a private field: nothing else shows them before connecting).
      expect((cluster as unknown as { startupNodes: unknown }).startupNodes).toEqual([{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }, { host: 'fd00::3', port: 7002 }]);
      expect((cluster as Cluster).options.redisOptions).toMatchObject({ username: 'app', password: 's3cret', tls: {}, maxRetriesPerRequest: null });
    } finally {
      cluster.disconnect();
    }
  });

  it('refuses a seed that is not host:port, and a database number a Cluster does not have', () => {
    const paths = (env: Record<string, string>): string[] => {
      try {
        readEnvConfig(env);
        return [];
      } catch (e) {
        return (e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(paths({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-b' })).toEqual(['REDIS_CLUSTER_NODES: "redis-b" is not host:port']);
    expect(paths({ REDIS_CLUSTER_NODES: '10.0.0.1:70000' })).toEqual(['REDIS_CLUSTER_NODES: "10.0.0.1:70000" is not host:port']);
    expect(paths({ REDIS_URL: 'redis://h:6379/2', REDIS_CLUSTER_NODES: 'h:6379' })).toEqual(['REDIS_URL: names a database; a Redis Cluster (REDIS_CLUSTER_NODES) has database 0 only']);
    expect(paths({ REDIS_URL: 'redis://h:6379/0', REDIS_CLUSTER_NODES: 'h:6379' })).toEqual([]);
    expect(paths({ REDIS_URL: 'redis://h:6379/2' })).toEqual([]);
  });
});

describe('TRIAGE_THREADS', () => {
  it('defaults to one worker thread per core, at most 8; 0 keeps every worker on the main thread', () => {
    expect(readEnvConfig({}).threads).toBe(Math.min(8, availableParallelism()));
    expect(readEnvConfig({ TRIAGE_THREADS: '0' }).threads).toBe(0);
    expect(readEnvConfig({ TRIAGE_THREADS: '3' }).threads).toBe(3);
  });

  it('refuses a count that is not a whole number from 0 to 8', () => {
    for (const bad of ['-1', '2.5', 'two', '9']) {
      expect(() => readEnvConfig({ TRIAGE_THREADS: bad }), bad).toThrow(/TRIAGE_THREADS/);
    }
  });
});

describe('SMTP_MAX_CONNECTIONS', () => {
  it('defaults to 18 and refuses fewer than one', () => {
    expect(readEnvConfig({}).smtpMaxConnections).toBe(18);
    expect(readEnvConfig({ SMTP_MAX_CONNECTIONS: '4' }).smtpMaxConnections).toBe(4);
    expect(() => readEnvConfig({ SMTP_MAX_CONNECTIONS: '0' })).toThrow(/SMTP_MAX_CONNECTIONS/);
  });
});

describe('smtpShare', () => {
  it('gives replies five connections of every nine and staff mail the rest, one each at the least', () => {
    expect(smtpShare(9)).toEqual({ pool: 9, reply: 5, route: 4 });
    expect(smtpShare(18)).toEqual({ pool: 18, reply: 10, route: 8 });
    expect(smtpShare(2)).toEqual({ pool: 2, reply: 1, route: 1 });
    // A single connection is shared: staff mail waits for it behind replies.
    expect(smtpShare(1)).toEqual({ pool: 1, reply: 1, route: 1 });
  });

  it('never lets the threads together open more than the process budget (when it allows one each)', () => {
    for (let budget = 1; budget <= 40; budget++) {
      for (let threads = 1; threads <= 8 && threads <= budget; threads++) {
        expect(threads * smtpShare(smtpConnectionsPerThread(budget, threads)).pool, `${budget} / ${threads}`).toBeLessThanOrEqual(budget);
      }
    }
  });
});

describe('parseImapUrl', () => {
  it('defaults the port by scheme and the folder to INBOX', () => {
    expect(parseImapUrl('imap://u:p@h')).toMatchObject({ port: 143, secure: false, folder: 'INBOX' });
    expect(parseImapUrl('imaps://u:p@h/')).toMatchObject({ port: 993, secure: true, folder: 'INBOX' });
  });
  it('refuses what is not an IMAP URL', () => {
    expect(() => parseImapUrl('imap://h')).toThrow(/no user name/);
    expect(() => parseImapUrl('smtp://u:p@h')).toThrow(/scheme must be imap/);
  });
});
