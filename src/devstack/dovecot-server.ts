/**
 * A private Dovecot IMAP server for integration tests, following
 * `/work/shared/dovecot-for-tests.md`: generated config with a unique
 * `instance_name`, free port, passwd-file users, maildir under a temp base
 * directory (on tmpfs `/dev/shm` when possible). Must run as root (Dovecot's
 * master drops to the `dovecot`/`nobody` users itself).
 *
 * @packageDocumentation
 */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { access, chmod, chown, constants, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { freePort } from './free-port.js';
import {
  childPids,
  onProcessExit,
  pidAlive,
  processTitle,
  rmSyncQuiet,
  sleep,
  tailFile,
  tcpExchange,
  waitPidGone,
} from './process-utils.js';

/** Path of the Dovecot binary; override with `DOVECOT_BIN`. */
const DOVECOT_BIN = process.env['DOVECOT_BIN'] ?? '/usr/sbin/dovecot';
/** Path of `doveadm`; override with `DOVEADM_BIN`. */
const DOVEADM_BIN = process.env['DOVEADM_BIN'] ?? 'doveadm';
/** uid/gid the mail is stored as (`nobody`); must not be 0. */
const MAIL_UID = 65534;
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** One IMAP login of the test server. */
export interface DovecotUser {
  /** Login name, e.g. `inbox@test`. Must not contain `:` or line breaks. */
  user: string;
  /** Plain-text password. Must not contain `:` or line breaks. */
  password: string;
}

/** Options for {@link startDovecot}. */
export interface StartDovecotOptions {
  /** The accounts that can log in (each gets its own maildir, created on first login). */
  users: DovecotUser[];
  /**
   * The personal namespace's hierarchy delimiter and prefix. Default `/` and
   * none; `{ separator: '.', prefix: 'INBOX.' }` is the Courier-style layout
   * some servers still use, where every folder lives under `INBOX.`.
   */
  namespace?: { separator: string; prefix?: string };
}

/** One message as reported by {@link DovecotHandle.list}. */
export interface DovecotMessageInfo {
  /** IMAP UID in the mailbox. */
  uid: number;
  /** `Message-ID` header value (with angle brackets), if the message has one. */
  messageId?: string;
}

/** A running private Dovecot started by {@link startDovecot}. */
export interface DovecotHandle {
  /** Always `127.0.0.1`. */
  readonly host: string;
  /** Plain-text (no TLS) IMAP port. */
  readonly port: number;
  /** Temp base directory holding config, users file, log, run/ state/ and mail/. */
  readonly baseDir: string;
  /** Path of the Dovecot log file (`log_path`). */
  readonly logFile: string;
  /** PID of the Dovecot master process. */
  readonly pid: number;
  /**
   * Builds `imap://USER:PASS@127.0.0.1:PORT/MAILBOX` with user, password and
   * mailbox path segments URL-encoded (`inbox@test` becomes `inbox%40test`).
   *
   * @param user - Login name.
   * @param password - Password.
   * @param mailbox - Mailbox path, `INBOX` by default.
   */
  imapUrl(user: string, password: string, mailbox?: string): string;
  /**
   * APPENDs one raw RFC 5322 message (creating `mailbox` first if it is not
   * INBOX and does not exist yet) over a fresh IMAP connection. The
   * hierarchy delimiter is `/` (e.g. `Archive/2026`).
   *
   * @param user - Login name.
   * @param password - Password.
   * @param mailbox - Target mailbox path.
   * @param raw - The message; use CRLF line endings.
   * @returns The UID Dovecot assigned (from APPENDUID).
   */
  append(user: string, password: string, mailbox: string, raw: Buffer | string): Promise<number>;
  /**
   * Lists the messages of a mailbox (read-only EXAMINE, does not touch `\Seen`),
   * sorted by UID.
   *
   * @param user - Login name.
   * @param password - Password.
   * @param mailbox - Mailbox path.
   */
  list(user: string, password: string, mailbox: string): Promise<DovecotMessageInfo[]>;
  /**
   * Number of messages in a mailbox (IMAP STATUS MESSAGES).
   *
   * @param user - Login name.
   * @param password - Password.
   * @param mailbox - Mailbox path.
   */
  count(user: string, password: string, mailbox: string): Promise<number>;
  /**
   * Drops live IMAP sessions server-side with `doveadm kick` (the clients get
   * `* BYE Server shutting down.` and a closed socket). Falls back to
   * SIGTERM-ing this instance's `imap` processes if doveadm fails.
   * Resolves once the kick was delivered; client-side `close` events follow
   * asynchronously.
   *
   * @param user - Only this login's sessions; all sessions when omitted.
   */
  kickConnections(user?: string): Promise<void>;
  /**
   * Stops the master (SIGTERM from `<base>/run/master.pid`, SIGKILL for it and
   * its children after 5 s), waits until it is gone and removes the base
   * directory. Idempotent.
   */
  stop(): Promise<void>;
}

function run(
  file: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, ...(error ? { error } : {}) });
    });
  });
}

