/**
 * A private, throw-away `redis-server` for integration tests.
 *
 * Never uses the machine's shared Redis on 6379: every instance gets a free
 * port and its own temp directory.
 *
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { onProcessExit, rmSyncQuiet, sleep, tcpExchange } from './process-utils.js';

/** Path or name of the Redis binary; override with `REDIS_SERVER_BIN`. */
const REDIS_BIN = process.env['REDIS_SERVER_BIN'] ?? 'redis-server';
/** How long to wait for a started server to answer PING. */
const READY_TIMEOUT_MS = 15_000;
/** How long to wait for the process to exit after SIGTERM before using SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;

/** Options for {@link startRedis}. */
export interface StartRedisOptions {
  /**
   * Run with `--appendonly yes` so data survives {@link RedisHandle.kill9} +
   * {@link RedisHandle.restart}. Defaults to `true`.
   */
  appendonly?: boolean;
}

/** A running private Redis started by {@link startRedis}. */
export interface RedisHandle {
  /** Connection URL, `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** TCP port the server listens on (stays the same across restarts). */
  readonly port: number;
  /** The server's `--dir` (AOF/RDB files live here). */
  readonly dir: string;
  /** PID of the current server process, or `undefined` while it is down. */
  readonly pid: number | undefined;
  /**
   * Stops the server with SIGTERM (SIGKILL after 10 s), waits for it to exit
   * and removes {@link RedisHandle.dir}. Idempotent; the handle is unusable afterwards.
   */
  stop(): Promise<void>;
  /**
   * Simulates a crash: SIGKILL, waits for the exit, keeps {@link RedisHandle.dir}
   * so that {@link RedisHandle.restart} can reload the AOF.
   */
  kill9(): Promise<void>;
  /**
   * Starts the server again on the same port and directory and waits until it
   * answers PING (i.e. the AOF has been loaded). If it is still running it is
   * first shut down gracefully with SIGTERM.
   */
  restart(): Promise<void>;
}

/** Keeps the last lines of a child's output for error messages. */
class OutputTail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly max = 40) {}
  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
  text(): string {
    return [...this.lines, this.partial].join('\n').trim() || '(no output)';
  }
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  hasExited: () => boolean;
  out: OutputTail;
}

function spawnRedis(port: number, dir: string, appendonly: boolean, extraArgs: readonly string[] = []): Running {
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', appendonly ? 'yes' : 'no',
    '--dir', dir,
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
    '--logfile', '',
    ...extraArgs,
  ];
  const child = spawn(REDIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new OutputTail();
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => out.push(c));
  let exited = false;
  const exitedP = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      out.push(Buffer.from(`\n[redis-server exited code=${code} signal=${signal}]\n`));
      resolve();
    });
    child.once('error', (err) => {
      exited = true;
      out.push(Buffer.from(`\n[spawn ${REDIS_BIN} failed: ${err.message}]\n`));
      resolve();
    });
  });
  return { child, exited: exitedP, hasExited: () => exited, out };
}

/** Polls PING until `+PONG` (a loading server answers `-LOADING`). */
async function waitReady(run: Running, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (run.hasExited()) {
      throw new Error(`redis-server on port ${port} exited during startup:\n${run.out.text()}`);
    }
    try {
      const reply = await tcpExchange(port, 'PING\r\n', 1000);
      if (reply.startsWith('+PONG')) return;
      last = reply.trim();
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(20);
  }
  run.child.kill('SIGKILL');
  await run.exited;
  throw new Error(`redis-server on port ${port} not ready after ${READY_TIMEOUT_MS} ms (last: ${last}):\n${run.out.text()}`);
}

/**
 * Spawns a server on a free port and waits until it answers. A free port is
 * not reserved: when somebody took it meanwhile, tries again with a new one.
 */
async function spawnOnFreePort(spawnAt: (port: number) => Promise<Running>, attempts = 3): Promise<{ port: number; run: Running }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const run = await spawnAt(port);
    try {
      await waitReady(run, port);
      return { port, run };
    } catch (err) {
      if (!/address already in use/i.test(run.out.text()) || attempt >= attempts) throw err;
    }
  }
}

async function terminate(run: Running, signal: NodeJS.Signals): Promise<void> {
  if (run.hasExited()) return;
  run.child.kill(signal);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await run.exited;
  clearTimeout(timer);
}

/**
 * Spawns a private `redis-server` on a free 127.0.0.1 port with a fresh temp
 * directory (`mkdtemp` under `os.tmpdir()`), `--save ''`,
 * `--appendonly yes|no` and `--maxmemory-policy noeviction`, and resolves once
 * it answers PING.
 *
 * @param opts - See {@link StartRedisOptions}.
 * @returns A handle to stop, crash or restart the server.
 * @throws If the server exits or does not answer within 15 s; the message
 *   contains the tail of its output.
 */
