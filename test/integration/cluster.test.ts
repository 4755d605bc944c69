/**
 * The pipeline on a real three-node Redis Cluster (REDIS_CLUSTER_NODES):
 * queues, tickets and state work through the Cluster client, which follows
 * redirections to the node that serves the `{triage}` slot; and the staff
 * CLI reads the tickets there.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisClusterHandle } from '../../src/devstack/redis-server.js';
import { startDovecot, type DovecotHandle } from '../../src/devstack/dovecot-server.js';
import { startSmtpSink, type SmtpSink } from '../../src/devstack/smtp-sink.js';
import { startPipeline, ALL_ROLES, type Running } from '../../src/runtime/app.js';
import { readLabels, TRIAGE_BIN } from '../helpers/labelled-corpus.js';
import { eventually, testEnv } from '../helpers/pipeline-env.js';

const USER = 'ivlima@test';
const PASS = 'secret';
const corpusDir = resolve(import.meta.dirname, '../fixtures/corpus');
const labels = readLabels(corpusDir).filter((l) => l.post === 'LMA');

let cluster: RedisClusterHandle;
let imap: DovecotHandle;
let smtp: SmtpSink;
let app: Running | undefined;
/** The node serving `{triage}`'s slot, and a seed that is not it (so the client must be redirected). */
let home: string;
let seed: string;

beforeAll(async () => {
  [cluster, imap, smtp] = await Promise.all([startRedisCluster(3), startDovecot({ users: [{ user: USER, password: PASS }] }), startSmtpSink()]);
  home = await cluster.nodeOf('{triage}');
  seed = cluster.seeds.find((s) => !home.endsWith(s))!;
}, 60_000);

afterAll(async () => {
  await app?.stop('test end');
  await Promise.all([cluster?.stop(), imap?.stop(), smtp?.stop()]);
});

describe('Redis Cluster', () => {
  it('runs the whole pipeline with every key in the {triage} slot, and the CLI lists its tickets', async () => {
    const env = { ...testEnv({ redisUrl: `redis://${seed}`, smtpUrl: smtp.url, imapUrl: imap.imapUrl(USER, PASS) }), redisClusterNodes: [seed] };
    app = await startPipeline(env, ALL_ROLES, pino({ level: process.env.TRIAGE_TEST_LOG ?? 'silent' }));
    for (const l of labels) await imap.append(USER, PASS, 'INBOX', readFileSync(join(corpusDir, l.file)));
    const persons = labels.filter((l) => !l.machine);
    const machines = labels.filter((l) => l.machine);

    await eventually(() => imap.count(USER, PASS, 'INBOX'), (n) => n === 0, 60_000);
    expect(await imap.count(USER, PASS, 'Triage/Processed')).toBe(persons.length);
    expect(await imap.count(USER, PASS, 'Triage/Ignored')).toBe(machines.length);
    const tickets = await app.store.listTickets('LMA', 1000);
    // Each person answered once; one staff e-mail per ticket.
    await eventually(async () => smtp.messages.length, (n) => n >= persons.length + tickets.length, 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const mails = await Promise.all(smtp.messages.map((m) => m.parsed()));
    const replies = mails.filter((p) => p.headers.get('auto-submitted') === 'auto-replied');
    expect(replies.length).toBe(persons.length);
    expect(new Set(replies.map((p) => p.inReplyTo)).size).toBe(persons.length);
    expect(mails.filter((p) => p.headers.get('x-triage-ticket')).length).toBe(tickets.length);
    expect(tickets.length).toBeGreaterThan(0);

    // Everything lives on the node of the {triage} slot; the others hold nothing.
    for (const url of cluster.urls) {
      const node = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        const keys = await node.keys('*');
        if (url === home) {
          expect(keys.some((k) => k.startsWith('{triage}:state:ticket:'))).toBe(true);
          expect(keys.some((k) => k.startsWith('{triage}:triage:'))).toBe(true);
          expect(keys.every((k) => k.startsWith('{triage}:'))).toBe(true);
        } else {
          expect(keys).toEqual([]);
        }
      } finally {
        node.disconnect();
      }
    }

    // Staff and admins read the same tickets with the CLI, configured from the environment.
    const { stdout } = await promisify(execFile)(process.execPath, [TRIAGE_BIN, 'tickets', 'list', '--post', 'LMA', '--json'], {
      env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: cluster.seeds.join(',') },
    });
    const listed = stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(listed.sort()).toEqual(tickets.map((t) => t.id).sort());
  });
});