/**
 * Runs a self-daemonising program and waits for the launcher to exit.
 * Its stdout/stderr go to a file, not a pipe: the daemon inherits them, and
 * a pipe would stay open (execFile would wait for EOF until its timeout).
 */
async function launchDaemon(file: string, args: string[], outFile: string): Promise<{ code: number; output: string }> {
  const fd = openSync(outFile, 'a');
  try {
    const code = await new Promise<number>((resolve) => {
      const child = spawn(file, args, { stdio: ['ignore', fd, fd] });
      child.once('error', (err) => {
        appendFileSync(outFile, `spawn failed: ${err.message}\n`);
        resolve(-1);
      });
      child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : -1)));
    });
    return { code, output: (await tailFile(outFile, 20)).trim() };
  } finally {
    closeSync(fd);
  }
}

async function makeBaseDir(): Promise<string> {
  let parent = os.tmpdir();
  try {
    await access('/dev/shm', constants.W_OK | constants.X_OK);
    parent = '/dev/shm';
  } catch {
    // no tmpfs: fall back to os.tmpdir()
  }
  const base = await mkdtemp(path.join(parent, 'triage-dovecot-'));
  // mkdtemp creates 0700; the unprivileged auth process must traverse it to
  // read the users file, or every login fails with "Temporary authentication failure".
  await chmod(base, 0o755);
  return base;
}

