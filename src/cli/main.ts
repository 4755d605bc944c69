/**
 * The `triage` command: admin and operator entry point. Each subcommand is a
 * thin wrapper; the work is in src/core, src/adapters and src/pipeline.
 */
import { Command, Option } from 'commander';
import { ConfigError, TriageError } from '../runtime/errors.js';
import { runClassify } from './classify-command.js';
import { runCheckConfig } from './check-config-command.js';
import { runRender } from './render-command.js';
import { runStart } from './start-command.js';
import { runJobs } from './jobs-command.js';
import { runTickets, type TicketsOptions } from './tickets-command.js';
import { runDev } from './dev-command.js';
import { runSeed } from './seed-command.js';

// `triage classify ... | head`: the reader went away; stop quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const program = new Command();
program
  .name('triage')
  .description('Consular IV mailbox triage: classify mail, check config, preview replies, run the pipeline.')
  .showHelpAfterError();

program
  .command('classify')
  .description('print the triage decision of each message (files or folders of .eml, recursed)')
  .argument('<paths...>', '.eml files or folders')
  .addOption(new Option('--post <id>', 'post whose mailbox received the mail').default('LMA'))
  .option('--json', 'JSON Lines, one decision per message (the contract format)', false)
  .option('--config <dir>', 'configuration folder (default: the shipped config/)')
  .action(async (paths: string[], opts: { post: string; json: boolean; config?: string }) => {
    process.exitCode = await runClassify(paths, opts, process.stdout);
  });

program
  .command('check-config')
  .description('validate the configuration folder and templates; lists every problem')
  .option('--config <dir>', 'configuration folder (default: the shipped config/)')
  .option('--templates <dir>', 'templates folder (default: the shipped templates/)')
  .action(async (opts: { config?: string; templates?: string }) => {
    process.exitCode = await runCheckConfig(opts, process.stdout);
  });

program
  .command('render')
  .description('print a reply as the applicant would receive it')
  .requiredOption('--template <id>', 'template id, e.g. iv_inquiry_ack')
  .addOption(new Option('--post <id>', 'post').default('LMA'))
  .option('--eml <file>', 'fill in the template from this message')
  .option('--lang <code>', 'put this language first (default: the message language or the post primary)')
  .option('--config <dir>', 'configuration folder')
  .option('--templates <dir>', 'templates folder')
  .action(async (opts: { template: string; post: string; eml?: string; lang?: string; config?: string; templates?: string }) => {
    process.exitCode = await runRender(opts, process.stdout);
  });

program
  .command('start')
  .description('run the pipeline: IMAP intake and all workers in one process (configured from the environment)')
  .option('--roles <list>', 'only these roles, comma-separated: intake,triage,reply,route')
  .action(async (opts: { roles?: string }) => {
    await runStart(opts);
  });

program
  .command('dev')
  .description('run the whole pipeline locally: private Redis, Dovecot and SMTP sink, demo mail seeded (needs redis-server and dovecot-imapd)')
  .addOption(new Option('--post <id>', 'post whose mailbox is simulated').default('LMA'))
  .option('--seed <dir>', 'folder of .eml to append (default: the fixture corpus of the post)')
  .option('--http-port <n>', 'health and metrics port (0 = off)', '8080')
  .option('--once', 'stop after the demo mail is processed', false)
  .action(async (opts: { post: string; seed?: string; httpPort: string; once?: boolean }) => {
    await runDev(opts);
  });

program
  .command('seed')
  .description('append .eml files (or folders of them) to an IMAP mailbox: demo data')
  .argument('<paths...>', '.eml files or folders')
  .option('--imap-url <url>', 'imap[s]://user:pass@host:port/INBOX (default: IMAP_URL)')
  .action(async (paths: string[], opts: { imapUrl?: string }) => {
    process.exitCode = await runSeed(paths, opts, process.stdout);
  });

const jobs = program.command('jobs').description('parked (failed) jobs');
jobs
  .command('failed')
  .description('list parked jobs with their reason')
  .option('--queue <name>', 'triage, auto-reply or route')
  .option('--json', 'one JSON object per job', false)
  .action(async (opts: { queue?: string; json?: boolean }) => {
    process.exitCode = await runJobs('failed', opts, process.stdout);
  });
jobs
  .command('retry')
  .description('put parked jobs back to work')
  .option('--queue <name>', 'triage, auto-reply or route')
  .option('--id <jobId>', 'only this job')
  .option('--resend', 'also retry REPLY_UNCERTAIN replies: only once the SMTP log shows they were NOT sent', false)
  .action(async (opts: { queue?: string; id?: string; resend?: boolean }) => {
    process.exitCode = await runJobs('retry', opts, process.stdout);
  });

const tickets = program.command('tickets').description('staff tickets');
tickets
  .command('list')
  .description('newest tickets of a post')
  .addOption(new Option('--post <id>', 'post').default('LMA'))
  .addOption(new Option('--status <status>', 'open, closed or all').default('open'))
  .option('--queue <queue>', "only this unit's queue, e.g. iv-scheduling")
  .option('--overdue', "only open tickets past their SLA due date (the post's time zone)", false)
  .option('--limit <n>', 'how many', '50')
  .option('--json', 'JSON Lines', false)
  .option('--config <dir>', 'configuration folder (for --overdue: the post\'s time zone)')
  .action(async (opts: TicketsOptions) => {
    process.exitCode = await runTickets('list', opts, process.stdout);
  });
for (const [action, description] of [
  ['show', 'one ticket, whole'],
  ['close', "staff are done: the sender's next new message on it opens a new ticket; a reply in its thread reopens it"],
  ['reopen', 'open a closed ticket again'],
] as const) {
  tickets
    .command(action)
    .description(description)
    .argument('<id>', 'ticket id, e.g. LMA-2026-000123')
    .action(async (id: string) => {
      process.exitCode = await runTickets(action, { id }, process.stdout);
    });
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`triage: ${e.message}\n`);
    process.exitCode = 2;
  } else if (e instanceof TriageError) {
    process.stderr.write(`triage: ${e.code}: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
