/**
 * Helpers for the fault-injection tests (test/integration/faults.test.ts):
 * realistic generated mail, bulk APPEND over one IMAP connection, the
 * `triage` binary as a child process, and the user-visible invariants
 * (folders, replies at the SMTP sink, parked jobs).
 */
import { eventually } from './pipeline-env.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ImapFlow } from 'imapflow';
import { startDovecot, type DovecotHandle } from '../../src/devstack/dovecot-server.js';
import { startSmtpSink, type SmtpSink } from '../../src/devstack/smtp-sink.js';
import { startRedis, type RedisHandle } from '../../src/devstack/redis-server.js';
import type { Queues } from '../../src/adapters/queue/bullmq-queues.js';
import { readLabels } from './labelled-corpus.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TRIAGE_BIN = join(ROOT, 'bin/triage.js');
export const CORPUS_DIR = join(ROOT, 'test/fixtures/corpus');

export const USER = 'ivlima@test';
export const PASS = 'secret';

/** One message the test put into the inbox, and what a user expects of it. */
export interface Appended {
  messageId: string;
  sender: string;
  machine: boolean;
  raw: Buffer;
  label: string;
}

// -- generated person mail -----------------------------------------------

const FIRST = ['Rosa', 'Juan', 'María', 'Luis', 'Carmen', 'Jorge', 'Ana', 'Carlos', 'Lucía', 'Pedro', 'Elena', 'Miguel', 'Sofía', 'Diego', 'Valeria', 'Andrés'];
const LAST = ['Quispe', 'Huamán', 'Mamani', 'Flores', 'Rodríguez', 'Sánchez', 'García', 'Chávez', 'Torres', 'Ramírez', 'Vargas', 'Castillo', 'Rojas', 'Mendoza', 'Gutiérrez', 'Paredes'];
const DOMAINS = ['example.com', 'example.net', 'example.org'];

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

function encodeWord(s: string): string {
  // RFC 2047 for non-ASCII display names and subjects, as real clients do.
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

/**
 * A person-written IV inquiry with a conforming subject, a unique
 * Message-ID, a distinct sender and a distinct case number `LMA20231xxxxx`.
 *
 * @param i - Sequence number, 0..99999.
 * @param tag - Makes Message-IDs and senders unique across scenarios.
 */
export function personMail(i: number, tag: string): Appended {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const caseNumber = `LMA20231${String(i).padStart(5, '0')}`;
  const sender = `${ascii(first)}.${ascii(last)}.${tag}${i}@${DOMAINS[i % DOMAINS.length]}`;
  const messageId = `<${tag}-${i}-${(i * 7919).toString(36)}@mail.${DOMAINS[i % DOMAINS.length]}>`;
  const spanish = i % 3 !== 0;
  const subject = spanish ? `IV Inquiry ${caseNumber} ${last}` : `IV Inquiry ${caseNumber} ${ascii(last)}`;
  const phone = `+51 9${String(10_000_000 + ((i * 7_654_321) % 89_999_999)).slice(0, 8)}`;
  const body = spanish
    ? `Buenos días,\r\n\r\nQuisiera saber el estado de mi caso de visa de inmigrante ${caseNumber}.\r\nEnvié todos los documentos al NVC hace dos meses y todavía no tengo fecha de entrevista.\r\n\r\nSolicitante principal: ${first} ${last}\r\nTeléfono: ${phone}\r\n\r\nMuchas gracias por su atención.\r\n${first} ${last}\r\n`
    : `Dear Sir or Madam,\r\n\r\nI would like to know the status of my immigrant visa case ${caseNumber}.\r\nMy documents were accepted by the NVC in October and I am still waiting for an interview date.\r\n\r\nPrincipal applicant: ${first} ${last}\r\nPhone: ${phone}\r\n\r\nThank you,\r\n${first} ${last}\r\n`;
  const date = new Date(Date.now() - (1000 - (i % 1000)) * 60_000).toUTCString().replace('GMT', '+0000');
  const raw =
    `Return-Path: <${sender}>\r\n` +
    `Received: from mail.${DOMAINS[i % DOMAINS.length]} (mail.${DOMAINS[i % DOMAINS.length]} [192.0.2.${(i % 250) + 1}])\r\n\tby mx1.state.example (Postfix) with ESMTPS id 4Z${i.toString(36).toUpperCase()}Q\r\n\tfor <ivlima@state.example>; ${date}\r\n` +
    `From: ${encodeWord(`${first} ${last}`)} <${sender}>\r\n` +
    `To: IV Lima <ivlima@state.example>\r\n` +
    `Subject: ${encodeWord(subject)}\r\n` +
    `Message-ID: ${messageId}\r\n` +
    `Date: ${date}\r\n` +
    `MIME-Version: 1.0\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\n` +
    `Content-Transfer-Encoding: 8bit\r\n` +
    `User-Agent: ${i % 2 ? 'Mozilla Thunderbird' : 'Roundcube Webmail/1.6.5'}\r\n` +
    `\r\n` +
    body;
  return { messageId, sender, machine: false, raw: Buffer.from(raw, 'utf8'), label: `gen-${tag}-${i}` };
}

/**
 * A person asking an IV question without a case number: answered (asking for
 * the case number) but no ticket, so no staff e-mail competes for the sink.
 */
export function unroutedPersonMail(tag: string): Appended {
  const sender = `gabriela.soto.${tag}@example.org`;
  const messageId = `<${tag}-noticket@mail.example.org>`;
  const date = new Date().toUTCString().replace('GMT', '+0000');
  const raw =
    `From: Gabriela Soto <${sender}>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: IV Inquiry Soto\r\nMessage-ID: ${messageId}\r\nDate: ${date}\r\n` +
    `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n` +
    `Buenas tardes,\r\n\r\nQuisiera saber el estado de mi visa de inmigrante. Mi esposo presentó la petición el año pasado.\r\nNo tengo el número de caso a la mano.\r\n\r\nGabriela Soto\r\nTeléfono: +51 987 111 222\r\n`;
  return { messageId, sender, machine: false, raw: Buffer.from(raw, 'utf8'), label: `noticket-${tag}` };
}

// -- the labelled corpus ----------------------------------------------------

const MESSAGE_ID = /^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)/im;
const FROM = /^from:.*?<?([^\s<>"]+@[^\s<>"]+)>?\s*$/im;

