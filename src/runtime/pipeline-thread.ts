/**
 * Entry point of one pipeline thread (see pipeline-threads.ts): the worker
 * roles it was given, on its own Redis and SMTP connections, no intake and
 * no HTTP port. Answers metrics requests; on `stop`, runs its own ordered
 * shutdown, then exits.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { startPipeline } from './app.js';
import { createLogger } from './logger.js';
import type { FromThread, ThreadData, ToThread } from './pipeline-threads.js';

if (!parentPort) throw new Error('pipeline-thread.js runs only as a worker thread');
const port = parentPort;
const { env, roles, checked, smtpConnections } = workerData as ThreadData;
const logger = createLogger({ level: env.logLevel }).child({ thread: threadId });
const send = (m: FromThread): void => port.postMessage(m);

const running = await startPipeline({ ...env, threads: 0, httpPort: 0, mailboxes: [], smtpMaxConnections: smtpConnections }, roles, logger, checked);
process.on('unhandledRejection', (err) => logger.error({ err: (err as Error)?.message ?? String(err) }, 'unhandled rejection'));

port.on('message', (m: ToThread) => {
  if (m.type === 'metrics') {
    void running.metrics.registry.getMetricsAsJSON().then((snapshot) => send({ type: 'metrics', id: m.id, snapshot }));
  } else if (m.type === 'stop') {
    // The supervisor waits for the thread's exit; in a worker thread,
    // process.exit ends the thread, not the process.
    // Logs are written asynchronously; a thread's are flushed before it ends (the main thread's on exit).
    void running.stop(m.reason).then(() => logger.flush(() => process.exit(0)));
  }
});
send({ type: 'ready' });
