/**
 * A system under test in its own process, driven by bench/stack.ts `Child`
 * over IPC: `node dist/bench/child.js MODE ARGS_JSON`. Every mode samples
 * its own RSS every 250 ms from the moment it is loaded and reports the peak
 * when stopped. Modes:
 *
 * - `pipeline`: startPipeline(env, roles), all roles unless `roles` is
 *   given: the worker roles before `loaded`, the intake on `go`. Production
 *   logging at BENCH_LOG_LEVEL (default info) to this process's stdout,
 *   which the parent points at a log file. It counts the Redis commands it
 *   sends and its socket writes.
 * - `naive`: the baseline script: one FETCH 1:* of the mailbox, then per
 *   message simpleParser -> case-number regex -> pooled nodemailer send,
 *   sequentially; no queue, no Redis, no durability. With `full`, it also
 *   does the rest of the work the issue asks of the pipeline, still naively:
 *   per message a staff e-mail with the original attached, and at the end
 *   one MOVE of every message out of `folder` into `moveTo`.
 * - `smtp-nodemailer`: the project's createSmtpSender (pool) sending N mails
 *   (`prebuilt`: the same pool options, mails handed over as finished MIME).
 * - `smtp-raw`: a minimal hand-written SMTP client (N mails over K plain
 *   sockets), lock-step like nodemailer or with PIPELINING.
 */
import net from 'node:net';
import nodemailer from 'nodemailer';
import { Redis } from 'ioredis';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { startPipeline, ALL_ROLES, type Role, type Running } from '../src/runtime/app.js';
import { parseImapUrl } from '../src/runtime/env-config.js';
import { benchEnv, benchThreads } from './stack.js';
import { createLogger } from '../src/runtime/logger.js';
import { createSmtpSender, type OutgoingMail } from '../src/adapters/smtp/smtp-sender.js';

type Msg = { type: string; [k: string]: unknown };
const send = (m: Msg): void => void process.send?.(m);