function renderConfig(base: string, instance: string, port: number, namespace: { separator: string; prefix?: string } = { separator: '/' }): string {
  return `# generated by test/harness/dovecot-server.ts
instance_name = ${instance}
base_dir = ${base}/run
state_dir = ${base}/state
log_path = ${base}/dovecot.log
info_log_path = ${base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests log in with wrong passwords on purpose; do not stall them 2 s.
auth_failure_delay = 0
# ...and switch off anvil's per-IP auth penalty, which would otherwise delay
# every login from 127.0.0.1 by 4-15 s after a failed one. (login_trusted_networks
# does not help in 2.3.) The auth process cannot open a mode-0 socket, and it
# disables penalties when it cannot reach anvil-auth-penalty.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
# Throw-away data on tmpfs: no fsync.
mail_fsync = never
# Lets kickConnections() find a user's imap processes if doveadm fails.
verbose_proctitle = yes
mail_location = maildir:${base}/mail/%n
# Hierarchy delimiter "/" (as on most production servers) instead of Maildir++'s ".",
# unless the test asks for another layout.
namespace inbox {
  inbox = yes
  separator = ${namespace.separator}
${namespace.prefix ? `  prefix = ${namespace.prefix}
` : ''}}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${base}/users
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${base}/mail/%n
}
service imap-login {
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Kill a master that will not go away, plus the children it had (only if they are still this instance's processes). */
function hardKill(pid: number, children: number[], markers?: string[]): void {
  for (const p of [pid, ...children]) {
    if (markers !== undefined) {
      const title = processTitle(p);
      if (!markers.some((m) => title.includes(m))) continue;
    }
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Starts a private Dovecot (IMAP only, no TLS, PLAIN/LOGIN auth) on a free
 * 127.0.0.1 port and resolves once the port greets with `* OK`.
 *
 * @param opts - The users to create; see {@link StartDovecotOptions}.
 * @returns A handle with IMAP helpers and `stop()`.
 * @throws If not running as root, if a user/password contains `:` or a line
 *   break, or if Dovecot fails to start; the error then contains the tail of
 *   its log file.
 */
export async function startDovecot(opts: StartDovecotOptions): Promise<DovecotHandle> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('startDovecot: must run as root (the generated config relies on Dovecot dropping privileges)');
  }
  for (const u of opts.users) {
    if (/[:\r\n]/.test(u.user) || /[:\r\n]/.test(u.password) || u.user === '') {
      throw new Error(`startDovecot: invalid user/password for passwd-file: ${JSON.stringify(u.user)}`);
    }
  }

  const base = await makeBaseDir();
  const conf = path.join(base, 'dovecot.conf');
  const logFile = path.join(base, 'dovecot.log');
  const pidFile = path.join(base, 'run', 'master.pid');
  const startupLog = path.join(base, 'startup.log');
  const instance = `triage-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(path.join(base, 'run'));
  await mkdir(path.join(base, 'state'));
  await mkdir(path.join(base, 'mail'));
  await chown(path.join(base, 'mail'), MAIL_UID, MAIL_UID);
  await writeFile(
    path.join(base, 'users'),
    opts.users.map((u) => `${u.user}:{PLAIN}${u.password}\n`).join(''),
    { mode: 0o644 },
  );

  let masterPid: number | undefined;
  // The master's title contains the config path, its children's "dovecot-<instance>/...".
  const ownMarkers = [`dovecot-${instance}/`, conf];
  const unregister = onProcessExit(() => {
    if (masterPid !== undefined) hardKill(masterPid, childPids(masterPid), ownMarkers);
    rmSyncQuiet(base);
  });

  const fail = async (why: string): Promise<never> => {
    const tail = await tailFile(logFile, 30);
    if (masterPid !== undefined && pidAlive(masterPid)) {
      const kids = childPids(masterPid);
      try {
        process.kill(masterPid, 'SIGTERM');
      } catch {
        // exited meanwhile
      }
      if (!(await waitPidGone(masterPid, STOP_TIMEOUT_MS))) hardKill(masterPid, kids, ownMarkers);
    }
    unregister();
    await rm(base, { recursive: true, force: true });
    throw new Error(`startDovecot: ${why}\n--- ${logFile} (tail) ---\n${tail}`);
  };

  // The free port is not reserved: if somebody grabbed it, try another one.
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    await writeFile(conf, renderConfig(base, instance, port, opts.namespace));
    const started = await launchDaemon(DOVECOT_BIN, ['-c', conf], startupLog);
    const inUse = async (): Promise<boolean> =>
      attempt < 3 && /address already in use/i.test(`${started.output}\n${await tailFile(logFile, 30)}`);
    if (started.code !== 0) {
      if (await inUse()) continue;
      return fail(`\`${DOVECOT_BIN} -c ${conf}\` exited with ${started.code}: ${started.output}`);
    }
    // `dovecot` daemonises: the launcher has exited, the master writes its pid file.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    let lastErr = '';
    while (Date.now() < deadline) {
      masterPid ??= await readPid(pidFile);
      if (masterPid !== undefined && !pidAlive(masterPid)) break;
      try {
        const greeting = await tcpExchange(port, undefined, 1000);
        if (greeting.startsWith('* OK')) {
          masterPid ??= await readPid(pidFile);
          if (masterPid !== undefined) {
            ready = true;
            break;
          }
          lastErr = 'greeting received but no master.pid';
        } else {
          lastErr = `unexpected greeting ${JSON.stringify(greeting)}`;
        }
      } catch (err) {
        lastErr = (err as Error).message;
      }
      await sleep(15);
    }
    if (ready) break;
    const died = masterPid !== undefined && !pidAlive(masterPid);
    if (died && (await inUse())) {
      masterPid = undefined;
      continue;
    }
    return fail(
      died
        ? `master (pid ${masterPid}) died during startup`
        : `port ${port} did not greet with "* OK" within ${READY_TIMEOUT_MS} ms (${lastErr})`,
    );
  }
  if (masterPid === undefined) return fail('no master pid'); // unreachable, narrows the type
  const pid = masterPid;

  const withClient = async <T>(user: string, password: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
    });
    client.on('error', () => undefined); // surfaced through the awaited calls instead
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };

  let stopped = false;
  const handle: DovecotHandle = {
    host: '127.0.0.1',
    port,
    baseDir: base,
    logFile,
    pid,
    imapUrl(user, password, mailbox = 'INBOX') {
      const box = mailbox.split('/').map(encodeURIComponent).join('/');
      return `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${box}`;
    },
    append(user, password, mailbox, raw) {
      return withClient(user, password, async (c) => {
        if (mailbox.toUpperCase() !== 'INBOX') await c.mailboxCreate(mailbox);
        const res = await c.append(mailbox, raw);
        if (!res || typeof res.uid !== 'number') {
          throw new Error(`append to ${mailbox}: server returned no UID (${JSON.stringify(res)})`);
        }
        return res.uid;
      });
    },
    list(user, password, mailbox) {
      return withClient(user, password, async (c) => {
        const lock = await c.getMailboxLock(mailbox, { readOnly: true });
        try {
          if (!c.mailbox || c.mailbox.exists === 0) return [];
          const out: DovecotMessageInfo[] = [];
          for await (const msg of c.fetch('1:*', { uid: true, envelope: true })) {
            const messageId = msg.envelope?.messageId;
            out.push(messageId ? { uid: msg.uid, messageId } : { uid: msg.uid });
          }
          return out.sort((a, b) => a.uid - b.uid);
        } finally {
          lock.release();
        }
      });
    },
    count(user, password, mailbox) {
      return withClient(user, password, async (c) => {
        const st = await c.status(mailbox, { messages: true });
        if (!st || typeof st.messages !== 'number') throw new Error(`STATUS ${mailbox} failed`);
        return st.messages;
      });
    },
    async kickConnections(user) {
      const r = await run(DOVEADM_BIN, ['-c', conf, 'kick', user ?? '*']);
      // 0 = kicked, 68 (EX_NOUSER) = nobody was connected.
      if (r.code === 0 || r.code === 68) return;
      // Fallback: SIGTERM this instance's imap processes (titles are
      // "dovecot-<instance>/imap [user ip ...]" with verbose_proctitle).
      const prefix = `dovecot-${instance}/imap`;
      for (const child of childPids(pid)) {
        const title = processTitle(child);
        if (!title.startsWith(prefix) || title.startsWith(`${prefix}-`)) continue;
        if (user !== undefined && !title.includes(`[${user} `)) continue;
        try {
          process.kill(child, 'SIGTERM');
        } catch {
          // gone already
        }
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const filePid = (await readPid(pidFile)) ?? pid;
      const kids = childPids(filePid);
      if (pidAlive(filePid)) {
        try {
          process.kill(filePid, 'SIGTERM');
        } catch {
          // gone already
        }
        if (!(await waitPidGone(filePid, STOP_TIMEOUT_MS))) {
          hardKill(filePid, kids, ownMarkers);
          await waitPidGone(filePid, 2_000);
        }
      }
      // Children normally die with the master; make sure none linger.
      for (const k of kids) if (pidAlive(k)) hardKill(k, [], ownMarkers);
      unregister();
      await rm(base, { recursive: true, force: true });
    },
  };
  return handle;
}
