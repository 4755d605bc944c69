/**
 * IMAP intake for one mailbox (imapflow): the only code that talks IMAP.
 *
 * - One active poller per mailbox across replicas: a Redis lock with expiry,
 *   renewed while connected, and a fencing token checked on every cursor
 *   write.
 * - On connect and after every reconnect it catches up from the checkpoint
 *   (UIDVALIDITY + last UID in Redis); a new UIDVALIDITY starts a new
 *   checkpoint, i.e. a rescan, which message-key de-duplication makes safe.
 * - New mail is pushed by IDLE; a periodic poll covers servers or networks
 *   that drop IDLE silently.
 * - Messages are moved to their folder only after their outcome is durable:
 *   the triage stage queues a filing request, this class performs it once
 *   the request is `fileDelayMs` old, so that Redis has written it to disk
 *   (AOF `everysec` syncs every second): a Redis crash cannot take back an
 *   outcome whose message has already left the inbox.
 * - Folder names are configured with `/`; on the server they take its own
 *   delimiter and personal-namespace prefix (`INBOX.Triage.Processed` on a
 *   Courier-style server).
 * - Reconnects back off exponentially with full jitter.
 *
 * Usage rules from imapflow: the mailbox lock is released in `finally`; no
 * IMAP command is issued inside a fetch() loop.
 */
import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { TriageStore } from '../redis/triage-store.js';

export interface ImapAccount {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  /** The mailbox folder mail arrives in. */
  folder: string;
}

export interface FolderNames {
  processed: string;
  ignored: string;
  failed: string;
}

export interface FetchedMessage {
  uidValidity: string;
  uid: number;
  raw: Buffer;
  /** The server's INTERNALDATE, ISO, when it gave one. */
  internalDate: string | null;
}

export interface IntakeOptions {
  /** Mailbox id (the post id). */
  mailbox: string;
  account: ImapAccount;
  folders: FolderNames;
  store: TriageStore;
  /** Hands a batch of messages to the queue; resolves once they are durable in Redis. */
  accept: (messages: FetchedMessage[]) => Promise<void>;
  /**
   * Messages still in the inbox below the checkpoint at session start: their
   * filing was lost (a connection dropped mid-MOVE) or they are in flight.
   * The caller re-files decided ones and re-queues the rest (a no-op for jobs
   * that still exist).
   */
  recover: (messages: FetchedMessage[]) => Promise<void>;
  /** Messages waiting in the triage queue; intake pauses above `maxBacklog`. */
  backlog: () => Promise<number>;
  logger: Logger;
  /** Poll even without IDLE news this often. Default 30 s. */
  pollIntervalMs?: number;
  /** Messages fetched per IMAP FETCH. Default 200. */
  batchSize?: number;
  /**
   * Bytes of message source held at once: a FETCH takes fewer messages when
   * they are large (a message larger than this comes alone). Default 32 MiB.
   */
  maxBatchBytes?: number;
  /** Pause fetching while this many messages wait in the triage queue. Default 5,000. */
  maxBacklog?: number;
  /** Lock expiry; renewed every third of it. Default 30 s. */
  lockTtlMs?: number;
  /** Identifies this replica in the lock value. */
  owner: string;
  /** Reconnect back-off cap. Default 30 s. */
  maxBackoffMs?: number;
  /** Filing requests are checked this often while idle. Default 250 ms. */
  filingTickMs?: number;
  /**
   * A filing request is carried out once it is this old. Default 2 s: Redis
   * with AOF `everysec` has synced it (and the outcome written before it) by then.
   */
  fileDelayMs?: number;
}

const DEFAULTS = { pollIntervalMs: 30_000, batchSize: 200, maxBatchBytes: 32 * 1024 * 1024, maxBacklog: 5_000, lockTtlMs: 30_000, maxBackoffMs: 30_000, filingTickMs: 250, fileDelayMs: 2_000 };

export class ImapIntake {
  private readonly o: IntakeOptions & typeof DEFAULTS;
  private stopped = false;
  private running: Promise<void> | null = null;
  private client: ImapFlow | null = null;
  private lockToken: string | null = null;
  private wake: (() => void) | null = null;
  private connected = false;
  /** Configured folder name (`/`-separated) -> its path on the server, per session. */
  private folderPaths = new Map<string, string>();
  /** Times the loop (re)connected; for tests and metrics. */
  connections = 0;

