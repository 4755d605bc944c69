/**
 * Small process and polling helpers shared by the integration-test server harnesses.
 *
 * @packageDocumentation
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';

/**
 * Resolves after `ms` milliseconds.
 *
 * @param ms - Delay in milliseconds.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Tells whether a process id denotes a live (non-zombie) process.
 *
 * Uses `kill(pid, 0)` and, on Linux, rejects zombies by reading the state
 * field of `/proc/<pid>/stat` (a daemon's master that was orphaned but not
 * yet reaped still answers `kill(pid, 0)`).
 *
 * @param pid - Process id to test.
 * @returns `true` while the process exists and is not a zombie.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ..." - comm may contain spaces/parens, the state follows the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

/**
 * Waits until a process id is gone.
 *
 * @param pid - Process id to watch.
 * @param timeoutMs - Give up after this many milliseconds.
 * @returns `true` if the process exited within the timeout, `false` otherwise.
 */
export async function waitPidGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
  return true;
}

/**
 * Lists the direct children of a process by scanning `/proc` (Linux only;
 * returns an empty list elsewhere).
 *
 * @param ppid - Parent process id.
 * @returns Child process ids.
 */
export function childPids(ppid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid) out.push(Number(name));
    } catch {
      // process vanished while scanning
    }
  }
  return out;
}

/**
 * Reads a process's command line from `/proc/<pid>/cmdline` (its process title
 * for daemons that rewrite it, such as Dovecot's `dovecot-<instance>/imap`).
 *
 * @param pid - Process id.
 * @returns The command line with NULs replaced by spaces, or `''` if unreadable.
 */
export function processTitle(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+/g, ' ').trim();
  } catch {
    return '';
  }
}

/**
 * Returns the last `lines` lines of a text file, or a placeholder when the
 * file cannot be read. Used to put server logs into startup errors.
 *
 * @param file - Path of the log file.
 * @param lines - How many trailing lines to return.
 */
export async function tailFile(file: string, lines = 30): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n').trimEnd() || '(log file is empty)';
  } catch (err) {
    return `(cannot read ${file}: ${(err as Error).message})`;
  }
}

/**
 * Opens a TCP connection, optionally writes `send`, and resolves with the
 * first chunk of data the peer sends (or rejects on error/timeout/close
 * without data).
 *
 * @param port - Port on 127.0.0.1.
 * @param send - Bytes to write once connected, if any.
 * @param timeoutMs - Per-attempt timeout.
 * @returns The first data received, as latin1 text.
 */
export function tcpExchange(port: number, send: string | undefined, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (err: Error | null, value?: string): void => {
      clearTimeout(timer);
      sock.removeAllListeners();
      sock.on('error', () => undefined);
      sock.destroy();
      if (err) reject(err);
      else resolve(value ?? '');
    };
    const timer = setTimeout(() => done(new Error(`timeout talking to 127.0.0.1:${port}`)), timeoutMs);
    sock.once('connect', () => {
      if (send !== undefined) sock.write(send);
    });
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      if (buf.includes('\n')) done(null, buf);
    });
    sock.once('error', (err) => done(err));
    sock.once('close', () => done(buf ? null : new Error('connection closed without data'), buf));
  });
}

type Cleanup = () => void;
const exitCleanups = new Set<Cleanup>();
let exitHookInstalled = false;

/**
 * Registers a synchronous best-effort cleanup (e.g. SIGKILL a spawned server,
 * remove its temp dir) to run if the test process exits without the harness
 * having been stopped. Returns a function that unregisters it.
 *
 * @param fn - Synchronous cleanup; exceptions are swallowed.
 * @returns Unregister function, to call once the server was stopped normally.
 */
export function onProcessExit(fn: Cleanup): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const f of exitCleanups) {
        try {
          f();
        } catch {
          // best effort
        }
      }
    });
  }
  exitCleanups.add(fn);
  return () => {
    exitCleanups.delete(fn);
  };
}

/**
 * Removes a directory tree synchronously, ignoring errors (for exit hooks).
 *
 * @param dir - Directory to remove.
 */
export function rmSyncQuiet(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort
  }
}
