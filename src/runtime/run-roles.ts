/** Process entry shared by `triage start` and `workers/*`: environment, logger, pipeline, signals. */
import { createLogger } from './logger.js';
import { readEnvConfig } from './env-config.js';
import { startPipeline, type Role, type Running } from './app.js';

export async function runRoles(roles: readonly Role[]): Promise<Running> {
  const env = readEnvConfig();
  const logger = createLogger({ level: env.logLevel });
  const running = await startPipeline(env, roles, logger);
  running.shutdown.onSignals();
  process.on('unhandledRejection', (err) => logger.error({ err: (err as Error)?.message ?? String(err) }, 'unhandled rejection'));
  return running;
}