  constructor(options: IntakeOptions) {
    this.o = { ...DEFAULTS, ...options } as IntakeOptions & typeof DEFAULTS;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** True while this replica holds the mailbox's intake lock. */
  get isActive(): boolean {
    return this.lockToken !== null;
  }

  start(): void {
    if (!this.running) this.running = this.loop();
  }

  /** Stops fetching, releases the lock, logs out. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const client = this.client;
    if (client) {
      try {
        await Promise.race([client.logout(), sleep(2_000)]);
      } catch {
        client.close();
      }
    }
    await this.running;
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    // Kept across reconnects: after a blip (IMAP or Redis) this replica takes
    // its own lock back at once instead of waiting for it to expire.
    let previousToken: string | null = null;
    while (!this.stopped) {
      let renew: NodeJS.Timeout | null = null;
      try {
        this.lockToken = await this.acquireLock(previousToken);
        if (!this.lockToken) break;
        previousToken = this.lockToken;
        renew = setInterval(() => void this.renewLock(), Math.floor(this.o.lockTtlMs / 3));
        await this.session();
        attempt = 0;
      } catch (err) {
        // stop() logs out under a running fetch or move, which then fails: expected, not a fault.
        if (this.stopped) this.o.logger.info({ mailbox: this.o.mailbox, err: errInfo(err) }, 'imap intake: session ended by stop');
        else this.o.logger.warn({ mailbox: this.o.mailbox, err: errInfo(err), attempt }, 'imap intake: connection failed or dropped; reconnecting');
      } finally {
        if (renew) clearInterval(renew);
        this.connected = false;
        await this.closeClient();
        if (this.lockToken === null) previousToken = null;
        this.lockToken = null;
      }
      if (this.stopped) {
        if (previousToken) await this.o.store.releaseIntakeLock(this.o.mailbox, previousToken).catch(() => undefined);
        break;
      }
      attempt++;
      // Full jitter: replicas and mailboxes do not reconnect in step.
      await this.pause(Math.random() * Math.min(this.o.maxBackoffMs, 500 * 2 ** Math.min(attempt, 10)));
    }
  }

  /** Closes the session's connection whatever state it is in: a dropped session must not leak a server login. */
  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    try {
      if (client.usable) await Promise.race([client.logout(), sleep(2_000)]);
    } catch {
      // logout failed: close below
    }
    client.close();
  }

  private async acquireLock(previousToken: string | null): Promise<string | null> {
    while (!this.stopped) {
      try {
        if (previousToken && (await this.o.store.renewIntakeLock(this.o.mailbox, previousToken, this.o.lockTtlMs))) return previousToken;
        previousToken = null;
        const token = await this.o.store.acquireIntakeLock(this.o.mailbox, this.o.lockTtlMs, this.o.owner);
        if (token) return token;
      } catch (err) {
        this.o.logger.warn({ mailbox: this.o.mailbox, err: errInfo(err) }, 'imap intake: cannot reach Redis for the intake lock');
      }
      await this.pause(this.o.lockTtlMs / 3);
    }
    return null;
  }

  private async renewLock(): Promise<void> {
    const token = this.lockToken;
    if (!token) return;
    try {
      if (!(await this.o.store.renewIntakeLock(this.o.mailbox, token, this.o.lockTtlMs))) {
        this.o.logger.warn({ mailbox: this.o.mailbox }, 'imap intake: lost the intake lock; another replica polls now');
        this.lockToken = null;
        this.client?.close();
      }
    } catch (err) {
      this.o.logger.warn({ mailbox: this.o.mailbox, err: errInfo(err) }, 'imap intake: lock renewal failed');
    }
  }

  private async session(): Promise<void> {
    const a = this.o.account;
    const client = new ImapFlow({
      host: a.host,
      port: a.port,
      secure: a.secure,
      auth: { user: a.user, pass: a.pass },
      logger: false,
      disableAutoIdle: true,
      // The tests and operators want to see a dead server fast.
      connectionTimeout: 15_000,
      greetingTimeout: 10_000,
    });
    this.client = client;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', (err: unknown) => this.o.logger.warn({ mailbox: this.o.mailbox, err: errInfo(err) }, 'imap intake: client error'));
    client.on('exists', () => this.wake?.());
    await client.connect();
    this.connected = true;
    this.connections++;
    this.o.logger.info({ mailbox: this.o.mailbox, folder: a.folder }, 'imap intake: connected');
    await this.ensureFolders(client);

    // This connection serves one mailbox only: hold its lock for the whole
    // session and IDLE inside it (imapflow's rule for manual IDLE).
    const lock = await client.getMailboxLock(a.folder);
    try {
      await this.recoverBelowCheckpoint(client);
      while (!this.stopped && this.lockToken && client.usable) {
        await this.fileMessages(client);
        await this.catchUp(client);
        await this.fileMessages(client);
        await this.idleUntilWork(client, closed, Date.now());
      }
    } finally {
      lock.release();
    }
    if (!this.stopped && !client.usable) throw new Error('IMAP connection closed');
  }

  private async ensureFolders(client: ImapFlow): Promise<void> {
    this.folderPaths = new Map();
    const existing = new Set((await client.list()).map((m) => m.path));
    for (const folder of new Set(Object.values(this.o.folders))) await this.resolveFolder(client, folder, existing);
  }

