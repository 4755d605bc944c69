/**
 * SMTP to the devstack sink (smtp-server, in this process): the project's
 * pooled nodemailer sender (5 connections, 20 sends in flight as the reply
 * and route workers together) against a minimal raw-socket client on the
 * same 5 connections with the same command/response lock-step, and the
 * sink's own ceiling with a PIPELINING raw client. The senders run in a
 * child process; each is warmed up (connections open) before timing.
 */
import { Child, SinkTap, maxOf, smtpSink } from './stack.js';
import type { Row } from './report.js';

async function run(tap: SinkTap, mode: string, args: Record<string, unknown>, n: number): Promise<number> {
  const child = new Child(mode, { ...args, n });
  await child.next('warm', 60_000);
  tap.reset();
  const t0 = Date.now();
  child.send({ type: 'go' });
  await child.next('done', 300_000);
  await tap.waitFor('other', n, 30_000);
  const last = maxOf(tap.arrivals.other.values());
  await child.kill();
  return n / ((last - t0) / 1000);
}

export async function benchSmtp(n: number): Promise<{ rows: Row[]; notes: string[] }> {
  const sink = await smtpSink();
  const tap = new SinkTap(sink);
  const common = { smtpUrl: sink.url, port: sink.port };
  const nm1 = await run(tap, 'smtp-nodemailer', { ...common, inFlight: 20 }, n);
  const raw1 = await run(tap, 'smtp-raw', { ...common, connections: 5 }, n);
  const nm2 = await run(tap, 'smtp-nodemailer', { ...common, inFlight: 20 }, n);
  const raw2 = await run(tap, 'smtp-raw', { ...common, connections: 5 }, n);
  const pre = await run(tap, 'smtp-nodemailer', { ...common, inFlight: 20, prebuilt: true }, n);
  const ceiling = await run(tap, 'smtp-raw', { ...common, connections: 5, pipelining: true }, n);
  const bytes = tap.bytes / n;
  return {
    rows: [
      { stage: 'smtp: nodemailer pool x5, 20 in flight [raw socket client x5, lock-step]', value: (nm1 + nm2) / 2, unit: 'msg/s', bare: (raw1 + raw2) / 2 },
      { stage: 'smtp: same pool, prebuilt MIME via `raw` (no MailComposer) [raw socket client x5, lock-step]', value: pre, unit: 'msg/s', bare: (raw1 + raw2) / 2 },
      { stage: 'smtp: sink ceiling, raw client x5 with PIPELINING [none]', value: ceiling, unit: 'msg/s', bare: null },
    ],
    notes: [`smtp: N=${n} mails (BENCH_SMTP_N) of ${(bytes / 1024).toFixed(1)} KB, timed from "go" to the sink's receipt of the last one; sink = src/devstack smtp-sink in the bench process, senders in a child process.`],
  };
}