export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisHandle> {
  const appendonly = opts.appendonly ?? true;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'triage-redis-'));
  let port = 0;
  let run: Running | undefined;
  const unregister = onProcessExit(() => {
    if (run && !run.hasExited()) run.child.kill('SIGKILL');
    rmSyncQuiet(dir);
  });

  try {
    ({ port, run } = await spawnOnFreePort(async (p) => spawnRedis(p, dir, appendonly)));
  } catch (err) {
    unregister();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  let stopped = false;
  const handle: RedisHandle = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return run && !run.hasExited() ? run.child.pid : undefined;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (run) await terminate(run, 'SIGTERM');
      unregister();
      await rm(dir, { recursive: true, force: true });
    },
    async kill9() {
      if (stopped) throw new Error('RedisHandle.kill9: server was stopped');
      if (run) await terminate(run, 'SIGKILL');
    },
    async restart() {
      if (stopped) throw new Error('RedisHandle.restart: server was stopped (its dir is gone)');
      if (run) await terminate(run, 'SIGTERM');
      // The old socket may linger briefly; retry a few times on "address in use".
      for (let attempt = 1; ; attempt++) {
        run = spawnRedis(port, dir, appendonly);
        try {
          await waitReady(run, port);
          return;
        } catch (err) {
          if (!/address already in use/i.test(run.out.text()) || attempt >= 5) throw err;
          await sleep(200);
        }
      }
    },
  };
  return handle;
}

/** A running private Redis Cluster started by {@link startRedisCluster}. */
export interface RedisClusterHandle {
  /** `host:port` of every node, for `REDIS_CLUSTER_NODES`. */
  readonly seeds: string[];
  /** `redis://127.0.0.1:PORT` of every node, in slot order. */
  readonly urls: string[];
  /** The node serving `key`'s slot (a plain connection to it finds the key there). */
  nodeOf(key: string): Promise<string>;
  /** Stops every node and removes their directories. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Spawns a private Redis Cluster of `masters` nodes (no replicas) on free
 * ports, splits the 16384 slots evenly among them, joins them and resolves
 * once every node reports `cluster_state:ok`. Each node has its own temp
 * directory and cluster bus port.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const nodes: Array<{ port: number; busPort: number; dir: string; run: Running }> = [];
  const unregister = onProcessExit(() => {
    for (const n of nodes) {
      if (!n.run.hasExited()) n.run.child.kill('SIGKILL');
      rmSyncQuiet(n.dir);
    }
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(nodes.map((n) => terminate(n.run, 'SIGTERM')));
    unregister();
    await Promise.all(nodes.map((n) => rm(n.dir, { recursive: true, force: true })));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'triage-redis-cluster-'));
      let busPort = 0;
      try {
        const { port, run } = await spawnOnFreePort(async (p) => {
          busPort = await freePort();
          return spawnRedis(p, dir, false, ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'), '--cluster-port', String(busPort), '--cluster-node-timeout', '5000']);
        });
        nodes.push({ port, busPort, dir, run });
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
    const clients = nodes.map((n) => new Redis(n.port, '127.0.0.1', { lazyConnect: false, maxRetriesPerRequest: 1 }));
    try {
      const per = Math.ceil(16384 / masters);
      await Promise.all(clients.map((c, i) => c.call('CLUSTER', 'ADDSLOTSRANGE', String(i * per), String(Math.min(16383, (i + 1) * per - 1)))));
      for (const n of nodes.slice(1)) await clients[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(n.port), String(n.busPort));
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        const infos = await Promise.all(clients.map((c) => c.call('CLUSTER', 'INFO') as Promise<string>));
        if (infos.every((t) => /cluster_state:ok/.test(t) && new RegExp(`cluster_known_nodes:${masters}\\b`).test(t))) break;
        if (Date.now() > deadline) throw new Error(`redis cluster not ready after ${READY_TIMEOUT_MS} ms:\n${infos.join('\n')}`);
        await sleep(100);
      }
    } finally {
      clients.forEach((c) => c.disconnect());
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const per = Math.ceil(16384 / masters);
  return {
    seeds: nodes.map((n) => `127.0.0.1:${n.port}`),
    urls: nodes.map((n) => `redis://127.0.0.1:${n.port}`),
    async nodeOf(key) {
      const c = new Redis(nodes[0]!.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      try {
        const slot = Number(await c.call('CLUSTER', 'KEYSLOT', key));
        return `redis://127.0.0.1:${nodes[Math.floor(slot / per)]!.port}`;
      } finally {
        c.disconnect();
      }
    },
    stop,
  };
}