function header(raw: Buffer, re: RegExp): string | null {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  return re.exec(head)?.[1]?.replace(/\s+/g, '').trim() ?? null;
}

/** The Lima corpus messages, with their labels' `machine` flag. */
export function corpusMessages(which: 'machine' | 'person' | 'all'): Appended[] {
  return readLabels(CORPUS_DIR)
    .filter((l) => l.post === 'LMA' && (which === 'all' || l.machine === (which === 'machine')))
    .map((l) => {
      const raw = readFileSync(join(CORPUS_DIR, l.file));
      const messageId = header(raw, MESSAGE_ID);
      if (!messageId) throw new Error(`corpus ${l.file} has no Message-ID`);
      return { messageId, sender: (header(raw, FROM) ?? '').toLowerCase(), machine: l.machine, raw, label: l.file };
    });
}

// -- IMAP -------------------------------------------------------------------

/** APPENDs many messages over one connection (one per message would be slow). */
export async function appendAll(imap: DovecotHandle, messages: Appended[]): Promise<void> {
  const client = new ImapFlow({ host: imap.host, port: imap.port, secure: false, auth: { user: USER, pass: PASS }, logger: false, disableAutoIdle: true });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const m of messages) await client.append('INBOX', m.raw);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Message-IDs (lower case) of a folder, with repeats. */
export async function folderIds(imap: DovecotHandle, folder: string): Promise<string[]> {
  try {
    return (await imap.list(USER, PASS, folder)).map((m) => (m.messageId ?? '').toLowerCase());
  } catch (err) {
    if (/nonexistent|doesn't exist|not exist/i.test((err as Error).message + String((err as { responseText?: string }).responseText ?? ''))) return [];
    throw err;
  }
}

/**
 * Live IMAP sessions of `user` on the test Dovecot, server-side (`doveadm who`):
 * what an operator would see, and what counts against Dovecot's
 * `mail_max_userip_connections` (10 by default).
 */
export function imapSessions(imap: DovecotHandle, user = USER): Promise<number> {
  return new Promise((res, rej) => {
    execFile('doveadm', ['-c', join(imap.baseDir, 'dovecot.conf'), 'who', '-1', user], { timeout: 15_000 }, (err, stdout) => {
      // Exit 68 (EX_NOUSER): nobody connected.
      if (err && (err as { code?: unknown }).code !== 68) return rej(err);
      res(stdout.split('\n').filter((l) => l.startsWith(`${user} `)).length);
    });
  });
}

export async function folderCount(imap: DovecotHandle, folder: string): Promise<number> {
  try {
    return await imap.count(USER, PASS, folder);
  } catch {
    return -1; // folder not created yet
  }
}

// -- SMTP sink ---------------------------------------------------------------

export interface SinkReply {
  inReplyTo: string;
  to: string[];
}

/** The auto-replies at the sink (staff e-mails left out), by In-Reply-To. */
export async function autoReplies(smtp: SmtpSink): Promise<SinkReply[]> {
  const out: SinkReply[] = [];
  for (const m of [...smtp.messages]) {
    // Header check on the raw bytes first: parsing 600 staff e-mails with attachments is slow.
    const head = m.raw.toString('latin1').split(/\r\n\r\n/)[0] ?? '';
    if (!/^auto-submitted:[ \t]*auto-replied/im.test(head)) continue;
    const p = await m.parsed();
    out.push({ inReplyTo: String(p.inReplyTo ?? '').trim().toLowerCase(), to: m.envelope.to.map((t) => t.toLowerCase()) });
  }
  return out;
}

/** The staff e-mails at the sink: the Message-IDs received per ticket (X-Triage-Ticket). */
export function staffMails(smtp: SmtpSink): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of smtp.messages) {
    const head = m.raw.subarray(0, 16_384).toString('latin1').split(/\r\n\r\n/)[0] ?? '';
    const ticket = /^x-triage-ticket:[ \t]*(\S+)/im.exec(head)?.[1];
    if (!ticket) continue;
    out.set(ticket, [...(out.get(ticket) ?? []), /^message-id:[ \t]*(\S+)/im.exec(head)?.[1] ?? '']);
  }
  return out;
}

