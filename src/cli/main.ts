/**
 * The `triage` command: admin and operator entry point. Each subcommand is a
 * thin wrapper; the work is in src/core, src/adapters and src/pipeline.
 */
import { Command, Option } from 'commander';
import { ConfigError, TriageError } from '../runtime/errors.js';
import { runClassify } from './classify-command.js';
import { runCheckConfig } from './check-config-command.js';
import { runRender } from './render-command.js';

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