// The parent's IPC channel closing means the run is over (or the parent died).
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
const fail = (err: unknown): void => {
  send({ type: 'error', message: (err as Error)?.stack ?? String(err) });
  setTimeout(() => process.exit(1), 100);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

// -- RSS ---------------------------------------------------------------------------
let peakRss = process.memoryUsage().rss;
const loadedRss = peakRss;
let rssAtGo = peakRss;
let goAt = 0;
/** Process CPU (user + system, every thread) at `go` and when asked to stop: the work's own cost, shutdown excluded. */
let cpuAtGo = process.cpuUsage();
let cpuUntilStop = { user: 0, system: 0 };
/** After `go`: [ms since go, rss] every 250 ms, for the RSS-over-time note. */
const rssSeries: Array<[number, number]> = [];
const sampleRss = (): number => {
  const r = process.memoryUsage().rss;
  if (r > peakRss) peakRss = r;
  if (goAt) rssSeries.push([Date.now() - goAt, r]);
  return r;
};
setInterval(sampleRss, 250).unref();

/** Peak RSS in each tenth of the time since `go`, in MB. */
function rssByTenth(): number[] {
  const end = rssSeries.at(-1)?.[0] ?? 0;
  const out = Array.from({ length: 10 }, () => 0);
  for (const [t, r] of rssSeries) {
    const k = Math.min(9, Math.floor((t / Math.max(end, 1)) * 10));
    out[k] = Math.max(out[k]!, Math.round(r / 1024 / 1024));
  }
  return out;
}

const mode = process.argv[2] ?? '';
const args = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;

type Handler = { ready?: () => Promise<void>; go: () => Promise<Record<string, unknown>>; stop?: () => Promise<Record<string, unknown>> };
const factories: Record<string, () => Handler> = {
  pipeline: pipelineMode,
  naive: naiveMode,
  'smtp-nodemailer': nodemailerMode,
  'smtp-raw': rawSmtpMode,
};
const factory = factories[mode];
if (!factory) throw new Error(`unknown mode ${mode}`);
const handler = factory();

process.on('message', (m: Msg) => {
  if (m.type === 'go') {
    rssAtGo = sampleRss();
    cpuAtGo = process.cpuUsage();
    goAt = Date.now();
    handler
      .go()
      .then((r) => send({ type: 'done', ...r }))
      .catch(fail);
  } else if (m.type === 'stop') {
    cpuUntilStop = process.cpuUsage(cpuAtGo);
    sampleRss();
    goAt = 0;
    (handler.stop ?? (async () => ({})))()
      .then((r) => {
        sampleRss();
        send({ type: 'stopped', peakRss, loadedRss, rssAtGo, rssAtStop: process.memoryUsage().rss, rssByTenth: rssByTenth(), cpuMs: (cpuUntilStop.user + cpuUntilStop.system) / 1000, ...r });
      })
      .catch(fail);
  }
});

// -- counters: Redis commands sent and socket writes (each one a syscall), for the notes ----
const counted = { redis: new Map<string, number>(), socketWrites: 0 };
function countCommandsAndWrites(): void {
  const proto = Redis.prototype as unknown as { sendCommand: (this: Redis, cmd: { name: string }, ...rest: unknown[]) => unknown };
  const sendCommand = proto.sendCommand;
  proto.sendCommand = function (cmd, ...rest) {
    counted.redis.set(cmd.name, (counted.redis.get(cmd.name) ?? 0) + 1);
    return sendCommand.call(this, cmd, ...rest);
  };
  const write = net.Socket.prototype.write as (...a: unknown[]) => boolean;
  net.Socket.prototype.write = function (this: net.Socket, ...a: unknown[]) {
    counted.socketWrites++;
    return write.apply(this, a);
  } as typeof net.Socket.prototype.write;
}

// -- pipeline ------------------------------------------------------------------------
/**
 * The worker roles start before `loaded` (a running service's workers, as
 * after `triage start`: their threads' start-up is not throughput), the
 * intake on `go`, which then catches up on the mailbox as after a restart.
 */
function pipelineMode(): Handler {
  let workers: Running | null = null;
  let intake: Running | null = null;
  countCommandsAndWrites();
  const env = benchEnv({
    redisUrl: String(args.redisUrl),
    smtpUrl: String(args.smtpUrl),
    imapUrl: String(args.imapUrl),
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
    threads: benchThreads(),
    ...(args.pollIntervalMs ? { pollIntervalMs: Number(args.pollIntervalMs) } : {}),
  });
  const roles = args.roles ? (String(args.roles).split(',') as Role[]) : ALL_ROLES;
  const logger = createLogger({ level: env.logLevel });
  const running = (): Running[] => [intake, workers].filter((r): r is Running => r !== null);
  return {
    async ready() {
      const workerRoles = roles.filter((r) => r !== 'intake');
      if (workerRoles.length > 0) workers = await startPipeline(env, workerRoles, logger);
    },
    async go() {
      const t0 = performance.now();
      if (roles.includes('intake')) intake = await startPipeline(env, ['intake'], logger);
      const startedMs = performance.now() - t0;
      send({ type: 'started', ms: startedMs });
      // Tell the parent when every mailbox is connected (the intake then catches up and IDLEs).
      const r = intake;
      if (r) {
        await new Promise<void>((resolve) => {
          const t = setInterval(() => {
            if (r.intakes.every((i) => i.isConnected)) {
              clearInterval(t);
              resolve();
            }
          }, 5);
        });
      }
      send({ type: 'connected', ms: performance.now() - t0 });
      return {};
    },
    async stop() {
      const failed: Record<string, number> = {};
      let attempts = 0;
      for (const run of running()) {
        for (const q of run.queues.all()) {
          const c = await q.getJobCounts('failed', 'waiting', 'active', 'delayed');
          if ((c.failed ?? 0) + (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) > 0 && !q.name.startsWith('staff.')) failed[q.name] = c.failed ?? 0;
        }
        attempts += (await run.metrics.failures.get()).values.reduce((s, v) => s + v.value, 0);
      }
      // Intake first: no new work, then the workers finish theirs.
      for (const run of running()) await run.stop('bench end');
      return { failedJobs: failed, failedAttempts: attempts, redisCommands: Object.fromEntries(counted.redis), socketWrites: counted.socketWrites };
    },
  };
}

// -- naive ---------------------------------------------------------------------------
function naiveMode(): { go: () => Promise<Record<string, unknown>> } {
  return {
    async go() {
      const a = parseImapUrl(String(args.imapUrl));
      const full = args.full === true;
      const folder = String(args.folder ?? 'INBOX');
      const client = new ImapFlow({ host: a.host, port: a.port, secure: false, auth: { user: a.user, pass: a.pass }, logger: false, disableAutoIdle: true });
      const smtp = nodemailer.createTransport({ url: String(args.smtpUrl), pool: true, maxConnections: 5, maxMessages: 1000 } as never);
      const CASE = /\b(LMA|BNS|GUZ)\d{10}\b/;
      let n = 0;
      const uids: number[] = [];
      await client.connect();
      if (full) await client.mailboxCreate(String(args.moveTo).split('/')).catch(() => undefined);
      const lock = await client.getMailboxLock(folder, { readOnly: !full });
      try {
        for await (const msg of client.fetch('1:*', { uid: true, source: true })) {
          if (!msg.source) continue;
          const p = await simpleParser(msg.source);
          const caseNo = CASE.exec(`${p.subject ?? ''}\n${p.text ?? ''}`)?.[0] ?? null;
          const to = p.replyTo?.value[0]?.address ?? p.from?.value[0]?.address;
          if (!to) continue;
          await smtp.sendMail({
            from: { name: 'Embajada de los Estados Unidos en Lima', address: 'ivlima@state.example' },
            to,
            subject: `Re: ${p.subject ?? ''}`,
            inReplyTo: p.messageId,
            references: p.messageId,
            headers: { 'X-Bench-Naive': '1' },
            text: naiveReply(p.from?.value[0]?.name ?? '', caseNo),
          });
          if (full) {
            await smtp.sendMail({
              from: { name: 'IV triage', address: 'ivlima@state.example' },
              to: 'iv-status.lima@state.example',
              subject: `[naive ${n}] ${p.subject ?? ''}`,
              headers: { 'X-Bench-Naive': 'staff' },
              text: `Case ${caseNo ?? '-'} from ${to}; the original is attached.`,
              attachments: [{ filename: 'original.eml', content: msg.source, contentType: 'message/rfc822', contentDisposition: 'attachment' }],
            });
            uids.push(msg.uid);
          }
          n++;
        }
        // imapflow: no command inside a fetch loop; one MOVE of everything after it.
        if (full && uids.length > 0) await client.messageMove(uids.join(','), String(args.moveTo), { uid: true });
      } finally {
        lock.release();
        await client.logout().catch(() => client.close());
        smtp.close();
      }
      return { sent: n };
    },
  };
}

function naiveReply(name: string, caseNo: string | null): string {
  return [
    `Estimado/a ${name}:`,
    '',
    caseNo
      ? `Hemos recibido su consulta sobre el caso ${caseNo}. La Sección Consular responderá dentro de cinco días hábiles.`
      : 'Hemos recibido su consulta. Por favor indique su número de caso del NVC (tres letras y diez dígitos).',
    'Por favor no envíe mensajes adicionales sobre el mismo caso; cada mensaje nuevo retrasa la respuesta.',
    '',
    'Dear applicant, we have received your inquiry and will answer within five business days.',
    'Please do not send further messages about the same case.',
    '',
    'Sección Consular – Embajada de los Estados Unidos en Lima',
  ].join('\n');
}

// -- SMTP senders ----------------------------------------------------------------------
/** A reply-sized mail, as the reply stage sends it. */
export function benchMail(i: number): OutgoingMail {
  return {
    from: { name: 'Embajada de los Estados Unidos en Lima – Sección Consular', address: 'ivlima@state.example' },
    to: { name: 'Rosa Quispe', address: `rosa.${i}@example.com` },
    subject: `RE: IV Inquiry LMA2024${String(i).padStart(6, '0')} Quispe`,
    text: naiveReply('Rosa Quispe', `LMA2024${String(i).padStart(6, '0')}`).repeat(2),
    messageId: `<smtp-bench-${i}@state.example>`,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  };
}

function nodemailerMode(): { go: () => Promise<Record<string, unknown>> } {
  const n = Number(args.n);
  const inFlight = Number(args.inFlight ?? 20);
  // `prebuilt`: the same pool, but each mail handed over as finished MIME (nodemailer's `raw`), i.e. without MailComposer.
  const sender = args.prebuilt ? prebuiltSender(String(args.smtpUrl)) : createSmtpSender(String(args.smtpUrl));
  const sendAll = async (from: number, count: number): Promise<void> => {
    let next = from;
    const lane = async (): Promise<void> => {
      while (next < from + count) await sender.send(benchMail(next++));
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  };
  // Warm-up: the pool opens its connections (the sink greets each after 100 ms).
  void sendAll(1_000_000, Number(args.warmup ?? 100))
    .then(() => send({ type: 'warm' }))
    .catch(fail);
  return {
    async go() {
      const t0 = performance.now();
      await sendAll(0, n);
      const seconds = (performance.now() - t0) / 1000;
      sender.close();
      return { seconds };
    },
  };
}

function prebuiltSender(url: string): { send: (m: OutgoingMail) => Promise<unknown>; close: () => void } {
  // The options of src/adapters/smtp/smtp-sender.ts createSmtpSender.
  const transport = nodemailer.createTransport({ url, pool: true, maxConnections: 5, maxMessages: 1000, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 } as never);
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64').replace(/(.{76})/g, '$1\r\n');
  const word = (s: string): string => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`);
  return {
    send: (m) =>
      transport.sendMail({
        envelope: { from: m.from.address, to: [m.to.address] },
        raw: Buffer.from(
          [
            `From: ${word(m.from.name)} <${m.from.address}>`,
            `To: ${word(m.to.name)} <${m.to.address}>`,
            `Subject: ${word(m.subject)}`,
            `Message-ID: ${m.messageId}`,
            `Date: ${new Date().toUTCString()}`,
            ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
            'MIME-Version: 1.0',
            'Content-Type: text/plain; charset=utf-8',
            'Content-Transfer-Encoding: base64',
            '',
            b64(m.text),
            '',
          ].join('\r\n'),
        ),
      }),
    close: () => transport.close(),
  };
}

function rawSmtpMode(): { go: () => Promise<Record<string, unknown>> } {
  const n = Number(args.n);
  const conns = Number(args.connections ?? 5);
  const pipelining = Boolean(args.pipelining);
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' } as never);
  const body = (async () => {
    const info = (await composer.sendMail({ ...benchMail(0), inReplyTo: undefined, from: 'ivlima@state.example', to: 'rosa.0@example.com' })) as unknown as { message: Buffer };
    // Dot-stuffing is not needed (no line starts with "."), but make sure.
    return Buffer.from(`${info.message.toString('latin1').replace(/\r\n\./g, '\r\n..')}\r\n.\r\n`, 'latin1');
  })();

  /** One SMTP connection: a reply reader and a lock-step (or pipelined) sender. */
  async function connection(port: number): Promise<{ sendOne: (i: number) => Promise<void>; quit: () => void }> {
    const sock = net.connect(port, '127.0.0.1');
    sock.setNoDelay(true);
    let buf = '';
    const pending: Array<(line: string) => void> = [];
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (/^\d{3}-/.test(line)) continue; // multi-line reply: wait for the last line
        pending.shift()?.(line);
      }
    });
    sock.on('error', fail);
    const reply = (): Promise<string> => new Promise((r) => pending.push(r));
    const expect = async (code: string): Promise<void> => {
      const line = await reply();
      if (!line.startsWith(code)) throw new Error(`raw smtp: expected ${code}, got ${line}`);
    };
    await expect('220');
    sock.write('EHLO bench.example\r\n');
    await expect('250');
    const data = await body;
    return {
      async sendOne(i: number) {
        const env = `MAIL FROM:<ivlima@state.example>\r\nRCPT TO:<rosa.${i}@example.com>\r\nDATA\r\n`;
        if (pipelining) {
          const r = [expect('250'), expect('250'), expect('354')];
          sock.write(env);
          await Promise.all(r);
        } else {
          for (const [cmd, code] of env.split('\r\n').filter(Boolean).map((c, k) => [c, k === 2 ? '354' : '250'] as const)) {
            const r = expect(code);
            sock.write(`${cmd}\r\n`);
            await r;
          }
        }
        const r = expect('250');
        sock.write(data);
        await r;
      },
      quit: () => sock.end('QUIT\r\n'),
    };
  }
  const ready = Promise.all(Array.from({ length: conns }, () => connection(Number(args.port))));
  void ready.then(() => send({ type: 'warm' })).catch(fail);
  return {
    async go() {
      const cs = await ready;
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        cs.map(async (c) => {
          while (next < n) await c.sendOne(next++);
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      for (const c of cs) c.quit();
      return { seconds };
    },
  };
}

// Last, once every declaration above is initialised: a mode's start-up (the pipeline's workers), then `loaded`.
await handler.ready?.();
send({ type: 'loaded' });