export function countAutoReplies(smtp: SmtpSink): number {
  let n = 0;
  for (const m of smtp.messages) if (/^auto-submitted:[ \t]*auto-replied/im.test(m.raw.subarray(0, 8192).toString('latin1').split(/\r\n\r\n/)[0] ?? '')) n++;
  return n;
}

// -- the triage binary ---------------------------------------------------------

export interface TriageEnv {
  redisUrl: string;
  imapUrl?: string;
  smtpUrl: string;
}

export function childEnv(e: TriageEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Only what the pipeline needs: nothing inherited may point it at the shared Redis.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REDIS_URL: e.redisUrl,
    SMTP_URL: e.smtpUrl,
    TRIAGE_POST: 'LMA',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TRIAGE_TEST_LOG ?? 'warn',
    TRIAGE_POLL_INTERVAL_MS: '1000',
    ...extra,
  };
  if (e.imapUrl) env.IMAP_URL = e.imapUrl;
  return env;
}

/** A running `node bin/triage.js start`. */
export interface TriageChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<string>;
  /** Last lines of stdout+stderr, for failure messages. */
  output(): string;
  kill9(): Promise<string>;
  /** SIGTERM (graceful shutdown), SIGKILL after `ms`. */
  stop(ms?: number): Promise<string>;
}

const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of liveChildren) {
    try {
      c.kill('SIGKILL');
    } catch {
      // gone
    }
  }
});

export function spawnTriage(e: TriageEnv, extra: Record<string, string> = {}): TriageChild {
  const child = spawn(process.execPath, [TRIAGE_BIN, 'start'], { cwd: ROOT, env: childEnv(e, extra), stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  const lines: string[] = [];
  const keep = (c: Buffer): void => {
    lines.push(...c.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<string>((res) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      res(signal ?? `exit ${code}`);
    });
  });
  return {
    child,
    pid: child.pid!,
    exited,
    output: () => lines.join('\n'),
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
    async stop(ms = 30_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      const how = await exited;
      clearTimeout(t);
      return how;
    },
  };
}

/** Runs a `triage` CLI command (e.g. `jobs failed --json`) against the test's Redis. */
export function runCli(args: string[], e: TriageEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [TRIAGE_BIN, ...args], { cwd: ROOT, env: childEnv(e), timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      res({ code, stdout, stderr });
    });
  });
}

export interface ParkedJob {
  queue: string;
  id: string;
  attempts: number;
  reason: string;
}

