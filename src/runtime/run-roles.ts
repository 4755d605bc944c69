/** Process entry shared by `triage start` and `workers/*`: environment, logger, pipeline, signals. */
import { createLogger } from './logger.js';
import { readEnvConfig } from './env-config.js';
import { startPipeline, type Role, type Running } from './app.js';
import { ConfigError, TriageError } from './errors.js';

export async function runRoles(roles: readonly Role[]): Promise<Running> {
  let env;
  try {
    env = readEnvConfig();
  } catch (e) {
    exitOnConfigError(e);
  }
  const logger = createLogger({ level: env.logLevel });
  let running: Running;
  try {
    running = await startPipeline(env, roles, logger);
  } catch (e) {
    exitOnConfigError(e);
  }
  running.shutdown.onSignals();
  process.on('unhandledRejection', (err) => logger.error({ err: (err as Error)?.message ?? String(err) }, 'unhandled rejection'));
  return running;
}

/** A config or environment problem is an admin's to fix: say what, without a stack trace, and exit 2. */
function exitOnConfigError(e: unknown): never {
  if (e instanceof ConfigError) {
    process.stderr.write(`triage: ${e.message}\n`);
    process.exit(2);
  }
  if (e instanceof TriageError) {
    process.stderr.write(`triage: ${e.code}: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
