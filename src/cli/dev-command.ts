/**
 * `triage dev`: the whole pipeline on one machine with no setup. Starts a
 * private redis-server, Dovecot (Debian's dovecot-imapd) and an SMTP sink
 * on free ports, seeds the mailbox with demo mail, runs every role, and
 * prints what happened: replies, staff e-mails, tickets. Stops everything
 * on Ctrl-C. For production use `triage start` with REDIS_URL, IMAP_URL and
 * SMTP_URL.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { startPipeline, ALL_ROLES } from '../runtime/app.js';
import { parseImapUrl, type EnvConfig } from '../runtime/env-config.js';
import { projectRoot } from '../runtime/paths.js';

export async function runDev(opts: { post: string; seed?: string; httpPort: string; once?: boolean }): Promise<void> {
  const { startRedis } = await import('../devstack/redis-server.js');
  const { startDovecot } = await import('../devstack/dovecot-server.js');
  const { startSmtpSink } = await import('../devstack/smtp-sink.js');
  const post = opts.post.toUpperCase();
  const user = `iv${post.toLowerCase()}@dev`;
  const password = 'dev';
  const [redis, imap, smtp] = await Promise.all([startRedis(), startDovecot({ users: [{ user, password }] }), startSmtpSink()]);
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const env: EnvConfig = {
    redisUrl: redis.url,
    smtpUrl: smtp.url,
    smtpMaxConnections: 9,
    mailboxes: [{ post, account: parseImapUrl(imap.imapUrl(user, password)) }],
    httpPort: Number(opts.httpPort),
    configDir: undefined,
    templatesDir: undefined,
    folders: { processed: 'Triage/Processed', ignored: 'Triage/Ignored', failed: 'Triage/Failed' },
    pollIntervalMs: 10_000,
    logLevel: 'info',
    // The demo mail is a few dozen messages: the main thread is plenty.
    threads: 0,
    instance: 'dev',
  };
  const app = await startPipeline(env, ALL_ROLES, logger);
  const stopAll = async (): Promise<void> => {
    await app.stop('dev stop');
    await Promise.all([redis.stop(), imap.stop(), smtp.stop()]);
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));

  const seedDir = opts.seed ?? join(projectRoot(), 'test', 'fixtures', 'corpus', post);
  const files = (await readdir(seedDir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
  for (const f of files) await imap.append(user, password, 'INBOX', await readFile(join(seedDir, f)));
  process.stdout.write(
    `\ntriage dev: ${files.length} demo messages appended to ${user} (IMAP ${imap.host}:${imap.port}), Redis ${redis.url}, SMTP sink ${smtp.url}` +
      (env.httpPort ? `, metrics http://127.0.0.1:${env.httpPort}/metrics` : '') +
      `\nAppend more mail with any IMAP client (user ${user}, password ${password}); Ctrl-C stops everything.\n\n`,
  );
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && (await imap.count(user, password, 'INBOX')) > 0) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 1_500));
  const tickets = await app.store.listTickets(post, 1000);
  const parsed = await Promise.all(smtp.messages.map((m) => m.parsed()));
  const replies = parsed.filter((p) => p.headers.get('auto-submitted') === 'auto-replied');
  process.stdout.write(
    `processed: ${await imap.count(user, password, 'Triage/Processed')} person messages, ignored: ${await imap.count(user, password, 'Triage/Ignored')} machine messages\n` +
      `auto-replies sent: ${replies.length}; staff e-mails: ${parsed.length - replies.length}; tickets: ${tickets.length}\n` +
      tickets.slice(0, 10).map((t) => `  ${t.id}  ${t.queue.padEnd(16)} ${t.priority.padEnd(7)} due ${t.dueDate}  ${t.category}  ${t.caseNumber ?? '-'}\n`).join('') +
      (replies[0] ? `\nfirst reply, as the applicant sees it:\nSubject: ${replies[0].subject}\n\n${(replies[0].text ?? '').slice(0, 1200)}\n` : ''),
  );
  if (opts.once) {
    await stopAll();
    process.exit(0);
  }
}
