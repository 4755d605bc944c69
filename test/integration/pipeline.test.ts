/**
 * The live pipeline against real peers: its own redis-server, Dovecot and an
 * SMTP sink. Mail is APPENDed to the IMAP inbox; the assertions are what
 * applicants and staff see: replies, tickets, folders.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startRedis, type RedisHandle } from '../../src/devstack/redis-server.js';
import { startDovecot, type DovecotHandle } from '../../src/devstack/dovecot-server.js';
import { startSmtpSink, type SmtpSink } from '../../src/devstack/smtp-sink.js';
import { startPipeline, ALL_ROLES, type Running } from '../../src/runtime/app.js';
import { TRIAGE_BIN, readLabels } from '../helpers/labelled-corpus.js';
import { eventually, testEnv } from '../helpers/pipeline-env.js';

const USER = 'ivlima@test';
const PASS = 'secret';
const corpusDir = resolve(import.meta.dirname, '../fixtures/corpus');
const labels = readLabels(corpusDir).filter((l) => l.post === 'LMA');

let redis: RedisHandle;
let imap: DovecotHandle;
let smtp: SmtpSink;
let app: Running;

beforeAll(async () => {
  [redis, imap, smtp] = await Promise.all([startRedis(), startDovecot({ users: [{ user: USER, password: PASS }] }), startSmtpSink()]);
  app = await startPipeline(testEnv({ redisUrl: redis.url, smtpUrl: smtp.url, imapUrl: imap.imapUrl(USER, PASS) }), ALL_ROLES, pino({ level: process.env.TRIAGE_TEST_LOG ?? 'silent' }));
});

afterAll(async () => {
  await app?.stop('test end');
  await Promise.all([redis?.stop(), imap?.stop(), smtp?.stop()]);
});

const run = promisify(execFile);
const count = (folder: string) => imap.count(USER, PASS, folder);

describe('live pipeline, real Redis + Dovecot + SMTP', () => {
  it('answers every person once, never a machine, opens tickets and files every message', async () => {
    for (const l of labels) await imap.append(USER, PASS, 'INBOX', readFileSync(join(corpusDir, l.file)));
    const persons = labels.filter((l) => !l.machine);
    const machines = labels.filter((l) => l.machine);
    const routed = labels.filter((l) => l.routed === true).length;
    await eventually(() => count('INBOX'), (n) => n === 0, 60_000);
    expect(await count('Triage/Processed')).toBe(persons.length);
    expect(await count('Triage/Ignored')).toBe(machines.length);

    // Replies and staff e-mails arrive at the sink.
    await eventually(async () => smtp.messages.length, (n) => n >= persons.length, 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const mails = await Promise.all(smtp.messages.map(async (m) => ({ m, p: await m.parsed() })));
    const replies = mails.filter(({ p }) => p.headers.get('auto-submitted') === 'auto-replied');
    const staff = mails.filter(({ p }) => p.headers.get('x-triage-ticket'));

    // No machine is answered.
    const machineSenders = new Set(machines.map((l) => addressOf(readFileSync(join(corpusDir, l.file), 'latin1'))).filter(Boolean));
    for (const { m } of replies) for (const to of m.envelope.to) expect(machineSenders.has(to.toLowerCase())).toBe(false);
    // Never two replies to one message.
    const inReplyTo = replies.map(({ p }) => p.inReplyTo);
    expect(new Set(inReplyTo).size).toBe(inReplyTo.length);
    expect(replies.length).toBe(persons.length);

    for (const { p } of replies) {
      expect(p.from?.value[0]?.address).toBe('ivlima@state.example');
      expect(p.subject).toMatch(/^(Re|RE|回复): /);
      expect(p.references).toBeDefined();
      expect(p.headers.get('x-auto-response-suppress')).toBe('All');
    }

    // Staff: one e-mail per new ticket, right unit, SLA date, original attached.
    expect(staff.length).toBeGreaterThan(0);
    for (const { p, m } of staff) {
      expect(p.subject).toMatch(/^\[LMA-\d{4}-\d{6}\] .+ - due \d{4}-\d{2}-\d{2}/);
      expect(m.envelope.to[0]).toMatch(/\.lima@state\.example$/);
      // Answering it stays within the unit: never back into the public mailbox.
      expect(p.replyTo?.value[0]?.address).toBe(m.envelope.to[0]);
      // The original, attached whole as an .eml named after the ticket (an
      // attachment, not shown inline: staff open or forward it as a file).
      expect(m.raw.toString('latin1')).toMatch(/Content-Type: message\/rfc822;?\s*(name=)?[\s\S]*Content-Disposition: attachment; filename="?LMA-\d{4}-\d{6}\.eml/i);
    }
    const tickets = await app.store.listTickets('LMA', 100);
    expect(tickets.length).toBe(staff.length);
    // Every IV message with this post's case number has a ticket (fraud and general may add more).
    expect(tickets.filter((t) => t.category.startsWith('iv_')).length).toBe(routed);
    const urgent = labels.filter((l) => l.urgent).length;
    expect(tickets.filter((t) => t.priority === 'urgent').length).toBe(urgent);
  });

  it('answers a sender once per case in 24 h and attaches the duplicate to the open ticket', async () => {
    const before = smtp.messages.length;
    const mail = (id: string) =>
      `From: Rosa Quispe <rosa.dup@example.com>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: IV Inquiry LMA2023999001 Quispe\r\nMessage-ID: <${id}@example.com>\r\nDate: Mon, 23 Nov 2026 10:00:00 -0500\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nQuisiera saber el estado de mi caso. Teléfono +51 987 654 321\r\n`;
    for (const id of ['dup1', 'dup2', 'dup3']) await imap.append(USER, PASS, 'INBOX', mail(id));
    await eventually(() => count('INBOX'), (n) => n === 0, 30_000);
    await eventually(async () => smtp.messages.length, (n) => n >= before + 2, 15_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const fresh = await Promise.all(smtp.messages.slice(before).map((m) => m.parsed()));
    expect(fresh.filter((p) => p.headers.get('auto-submitted') === 'auto-replied').length).toBe(1);
    expect(fresh.filter((p) => p.headers.get('x-triage-ticket')).length).toBe(1);
    const ticket = (await app.store.listTickets('LMA', 200)).find((t) => t.caseNumber === 'LMA2023999001');
    expect(ticket?.messages.length).toBe(3);
  });

  it('a sender whose open-ticket claim names a ticket never stored (a job died in between) gets one new ticket, not one per message', async () => {
    const sender = 'ghost.claim@example.com';
    // What a crash between claiming and storing the ticket leaves behind.
    await app.store.redis.set(`{triage}:state:ticket-by-sender:LMA:${sender}:LMA2023555001:iv_inquiry`, 'LMA-2026-999999', 'EX', 3600);
    const mail = (id: string) =>
      `From: Eva Soto <${sender}>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: IV Inquiry LMA2023555001 Soto\r\nMessage-ID: <${id}@example.com>\r\nDate: Mon, 23 Nov 2026 10:00:00 -0500\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nQuisiera saber el estado de mi caso. Teléfono +51 987 654 000\r\n`;
    await imap.append(USER, PASS, 'INBOX', mail('ghost1'));
    await eventually(() => count('INBOX'), (n) => n === 0, 30_000);
    await imap.append(USER, PASS, 'INBOX', mail('ghost2'));
    await eventually(() => count('INBOX'), (n) => n === 0, 30_000);
    const tickets = (await app.store.listTickets('LMA', 500)).filter((t) => t.sender === sender);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.messages).toHaveLength(2);
  });

  it('answers one sender at most 10 times a day across cases (loop guard), while staff still get every case', async () => {
    const before = smtp.messages.length;
    const cases = Array.from({ length: 12 }, (_, i) => `LMA2024${String(880001 + i).padStart(6, '0')}`);
    for (const [i, c] of cases.entries()) {
      await imap.append(
        USER,
        PASS,
        'INBOX',
        `From: Help Desk <desk@agency.example.com>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: IV Inquiry ${c} Flores\r\nMessage-ID: <loop${i}@agency.example.com>\r\nDate: Mon, 23 Nov 2026 10:00:00 -0500\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPetitioner Ana Flores, applicant Luis Flores, IR1. Status of case ${c}? Phone +51 911 222 333\r\n`,
      );
    }
    await eventually(() => count('INBOX'), (n) => n === 0, 30_000);
    await eventually(async () => smtp.messages.length, (n) => n >= before + 10 + 12, 15_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const fresh = await Promise.all(smtp.messages.slice(before).map((m) => m.parsed()));
    expect(fresh.filter((p) => p.headers.get('auto-submitted') === 'auto-replied').length).toBe(10);
    // Every case still reaches staff: a ticket and a staff e-mail each.
    expect(fresh.filter((p) => p.headers.get('x-triage-ticket')).length).toBe(12);
    const tickets = (await app.store.listTickets('LMA', 500)).filter((t) => t.sender === 'desk@agency.example.com');
    expect(tickets.map((t) => t.caseNumber).sort()).toEqual(cases);
  });

  it('a 3 MB message with its text after the scans is decided from that text; staff get the text and the small photo, and the large scan by name', async () => {
    const before = smtp.messages.length;
    const b64 = (b: Buffer) => b.toString('base64').replace(/(.{76})/g, '$1\r\n');
    const scan = b64(Buffer.alloc(2_500_000, 9));
    const photo = b64(Buffer.alloc(30_000, 5));
    // Apple Mail's order: a greeting, the attachments, then the request.
    const raw =
      `From: Ricardo Palma <rpalma.scan@example.com>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: Entrevista\r\nMessage-ID: <scan-1@example.com>\r\nDate: Mon, 23 Nov 2026 10:00:00 -0500\r\nContent-Type: multipart/mixed; boundary="Apple-Mail-9"\r\n\r\n` +
      `--Apple-Mail-9\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBuenas tardes,\r\n` +
      `--Apple-Mail-9\r\nContent-Type: application/pdf; name="escaneo.pdf"\r\nContent-Disposition: inline; filename="escaneo.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${scan}\r\n` +
      `--Apple-Mail-9\r\nContent-Type: image/jpeg; name="foto.jpg"\r\nContent-Disposition: inline; filename="foto.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\n${photo}\r\n` +
      `--Apple-Mail-9\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNo pude asistir a la entrevista del caso LMA2023201133. Solicitante principal: Ricardo Palma Ruiz. Celular: 999 888 777\r\n--Apple-Mail-9--\r\n`;
    await imap.append(USER, PASS, 'INBOX', raw);
    await eventually(() => count('INBOX'), (n) => n === 0, 30_000);
    await eventually(async () => smtp.messages.length, (n) => n >= before + 2, 15_000);
    const ticket = (await app.store.listTickets('LMA', 500)).find((t) => t.sender === 'rpalma.scan@example.com');
    expect(ticket).toMatchObject({ category: 'iv_missed_appointment', caseNumber: 'LMA2023201133' });
    const staff = smtp.messages.slice(before).find((m) => m.raw.toString('latin1').includes(`X-Triage-Ticket: ${ticket!.id}`));
    const attached = await staff!.parsed();
    expect(attached.text).toContain('largest attachments are left out');
    const eml = attached.attachments.find((a) => a.filename === `${ticket!.id}.eml`)!.content.toString('latin1');
    expect(eml).toContain('LMA2023201133');
    expect(eml).toContain(photo.slice(0, 200));
    expect(eml).toMatch(/filename="escaneo\.pdf"\r\nContent-Transfer-Encoding: base64\r\nX-Triage-Elided-Bytes: \d{7}\r\n\r\n\r\n--Apple-Mail-9/);
    expect(eml.length).toBeLessThan(200_000);
  });
});

describe('same message delivered twice (same Message-ID)', () => {
  it('is decided and answered once, and both copies leave the inbox', async () => {
    const before = smtp.messages.length;
    const raw = `From: Kevin Ramos <kevin.twice@example.com>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: Missed IV appointment\r\nMessage-ID: <twice-1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNo pude asistir a mi entrevista. Caso LMA2023777001. Solicitante principal: Kevin Ramos. Celular +51 933 222 111\r\n`;
    const processed = await count('Triage/Processed');
    await imap.append(USER, PASS, 'INBOX', raw);
    await imap.append(USER, PASS, 'INBOX', raw);
    await eventually(() => count('INBOX'), (n) => n === 0, 30_000);
    expect(await count('Triage/Processed')).toBe(processed + 2);
    await eventually(async () => smtp.messages.length, (n) => n >= before + 2, 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const fresh = await Promise.all(smtp.messages.slice(before).map((m) => m.parsed()));
    expect(fresh.filter((p) => p.inReplyTo === '<twice-1@example.com>').length).toBe(1);
    // One ticket, and its unit told once: both copies were decided at the same time.
    const tickets = (await app.store.listTickets('LMA', 500)).filter((t) => t.sender === 'kevin.twice@example.com');
    expect(tickets).toHaveLength(1);
    const staff = fresh.filter((p) => p.headers.get('x-triage-ticket'));
    expect(staff.map((p) => p.headers.get('x-triage-ticket'))).toEqual([tickets[0]!.id]);
  });
});

describe("a ticket's thread: follow-ups, closing and reopening", () => {
  const sender = 'lucia.thread@example.com';
  const mail = (id: string, subject: string, text: string, inReplyTo?: string) =>
    `From: Lucía Paredes <${sender}>\r\nTo: IV Lima <ivlima@state.example>\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.com>\r\n` +
    (inReplyTo ? `In-Reply-To: ${inReplyTo}\r\nReferences: ${inReplyTo}\r\n` : '') +
    `Date: Tue, 24 Nov 2026 09:00:00 -0500\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`;
  const deliver = async (raw: string) => {
    await imap.append(USER, PASS, 'INBOX', raw);
    await eventually(() => count('INBOX'), (n) => n === 0, 30_000);
  };
  const ticketsOf = async () => (await app.store.listTickets('LMA', 1000)).filter((t) => t.sender === sender);
  const staffMails = async () => (await Promise.all(smtp.messages.map((m) => m.parsed()))).filter((p) => p.headers.get('x-triage-ticket') && p.to && JSON.stringify(p.to).includes('state.example'));
  const cli = (...args: string[]) => run(process.execPath, [TRIAGE_BIN, 'tickets', ...args], { env: { ...process.env, REDIS_URL: redis.url } });

  it('tells the unit of a reply in the thread, in the thread of its first e-mail; an "ok, gracias" only joins the ticket', async () => {
    await deliver(mail('thread-1', 'Missed IV appointment', 'No pude asistir a mi entrevista del lunes. Caso LMA2023661001. Solicitante principal: Lucía Paredes.'));
    const reply = await eventually(async () => (await Promise.all(smtp.messages.map((m) => m.parsed()))).find((p) => p.inReplyTo === '<thread-1@example.com>'), Boolean, 15_000);
    const [ticket] = await ticketsOf();
    const first = await eventually(async () => (await staffMails()).filter((p) => p.headers.get('x-triage-ticket') === ticket!.id), (l) => l.length === 1, 15_000);

    // She answers our reply with what was missing.
    await deliver(mail('thread-2', `Re: ${reply!.subject}`, 'Perdón, mi celular es +51 987 111 222.', reply!.messageId));
    const both = await eventually(async () => (await staffMails()).filter((p) => p.headers.get('x-triage-ticket') === ticket!.id), (l) => l.length === 2, 15_000);
    const followUp = both.find((p) => p.messageId !== first[0]!.messageId)!;
    expect(followUp.subject).toBe(`Re: ${first[0]!.subject}`);
    expect(followUp.inReplyTo).toBe(first[0]!.messageId);
    expect(followUp.text).toContain(`thread of ticket ${ticket!.id} (message 2 of 2)`);
    expect(followUp.attachments.map((a) => a.filename)).toEqual([`${ticket!.id}-2.eml`]);
    expect(followUp.attachments[0]!.content.toString()).toContain('+51 987 111 222');

    // A bare thanks joins the ticket without a word to staff.
    await deliver(mail('thread-3', `Re: ${reply!.subject}`, 'Muchas gracias.', reply!.messageId));
    await eventually(async () => (await ticketsOf())[0]!.messages.length, (n) => n === 3, 15_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await staffMails()).filter((p) => p.headers.get('x-triage-ticket') === ticket!.id)).toHaveLength(2);
    expect((await ticketsOf()).map((t) => t.id)).toEqual([ticket!.id]);
  });

  it('after staff close a ticket, a new message on the request opens a new one, and a reply in the old thread reopens the old one', async () => {
    const [ticket] = await ticketsOf();
    expect((await cli('list', '--queue', ticket!.queue)).stdout).toContain(`${ticket!.id}\topen\t`);
    expect((await cli('close', ticket!.id)).stdout).toBe(`${ticket!.id} closed\n`);
    expect((await cli('list', '--queue', ticket!.queue)).stdout).not.toContain(ticket!.id);
    expect((await cli('list', '--status', 'closed')).stdout).toContain(`${ticket!.id}\tclosed\t`);

    // The same request again, as a new message (no thread): a new ticket, its unit told.
    await deliver(mail('thread-4', 'Missed IV appointment', 'Escribo otra vez por mi entrevista perdida. Caso LMA2023661001. Solicitante principal: Lucía Paredes. Cel +51 987 111 222.'));
    const tickets = await eventually(ticketsOf, (l) => l.length === 2, 15_000);
    const fresh = tickets.find((t) => t.id !== ticket!.id)!;
    await eventually(async () => (await staffMails()).filter((p) => p.headers.get('x-triage-ticket') === fresh.id), (l) => l.length === 1, 15_000);

    // A reply in the closed ticket's thread (its id in the subject) reopens it and tells its unit so.
    await deliver(mail('thread-5', `Re: [${ticket!.id}] Missed IV appointment`, 'Una pregunta más sobre la misma entrevista: ¿debo llevar el pasaporte anterior?'));
    const mails = await eventually(async () => (await staffMails()).filter((p) => p.headers.get('x-triage-ticket') === ticket!.id), (l) => l.length === 3, 15_000);
    expect(mails.at(-1)!.text).toContain('this message reopened it');
    expect((await app.store.getTicket(ticket!.id))!.status).toBe('open');
    expect((await cli('reopen', ticket!.id)).stdout).toBe(`${ticket!.id} is open already\n`);
  });
});

function addressOf(raw: string): string | null {
  const m = /^from:.*?<?([^\s<>"]+@[^\s<>"]+)>?\s*$/im.exec(raw);
  return m?.[1]?.toLowerCase() ?? null;
}