  /** The server path of a configured folder, created when missing. */
  private async resolveFolder(client: ImapFlow, folder: string, existing?: Set<string>): Promise<string> {
    const known = this.folderPaths.get(folder);
    if (known) return known;
    const ns = client.namespace ?? { prefix: '', delimiter: '/' };
    const parts = folder.split('/').filter(Boolean);
    const bare = parts.join(ns.delimiter || '/');
    const names = existing ?? new Set((await client.list()).map((m) => m.path));
    let path = [`${ns.prefix ?? ''}${bare}`, bare].find((p) => names.has(p));
    if (!path) {
      path = (await client.mailboxCreate(parts)).path;
      this.o.logger.info({ mailbox: this.o.mailbox, folder, path }, 'imap intake: created folder');
    }
    this.folderPaths.set(folder, path);
    return path;
  }

  /** Fetches everything after the checkpoint, in batches, pausing while the queue is too full. */
  private async catchUp(client: ImapFlow): Promise<void> {
    const box = client.mailbox;
    if (!box) return;
    const uidValidity = String(box.uidValidity);
    const last = await this.o.store.getCursor(this.o.mailbox, uidValidity);
    // No shortcut on `uidNext`: imapflow does not refresh it while IDLE reports EXISTS.
    const uids = ((await client.search({ uid: `${last + 1}:*` }, { uid: true })) || []).filter((u) => u > last).sort((x, y) => x - y);
    for (let i = 0; i < uids.length && !this.stopped && this.lockToken; i += this.o.batchSize) {
      while (!this.stopped && (await this.o.backlog()) > this.o.maxBacklog) await this.pause(200);
      const chunk = uids.slice(i, i + this.o.batchSize);
      for (const group of await this.bySize(client, chunk)) {
        const batch = await this.fetchBatch(client, group, uidValidity, last);
        if (batch.length > 0) await this.o.accept(batch);
      }
      const highest = chunk[chunk.length - 1]!;
      if (!(await this.o.store.advanceCursor(this.o.mailbox, uidValidity, highest, this.lockToken ?? ''))) {
        this.o.logger.warn({ mailbox: this.o.mailbox }, 'imap intake: fenced out while catching up; stopping this session');
        this.lockToken = null;
        return;
      }
      this.o.logger.debug({ mailbox: this.o.mailbox, count: chunk.length, uid: highest }, 'imap intake: batch queued');
      // A long catch-up files what is already decided as it goes, not only at the end.
      await this.fileMessages(client);
    }
  }

  private async recoverBelowCheckpoint(client: ImapFlow): Promise<void> {
    const box = client.mailbox;
    if (!box) return;
    const uidValidity = String(box.uidValidity);
    const last = await this.o.store.getCursor(this.o.mailbox, uidValidity);
    if (last === 0) return;
    const uids = ((await client.search({ uid: `1:${last}` }, { uid: true })) || []).filter((u) => u <= last);
    for (let i = 0; i < uids.length && !this.stopped; i += this.o.batchSize) {
      for (const group of await this.bySize(client, uids.slice(i, i + this.o.batchSize))) {
        const batch = await this.fetchBatch(client, group, uidValidity, 0);
        if (batch.length > 0) await this.o.recover(batch);
      }
    }
    if (uids.length > 0) this.o.logger.info({ mailbox: this.o.mailbox, count: uids.length }, 'imap intake: re-checked messages left below the checkpoint');
  }

  /** Splits UIDs (in order) into groups of at most `maxBatchBytes` of source, by RFC822.SIZE. */
  private async bySize(client: ImapFlow, uids: number[]): Promise<number[][]> {
    if (uids.length <= 1) return uids.length ? [uids] : [];
    const sizes = new Map<number, number>();
    for await (const msg of client.fetch(uids.join(','), { uid: true, size: true }, { uid: true })) sizes.set(msg.uid, msg.size ?? 0);
    return groupBySize(uids, (uid) => sizes.get(uid) ?? 0, this.o.maxBatchBytes);
  }

  private async fetchBatch(client: ImapFlow, uids: number[], uidValidity: string, after: number): Promise<FetchedMessage[]> {
    const batch: FetchedMessage[] = [];
    for await (const msg of client.fetch(uids.join(','), { uid: true, source: true, internalDate: true }, { uid: true })) {
      if (!msg.source || msg.uid <= after) continue;
      const date = msg.internalDate instanceof Date ? msg.internalDate.toISOString() : msg.internalDate ? new Date(msg.internalDate).toISOString() : null;
      batch.push({ uidValidity, uid: msg.uid, raw: msg.source, internalDate: date });
    }
    // Usually expunged meanwhile; otherwise the server failed to give it, and
    // the re-check below the checkpoint at the next session start finds it.
    const got = new Set(batch.map((m) => m.uid));
    const missing = uids.filter((u) => u > after && !got.has(u));
    if (missing.length > 0) this.o.logger.warn({ mailbox: this.o.mailbox, uids: missing.slice(0, 20), count: missing.length }, 'imap intake: FETCH did not return these messages; if they are still in the inbox, the next session start re-checks them');
    return batch;
  }

