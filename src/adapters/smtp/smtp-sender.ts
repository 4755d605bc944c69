/**
 * Sending mail (nodemailer, pooled SMTP). The only code that talks SMTP.
 * Errors are classified once, here, into temporary (retry) and permanent
 * (park): 4xx and connection failures are temporary; 5xx are permanent
 * except 503 (bad sequence: a connection-state problem, worth a retry).
 */
import { randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { TriageError } from '../../runtime/errors.js';

export interface OutgoingMail {
  from: { name: string; address: string };
  to: { name: string; address: string };
  replyTo?: { name: string; address: string };
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  headers?: Record<string, string>;
  /** `contentDisposition` defaults to nodemailer's: inline for message/*, else attachment. */
  attachments?: Array<{ filename: string; content: Buffer; contentType: string; contentDisposition?: 'attachment' | 'inline' }>;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): void;
}

export function createSmtpSender(url: string, opts: { maxConnections?: number } = {}): MailSender {
  const transport: Transporter<SMTPTransport.SentMessageInfo> = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    maxMessages: 1000,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  } as SMTPTransport.Options);
  return {
    async send(mail) {
      try {
        // Composed in full first, then handed to the pool as one buffer: the
        // pool then writes it in a few large socket writes instead of one per
        // MIME chunk (a third of a send's CPU at our volumes). Same composer,
        // same bytes on the wire.
        const raw = await buildMime(mail);
        const info = await transport.sendMail({
          raw,
          // Ours, so that nodemailer does not draw a random one it would not write anyway.
          messageId: mail.messageId,
          // An empty envelope sender would make bounces of our own replies
          // unroutable; use the post's mailbox.
          envelope: { from: mail.from.address, to: [mail.to.address] },
        });
        return { response: info.response };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close: () => transport.close(),
  };
}

/** The message as nodemailer's MailComposer writes it (Date and MIME headers included). */
export function buildMime(mail: OutgoingMail): Promise<Buffer> {
  const options: Mail.Options = {
    from: mail.from,
    to: mail.to,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    subject: mail.subject,
    text: mail.text,
    messageId: mail.messageId,
    baseBoundary: nextBoundary(),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references && mail.references.length > 0 ? { references: mail.references } : {}),
    headers: mail.headers ?? {},
    attachments: mail.attachments ?? [],
  };
  return new Promise((resolve, reject) => new MailComposer(options).compile().build((err, message) => (err ? reject(err) : resolve(message))));
}

/**
 * MIME boundaries: a secret drawn once per process, then a counter. A
 * boundary only has to be absent from the parts it separates, and nobody
 * can plant an unknown secret in an attached original; nodemailer's own
 * default draws fresh random bytes for every part, which was a tenth of a
 * send's CPU here.
 */
const BOUNDARY_SECRET = randomBytes(9).toString('hex');
let boundaryCount = 0;
function nextBoundary(): string {
  boundaryCount = (boundaryCount + 1) % Number.MAX_SAFE_INTEGER;
  return `${BOUNDARY_SECRET}${boundaryCount.toString(36)}`;
}

/** Failures that happen before a connection can carry a message: nothing was sent. */
const BEFORE_SENDING = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|Greeting never received|connect ETIMEDOUT/i;

export interface SmtpFailure extends TriageError {
  /** True when the server may have accepted the message (the connection died mid-transaction). */
  deliveryUnknown: boolean;
}

export function classifySmtpError(err: unknown): SmtpFailure {
  const e = err as { responseCode?: number; code?: string; message?: string; command?: string };
  const code = e.responseCode;
  const permanent = typeof code === 'number' && code >= 500 && code !== 503;
  const detail = `${code ?? e.code ?? 'error'}${e.command ? ` on ${e.command}` : ''}: ${e.message ?? String(err)}`;
  const failure = new TriageError(permanent ? 'SMTP_PERMANENT' : 'SMTP_TEMPORARY', detail, { cause: err }) as SmtpFailure;
  // A reply code means the server refused; a connect-phase error means we
  // never got to DATA. Anything else (a connection lost mid-transaction) may
  // have delivered the message: sending again could answer twice.
  failure.deliveryUnknown = typeof code !== 'number' && !BEFORE_SENDING.test(`${e.code ?? ''} ${e.message ?? ''}`);
  return failure;
}

export function deliveryUnknown(err: unknown): boolean {
  return (err as Partial<SmtpFailure>)?.deliveryUnknown === true;
}
