/**
 * An in-process SMTP sink (smtp-server) for integration tests: accepts
 * everything without auth or TLS, records each message, and can be told to
 * fail the next DATA commands with chosen SMTP codes.
 *
 * @packageDocumentation
 */
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { freePort } from './free-port.js';

/** SMTP envelope of a received message. */
export interface SinkEnvelope {
  /** `MAIL FROM` address (`''` for the null sender `<>`). */
  from: string;
  /** `RCPT TO` addresses, in order. */
  to: string[];
}

/** A message received by the sink. */
export interface SinkMessage {
  /** SMTP envelope. */
  envelope: SinkEnvelope;
  /** The DATA bytes exactly as received (dot-unstuffed, CRLF line endings). */
  raw: Buffer;
  /** When the DATA phase ended. */
  receivedAt: Date;
  /** Parses {@link SinkMessage.raw} with mailparser's `simpleParser`; parsed once, then cached. */
  parsed(): Promise<ParsedMail>;
}

/** A message the sink refused because of {@link SmtpSink.failNext}. */
export interface SinkRejection extends SinkMessage {
  /** The scripted response that was sent instead of 250. */
  response: SinkFailure;
}

/** One scripted DATA failure for {@link SmtpSink.failNext}. */
export interface SinkFailure {
  /** SMTP reply code, e.g. 421 (the sink then closes the connection), 451, 550. */
  code: number;
  /** Reply text. */
  message: string;
}

/** Options for {@link startSmtpSink}. */
export interface StartSmtpSinkOptions {
  /** Port to listen on; a free one by default. */
  port?: number;
  /**
   * How long `stop()` lets open client connections (e.g. a nodemailer pool)
   * linger before they get `421` and are closed. Default 250 ms.
   */
  closeTimeoutMs?: number;
}

/** A running SMTP sink started by {@link startSmtpSink}. */
export interface SmtpSink {
  /** `smtp://127.0.0.1:PORT` (plain SMTP, no auth). */
  readonly url: string;
  /** Always `127.0.0.1`. */
  readonly host: string;
  /** Listening port. */
  readonly port: number;
  /** Accepted messages, in arrival order. Tests may clear it with `messages.length = 0`. */
  readonly messages: SinkMessage[];
  /** Messages refused by a scripted failure, in arrival order. */
  readonly rejected: SinkRejection[];
  /**
   * Resolves once at least `count` messages have been accepted.
   *
   * @param count - Number of accepted messages to wait for (total, not additional).
   * @param timeoutMs - Rejects after this many milliseconds (default 15000).
   */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /**
   * Scripts failures: each entry makes the next DATA (at end of data) answer
   * with that code and message instead of accepting. Calls append to the script.
   *
   * @param responses - Failures to use, in order.
   */
  failNext(responses: SinkFailure[]): void;
  /** Scripted failures not used yet. */
  pendingFailures(): number;
  /** Stops listening and closes client connections (after `closeTimeoutMs`). Idempotent. */
  stop(): Promise<void>;
}

function addr(a: SMTPServerAddress | false): string {
  return a ? a.address : '';
}

function makeMessage(envelope: SinkEnvelope, raw: Buffer): SinkMessage {
  let parsing: Promise<ParsedMail> | undefined;
  return {
    envelope,
    raw,
    receivedAt: new Date(),
    parsed() {
      parsing ??= simpleParser(raw);
      return parsing;
    },
  };
}

/**
 * Starts an SMTP sink on 127.0.0.1 (no TLS, no AUTH: `secure: false`,
 * `disabledCommands: ['STARTTLS', 'AUTH']`, `authOptional: true`).
 *
 * Note: smtp-server waits 100 ms before greeting each new connection, so use
 * nodemailer's `pool: true` for anything that is timed.
 *
 * @param opts - See {@link StartSmtpSinkOptions}.
 * @returns The running sink.
 */
export async function startSmtpSink(opts: StartSmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const rejected: SinkRejection[] = [];
  const script: SinkFailure[] = [];
  const waiters = new Set<() => void>();

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    banner: 'triage test sink',
    closeTimeout: opts.closeTimeoutMs ?? 250,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        const envelope: SinkEnvelope = {
          from: addr(session.envelope.mailFrom),
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const msg = makeMessage(envelope, Buffer.concat(chunks));
        const failure = script.shift();
        if (failure) {
          rejected.push({ ...msg, response: failure });
          const err = Object.assign(new Error(failure.message), { responseCode: failure.code });
          callback(err);
          return;
        }
        messages.push(msg);
        for (const w of [...waiters]) w();
        callback(null, `OK: queued as sink-${messages.length}`);
      });
    },
  });
  server.on('error', () => undefined); // per-connection errors (client resets) are not test failures

  const port = opts.port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    const onErr = (err: Error): void => reject(err);
    server.server.once('error', onErr);
    server.listen(port, '127.0.0.1', () => {
      server.server.off('error', onErr);
      resolve();
    });
  });

  let stopped: Promise<void> | undefined;
  return {
    url: `smtp://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    messages,
    rejected,
    waitFor(count, timeoutMs = 15_000) {
      if (messages.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SmtpSink.waitFor(${count}): only ${messages.length} message(s) after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    failNext(responses) {
      script.push(...responses.map((r) => ({ ...r })));
    },
    pendingFailures() {
      return script.length;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return stopped;
    },
  };
}