  /** Moves messages whose outcome is durable to their folders, grouped per folder. */
  private async fileMessages(client: ImapFlow): Promise<void> {
    const box = client.mailbox;
    if (!box) return;
    const current = String(box.uidValidity);
    for (;;) {
      const token = this.lockToken;
      if (!token) return;
      const dueBy = Date.now() - this.o.fileDelayMs;
      const pending = await this.o.store.pendingFilings(this.o.mailbox, 1000);
      // Requests are queued in time order: take the ones old enough to be on disk.
      const young = pending.findIndex((p) => (p.at ?? 0) > dueBy);
      const due = young < 0 ? pending : pending.slice(0, young);
      if (due.length === 0) return;
      const byFolder = new Map<string, number[]>();
      for (const p of due) {
        // A UID of an older UIDVALIDITY means nothing now; the rescan re-files that message.
        if (p.uidValidity !== current) continue;
        byFolder.set(p.folder, [...(byFolder.get(p.folder) ?? []), p.uid]);
      }
      for (const [folder, uids] of byFolder) await this.moveMessages(client, uids, folder);
      if (!(await this.o.store.ackFilings(this.o.mailbox, due.length, token))) {
        this.o.logger.warn({ mailbox: this.o.mailbox }, 'imap intake: fenced out while filing; stopping this session');
        this.lockToken = null;
        return;
      }
    }
  }

  /**
   * MOVEs UIDs to a folder. imapflow answers `false` instead of throwing when
   * a MOVE did not complete. On a dead connection the requests stay and the
   * session restarts. Otherwise the folder may have gone (created again) or
   * one message may be unmovable (some servers refuse one message): each is
   * then moved alone, and one that still fails is left in the inbox with an
   * error in the log, so that it cannot hold up the mailbox.
   */
  private async moveMessages(client: ImapFlow, uids: number[], folder: string): Promise<void> {
    const path = await this.resolveFolder(client, folder);
    if ((await client.messageMove(uids.join(','), path, { uid: true })) !== false) return;
    if (!client.usable) throw new Error(`MOVE to ${path} failed: connection lost`);
    // The folder may have been deleted meanwhile: look it up (create it) and try the batch once more.
    this.folderPaths.delete(folder);
    const again = await this.resolveFolder(client, folder);
    if ((await client.messageMove(uids.join(','), again, { uid: true })) !== false) return;
    if (!client.usable) throw new Error(`MOVE to ${again} failed: connection lost`);
    for (const uid of uids) {
      if ((await client.messageMove(String(uid), again, { uid: true })) !== false) continue;
      if (!client.usable) throw new Error(`MOVE to ${again} failed: connection lost`);
      this.o.logger.error({ mailbox: this.o.mailbox, uid, folder: again }, 'imap intake: the server refuses to move this message; it stays in the inbox (its outcome is recorded)');
    }
  }

  /** IDLE until the server reports mail, a filing is due, the poll interval passes or we stop. */
  private async idleUntilWork(client: ImapFlow, closed: Promise<void>, lastPoll: number): Promise<void> {
    if (this.stopped || !client.usable) return;
    let ticker: NodeJS.Timeout | null = null;
    const woken = new Promise<void>((resolve) => {
      this.wake = resolve;
      ticker = setInterval(() => {
        if (Date.now() - lastPoll >= this.o.pollIntervalMs) return resolve();
        this.o.store
          .fileQueueLength(this.o.mailbox)
          .then((n) => n > 0 && resolve())
          .catch(() => undefined);
      }, this.o.filingTickMs);
    });
    const idling = client.idle().catch(() => undefined);
    await Promise.race([woken, closed]);
    if (ticker) clearInterval(ticker);
    this.wake = null;
    // A manual IDLE lasts until another command: NOOP ends it.
    if (client.usable) await client.noop().catch(() => undefined);
    await Promise.race([idling, closed]);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

/** Consecutive groups of items whose sizes add up to at most `max`; an item larger than `max` forms a group alone. */
export function groupBySize<T>(items: readonly T[], sizeOf: (item: T) => number, max: number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (group.length > 0 && bytes + size > max) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function errInfo(err: unknown): { message: string; code?: string } {
  const e = err as { message?: string; code?: string };
  return { message: e?.message ?? String(err), ...(e?.code ? { code: e.code } : {}) };
}