/** `triage jobs failed --json`, parsed. */
export async function parkedJobs(e: TriageEnv): Promise<ParkedJob[]> {
  const r = await runCli(['jobs', 'failed', '--json'], e);
  if (r.code !== 0) throw new Error(`triage jobs failed exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ParkedJob);
}

// -- the invariants ------------------------------------------------------------

export interface Outcome {
  /** Person messages with no reply at the sink but a parked REPLY_UNCERTAIN auto-reply job. */
  parkedUnsent: string[];
  /** Person messages answered once whose job was parked anyway (the send went out, the mark did not). */
  parkedSent: string[];
  replies: number;
  duplicates: string[];
  missing: string[];
  machineAnswered: string[];
  inbox: number;
  processed: number;
  ignored: number;
  failedFolder: number;
  lost: string[];
  filedTwice: string[];
}

/**
 * Everything a user can see, compared with what was appended. `parkedReplyKeys`
 * are the message keys of auto-reply jobs parked with REPLY_UNCERTAIN (the
 * job id is `reply-<key>`); `keyOf` maps an appended message to its key.
 */
export async function observe(imap: DovecotHandle, smtp: SmtpSink, appended: Appended[], parked: ParkedJob[], keyOf: (m: Appended) => string): Promise<Outcome> {
  const [inbox, processedIds, ignoredIds, failedIds] = await Promise.all([
    folderIds(imap, 'INBOX'),
    folderIds(imap, 'Triage/Processed'),
    folderIds(imap, 'Triage/Ignored'),
    folderIds(imap, 'Triage/Failed'),
  ]);
  const filed = new Map<string, number>();
  for (const id of [...processedIds, ...ignoredIds, ...failedIds]) filed.set(id, (filed.get(id) ?? 0) + 1);

  const replies = await autoReplies(smtp);
  const byId = new Map<string, number>();
  for (const r of replies) byId.set(r.inReplyTo, (byId.get(r.inReplyTo) ?? 0) + 1);
  const uncertain = new Set(
    parked.filter((j) => j.queue === 'auto-reply' && /REPLY_UNCERTAIN/.test(j.reason)).map((j) => j.id.replace(/^reply-/, '')),
  );

  const o: Outcome = {
    parkedUnsent: [],
    parkedSent: [],
    replies: replies.length,
    duplicates: [...byId].filter(([, n]) => n > 1).map(([id]) => id),
    missing: [],
    machineAnswered: [],
    inbox: inbox.length,
    processed: processedIds.length,
    ignored: ignoredIds.length,
    failedFolder: failedIds.length,
    lost: [],
    filedTwice: [],
  };
  for (const m of appended) {
    const id = m.messageId.toLowerCase();
    const n = filed.get(id) ?? 0;
    if (n === 0) o.lost.push(`${m.label} ${m.messageId}`);
    if (n > 1) o.filedTwice.push(`${m.label} ${m.messageId}`);
    const got = byId.get(id) ?? 0;
    if (m.machine) {
      if (got > 0) o.machineAnswered.push(`${m.label} ${m.messageId}`);
      continue;
    }
    const isParked = uncertain.has(keyOf(m));
    if (got === 0 && isParked) o.parkedUnsent.push(m.messageId);
    else if (got === 0) o.missing.push(`${m.label} ${m.messageId}`);
    else if (isParked) o.parkedSent.push(m.messageId);
  }
  return o;
}

/** Polls until `check` holds or time is up; returns the last value (the shared helper, with a slower step). */
export function waitFor<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs: number, stepMs = 250): Promise<T> {
  return eventually(read, check, timeoutMs, stepMs);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// -- servers and settling ------------------------------------------------------

/** A private redis-server, Dovecot and SMTP sink for one scenario. */
export interface Servers {
  redis: RedisHandle;
  imap: DovecotHandle;
  smtp: SmtpSink;
  env: TriageEnv;
  stop(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const [redis, imap, smtp] = await Promise.all([startRedis(), startDovecot({ users: [{ user: USER, password: PASS }] }), startSmtpSink()]);
  return {
    redis,
    imap,
    smtp,
    env: { redisUrl: redis.url, imapUrl: imap.imapUrl(USER, PASS), smtpUrl: smtp.url },
    stop: async () => {
      await Promise.allSettled([redis.stop(), imap.stop(), smtp.stop()]);
    },
  };
}

/** Persons and machines mixed as they arrive in a real inbox. */
export function interleave(persons: Appended[], machines: Appended[]): Appended[] {
  const out: Appended[] = [];
  const every = Math.max(1, Math.floor(persons.length / Math.max(1, machines.length)));
  let mi = 0;
  persons.forEach((p, i) => {
    out.push(p);
    if (i % every === every - 1 && mi < machines.length) out.push(machines[mi++]!);
  });
  return [...out, ...machines.slice(mi)];
}

/** Jobs not yet finished in the pipeline's own queues. */
export async function busyJobs(queues: Queues): Promise<number> {
  let n = 0;
  for (const q of [queues.triage, queues.autoReply, queues.route]) {
    const c = await q.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'paused');
    n += Object.values(c).reduce((a, b) => a + b, 0);
  }
  return n;
}

/** Done = the inbox is empty, every appended message is in a triage folder and no job is pending. */
export async function waitSettled(imap: DovecotHandle, queues: Queues, total: number, timeoutMs: number): Promise<{ inbox: number; filed: number; busy: number }> {
  const read = async () => {
    const [inbox, p, i, f] = await Promise.all(['INBOX', 'Triage/Processed', 'Triage/Ignored', 'Triage/Failed'].map((b) => folderCount(imap, b)));
    const busy = await busyJobs(queues).catch(() => -1);
    return { inbox: inbox!, filed: Math.max(0, p!) + Math.max(0, i!) + Math.max(0, f!), busy };
  };
  const v = await waitFor(read, (x) => x.inbox === 0 && x.filed >= total && x.busy === 0, timeoutMs, 500);
  // Late duplicates would show up now, not later: every job is finished.
  await sleep(1_500);
  return v;
}
