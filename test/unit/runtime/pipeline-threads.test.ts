/**
 * The thread supervisor with real worker threads running a stand-in entry
 * (plain JS written to a temp folder) that speaks the same protocol as
 * src/runtime/pipeline-thread.ts: the pipeline itself is exercised through
 * `triage start` in test/integration.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { PipelineThreads } from '../../../src/runtime/pipeline-threads.js';
import { aggregatedMetrics } from '../../../src/runtime/metrics.js';
import type { EnvConfig } from '../../../src/runtime/env-config.js';

const dir = await mkdtemp(join(tmpdir(), 'triage-threads-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * Behaviour by `env.configDir` (a scratch folder per test): counts its
 * starts in `starts` (one byte each); crashes on its first start when `crash-first` exists;
 * ignores `stop` when `deaf` exists; answers metrics with a counter of 5
 * messages, labelled with its start number.
 */
const ENTRY = `
import { parentPort, workerData } from 'node:worker_threads';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const scratch = workerData.env.configDir;
const file = join(scratch, 'starts');
// One byte per start: an append is atomic, so threads starting together all count.
appendFileSync(file, 'x');
const starts = readFileSync(file).length;
if (starts === 1 && existsSync(join(scratch, 'crash-first'))) throw new Error('boom on first start');
parentPort.on('message', (m) => {
  if (m.type === 'metrics') {
    parentPort.postMessage({ type: 'metrics', id: m.id, snapshot: [{ name: 'triage_messages_total', help: 'h', type: 'counter', aggregator: 'sum', values: [{ value: 5, labels: { post: 'LMA' } }] }] });
  } else if (m.type === 'stop' && !existsSync(join(scratch, 'deaf'))) {
    writeFileSync(join(scratch, 'stopped'), m.reason);
    process.exit(0);
  }
});
parentPort.postMessage({ type: 'ready' });
setInterval(() => undefined, 1000);
`;
const entryFile = join(dir, 'entry.mjs');
await writeFile(entryFile, ENTRY);

async function scratch(name: string, flags: string[] = []): Promise<string> {
  const d = await mkdtemp(join(dir, `${name}-`));
  for (const f of flags) await writeFile(join(d, f), '');
  return d;
}

function supervisor(scratchDir: string, count: number): PipelineThreads {
  const env = { configDir: scratchDir } as EnvConfig;
  return new PipelineThreads({ env, roles: ['triage', 'reply', 'route'], checked: { config: { dir: scratchDir, posts: new Map() }, templates: {} }, smtpConnections: 9 }, count, pino({ level: 'silent' }), pathToFileURL(entryFile));
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PipelineThreads', () => {
  it('starts the threads, serves their counts summed with the main thread, and stops them in order', async () => {
    const d = await scratch('plain');
    const threads = supervisor(d, 2);
    threads.start();
    await until(() => threads.readyCount === 2);

    const own = new Registry();
    new Counter({ name: 'triage_messages_total', help: 'h', labelNames: ['post'], registers: [own] }).inc({ post: 'LMA' }, 1);
    const served = await (await aggregatedMetrics(own, await threads.snapshots())).metrics();
    expect(served).toMatch(/^triage_messages_total\{post="LMA"\} 11$/m);

    await threads.stop('test');
    expect(threads.readyCount).toBe(0);
    expect(await readFile(join(d, 'stopped'), 'utf8')).toBe('test');
    expect((await readFile(join(d, 'starts'))).length).toBe(2);
  });

  it('restarts a thread that dies, after a backoff', async () => {
    const d = await scratch('crash', ['crash-first']);
    const threads = supervisor(d, 1);
    const t0 = Date.now();
    threads.start();
    await until(() => threads.readyCount === 1);
    expect((await readFile(join(d, 'starts'))).length).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    await threads.stop('test');
  });

  it('terminates a thread that does not stop within the deadline, and does not restart it', async () => {
    const d = await scratch('deaf', ['deaf']);
    const threads = supervisor(d, 1);
    threads.start();
    await until(() => threads.readyCount === 1);
    const t0 = Date.now();
    await threads.stop('test', 300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(threads.readyCount).toBe(0);
    expect((await readFile(join(d, 'starts'))).length).toBe(1);
  });

  it('asks only running threads for metrics', async () => {
    const d = await scratch('plain2');
    const threads = supervisor(d, 1);
    threads.start();
    await until(() => threads.readyCount === 1);
    expect(await threads.snapshots()).toHaveLength(1);
    await threads.stop('test');
    expect(await threads.snapshots()).toEqual([]);
  });
});
