/**
 * The pipeline's own state in Redis (BullMQ keeps its queues itself):
 * cursors, raw messages, decisions, the file queue, reply limits and sent
 * marks, tickets. Every key comes from keys.ts. No policy here: the
 * callers decide, this module stores.
 */
import type { RedisClient } from './connect.js';
import type { Ticket, TicketStatus } from '../../core/ticket.js';
import { formatTicketId, ticketRequestKey } from '../../core/ticket.js';
import { keys } from './keys.js';

/**
 * Raw messages above this size are stored truncated: the head (where every
 * text part and header is) is enough to decide, and Redis must not hold
 * 30 MB scans. Staff then find the full message in the mailbox folder.
 */
export const RAW_STORE_LIMIT = 1024 * 1024;

/** How long a raw message is kept: long enough for retries and staff e-mail. */
export const RAW_TTL_SECONDS = 7 * 24 * 3600;

/** How long a decision record is kept (de-duplication of re-delivered mail). */
export const MESSAGE_TTL_SECONDS = 30 * 24 * 3600;

/** Attempts to record a sent reply while Redis is away (about a minute in all). */
const MARK_SENT_ATTEMPTS = 15;

export interface FileRequest {
  uidValidity: string;
  uid: number;
  folder: string;
  key: string;
  /** When the request was made (ms since the epoch); stamped by requestFiling. Absent in requests of older versions. */
  at?: number;
}

/** Reply limits in milliseconds, as `takeReplySlot` applies them. */
export interface ReplyLimits {
  perSenderAndCase: { max: number; windowMs: number };
  perSender: { max: number; windowMs: number };
}

/** `ok`: reply; otherwise the limit that holds the reply back. */
export type ReplySlot = 'ok' | 'case-limit' | 'sender-limit';

export class TriageStore {
  constructor(readonly redis: RedisClient) {}

  // -- intake -------------------------------------------------------------

  async getCursor(mailbox: string, uidValidity: string): Promise<number> {
    return Number((await this.redis.get(keys.cursor(mailbox, uidValidity))) ?? 0);
  }

  /**
   * Moves the cursor forward only, and only while `lockToken` still holds
   * the mailbox's intake lock (fencing: a poller that lost its lock while
   * paused cannot write). Returns false when fenced out.
   */
  async advanceCursor(mailbox: string, uidValidity: string, uid: number, lockToken: string): Promise<boolean> {
    const ok = await this.redis.eval(
      `if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
       local c = tonumber(redis.call('GET', KEYS[1]) or '0')
       if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end
       return 1`,
      2,
      keys.cursor(mailbox, uidValidity),
      keys.intakeLock(mailbox),
      String(uid),
      lockToken,
    );
    return ok === 1;
  }

  // -- the intake lock: one active poller per mailbox ------------------------

  /** Takes the lock if free; the token carries a fencing number that only grows. */
  async acquireIntakeLock(mailbox: string, ttlMs: number, owner: string): Promise<string | null> {
    const fence = await this.redis.incr(keys.intakeFence(mailbox));
    const token = `${fence}:${owner}`;
    const ok = await this.redis.set(keys.intakeLock(mailbox), token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? token : null;
  }

  async renewIntakeLock(mailbox: string, token: string, ttlMs: number): Promise<boolean> {
    const ok = await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end",
      1,
      keys.intakeLock(mailbox),
      token,
      String(ttlMs),
    );
    return ok === 1;
  }

  async releaseIntakeLock(mailbox: string, token: string): Promise<void> {
    await this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end", 1, keys.intakeLock(mailbox), token);
  }

  async putRaw(key: string, raw: Buffer): Promise<{ truncated: boolean }> {
    const truncated = raw.length > RAW_STORE_LIMIT;
    await this.redis.set(keys.raw(key), truncated ? raw.subarray(0, RAW_STORE_LIMIT) : raw, 'EX', RAW_TTL_SECONDS);
    return { truncated };
  }

  async getRaw(key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(keys.raw(key));
  }

  // -- decisions ----------------------------------------------------------

  async getMessageState(key: string): Promise<Record<string, string>> {
    return this.redis.hgetall(keys.message(key));
  }

  async setMessageState(key: string, fields: Record<string, string>): Promise<void> {
    await this.redis.multi().hset(keys.message(key), fields).expire(keys.message(key), MESSAGE_TTL_SECONDS).exec();
  }

  async requestFiling(mailbox: string, request: FileRequest, nowMs = Date.now()): Promise<void> {
    await this.redis.rpush(keys.fileQueue(mailbox), JSON.stringify({ ...request, at: request.at ?? nowMs }));
  }

  async pendingFilings(mailbox: string, max: number): Promise<FileRequest[]> {
    const items = await this.redis.lrange(keys.fileQueue(mailbox), 0, max - 1);
    return items.map((i) => JSON.parse(i) as FileRequest);
  }

  /**
   * Removes the first `count` filing requests, done; only while `lockToken`
   * still holds the mailbox's intake lock, so a poller that lost its lock
   * cannot drop requests the new holder has not filed. False when fenced out.
   */
  async ackFilings(mailbox: string, count: number, lockToken: string): Promise<boolean> {
    const ok = await this.redis.eval(
      `if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
       redis.call('LTRIM', KEYS[1], tonumber(ARGV[1]), -1)
       return 1`,
      2,
      keys.fileQueue(mailbox),
      keys.intakeLock(mailbox),
      String(count),
      lockToken,
    );
    return ok === 1;
  }

  async fileQueueLength(mailbox: string): Promise<number> {
    return this.redis.llen(keys.fileQueue(mailbox));
  }

  // -- replies ------------------------------------------------------------

  /**
   * Takes one reply slot for a sender and request if fewer than `max` were
   * taken within the window; atomic, so concurrent workers cannot both win.
   * The slot is named by the message, so a retried job finds its own slot.
   */
  async takeReplySlot(post: string, sender: string, subjectKey: string, messageKey: string, nowMs: number, limits: ReplyLimits): Promise<ReplySlot> {
    // Both limits in one script: a reply counts against both or neither; a
    // retried job finds its own slot again.
    const result = await this.redis.eval(
      `local now = tonumber(ARGV[1]) local id = ARGV[2]
       local windows = { tonumber(ARGV[3]), tonumber(ARGV[5]) } local maxes = { tonumber(ARGV[4]), tonumber(ARGV[6]) }
       for i = 1, 2 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - windows[i]) end
       if redis.call('ZSCORE', KEYS[1], id) then return 'ok' end
       if redis.call('ZCARD', KEYS[1]) >= maxes[1] then return 'case-limit' end
       if redis.call('ZCARD', KEYS[2]) >= maxes[2] then return 'sender-limit' end
       for i = 1, 2 do
         redis.call('ZADD', KEYS[i], now, id)
         redis.call('PEXPIRE', KEYS[i], windows[i])
       end
       return 'ok'`,
      2,
      keys.replyLimit(post, sender, subjectKey),
      keys.replyLimitSender(post, sender),
      String(nowMs),
      messageKey,
      String(limits.perSenderAndCase.windowMs),
      String(limits.perSenderAndCase.max),
      String(limits.perSender.windowMs),
      String(limits.perSender.max),
    );
    return result as ReplySlot;
  }

  /** `null` (never tried), `sending` (a send began; it may or may not have gone out) or `sent`. */
  async getReplyState(key: string): Promise<string | null> {
    return this.redis.get(keys.replyState(key));
  }

  /** Marks a send as begun; false when another attempt already began or finished it. */
  async beginReply(key: string): Promise<boolean> {
    return (await this.redis.set(keys.replyState(key), 'sending', 'EX', MESSAGE_TTL_SECONDS, 'NX')) === 'OK';
  }

  /** The SMTP server refused before accepting: the reply was not sent, a retry may send it. */
  async abortReply(key: string): Promise<void> {
    await this.redis.del(keys.replyState(key));
  }

  /**
   * An admin found a `REPLY_UNCERTAIN` reply missing from the SMTP log:
   * clears its `sending` mark so that a retry sends it. Never clears `sent`.
   */
  async releaseUncertainReply(key: string): Promise<void> {
    await this.redis.eval(`if redis.call('GET', KEYS[1]) == 'sending' then redis.call('DEL', KEYS[1]) end return 0`, 1, keys.replyState(key));
  }

  /**
   * Records a sent reply. Retried through a Redis outage of up to about a
   * minute (it is idempotent): if it gave up, the job would be retried, find
   * `sending`, and park a reply that did go out.
   */
  async markReplySent(key: string, replyMessageId: string, ticketId: string | null): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const m = this.redis.multi().set(keys.replyState(key), 'sent', 'EX', MESSAGE_TTL_SECONDS);
        if (ticketId) m.set(keys.replyThread(replyMessageId), ticketId, 'EX', MESSAGE_TTL_SECONDS);
        await m.exec();
        return;
      } catch (err) {
        if (attempt >= MARK_SENT_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** attempt)));
      }
    }
  }

  async ticketForReply(messageIds: string[]): Promise<string | null> {
    if (messageIds.length === 0) return null;
    const found = await this.redis.mget(...messageIds.map((id) => keys.replyThread(id)));
    return found.find((v): v is string => typeof v === 'string') ?? null;
  }

  // -- tickets ------------------------------------------------------------

  async ticketByMessage(key: string): Promise<string | null> {
    return this.redis.get(keys.ticketByMessage(key));
  }

  /** Names `ticketId` as the ticket of a message, unless one is named already; returns the name that holds. */
  async claimMessageTicket(messageKey: string, ticketId: string): Promise<string> {
    const key = keys.ticketByMessage(messageKey);
    if ((await this.redis.set(key, ticketId, 'EX', MESSAGE_TTL_SECONDS, 'NX')) === 'OK') return ticketId;
    return (await this.redis.get(key)) ?? ticketId;
  }

  /** Claims "the open ticket of this sender and request" for `ticketId`; returns the ticket that already holds it, if any. */
  async claimSenderTicket(post: string, sender: string, subjectKey: string, ticketId: string, windowSeconds: number): Promise<string | null> {
    const key = keys.ticketBySender(post, sender, subjectKey);
    if ((await this.redis.set(key, ticketId, 'EX', windowSeconds, 'NX')) === 'OK') return null;
    return this.redis.get(key);
  }

  /**
   * Takes the claim over from `staleId`, a ticket that was claimed but never
   * stored (its job died between the two): else every later message of that
   * sender and request would open a ticket of its own for the whole window.
   * False when someone else changed the claim meanwhile.
   */
  async reclaimSenderTicket(post: string, sender: string, subjectKey: string, staleId: string, ticketId: string, windowSeconds: number): Promise<boolean> {
    const ok = await this.redis.eval(
      `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
       redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
       return 1`,
      1,
      keys.ticketBySender(post, sender, subjectKey),
      staleId,
      ticketId,
      String(windowSeconds),
    );
    return ok === 1;
  }

  async getTicket(id: string): Promise<Ticket | null> {
    const [json, messages, status] = await Promise.all([
      this.redis.get(keys.ticket(id)),
      this.redis.lrange(keys.ticketMessages(id), 0, -1),
      this.redis.hgetall(keys.ticketStatus(id)),
    ]);
    if (!json) return null;
    const ticket = JSON.parse(json) as Ticket;
    const withStatus = status.status ? { status: status.status as TicketStatus, statusAt: status.at } : {};
    return { ...ticket, messages: messages.length > 0 ? messages : ticket.messages, ...withStatus };
  }

  /**
   * Closes or reopens a ticket; false when there is no such ticket. Closing
   * also ends its claim as the sender's open ticket, so the sender's next
   * new message on the request opens a new ticket; reopening claims it
   * again for `windowSeconds` unless another ticket holds the claim now.
   */
  async setTicketStatus(ticket: Pick<Ticket, 'id' | 'post' | 'sender' | 'caseNumber' | 'category'>, status: TicketStatus, at: string, windowSeconds: number): Promise<boolean> {
    const done = await this.redis.eval(
      `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
       redis.call('HSET', KEYS[2], 'status', ARGV[1], 'at', ARGV[2])
       if ARGV[1] == 'closed' then
         if redis.call('GET', KEYS[3]) == ARGV[3] then redis.call('DEL', KEYS[3]) end
       elseif ARGV[5] == '1' then
         redis.call('SET', KEYS[3], ARGV[3], 'EX', tonumber(ARGV[4]), 'NX')
       end
       return 1`,
      3,
      keys.ticket(ticket.id),
      keys.ticketStatus(ticket.id),
      keys.ticketBySender(ticket.post, ticket.sender, ticketRequestKey(ticket.caseNumber, ticket.category)),
      status,
      at,
      ticket.id,
      String(windowSeconds),
      ticket.sender ? '1' : '0',
    );
    return done === 1;
  }

  async nextTicketId(post: string, year: string): Promise<string> {
    return formatTicketId(post, year, await this.redis.incr(keys.ticketSequence(post, year)));
  }

  /** Stores a new ticket and indexes it, in one transaction. */
  async createTicket(ticket: Ticket, messageKey: string): Promise<void> {
    await this.redis
      .multi()
      .set(keys.ticket(ticket.id), JSON.stringify(ticket))
      .del(keys.ticketMessages(ticket.id))
      .rpush(keys.ticketMessages(ticket.id), ...ticket.messages)
      .set(keys.ticketByMessage(messageKey), ticket.id, 'EX', MESSAGE_TTL_SECONDS)
      .zadd(keys.ticketsByPost(ticket.post), Date.parse(ticket.createdAt), ticket.id)
      .exec();
  }

  /** Attaches a message to an existing ticket: atomic and idempotent, so concurrent duplicates all land. */
  async attachToTicket(ticketId: string, messageKey: string): Promise<Ticket | null> {
    await this.redis.eval(
      "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end if not redis.call('LPOS', KEYS[2], ARGV[1]) then redis.call('RPUSH', KEYS[2], ARGV[1]) end redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3]) return 1",
      3,
      keys.ticket(ticketId),
      keys.ticketMessages(ticketId),
      keys.ticketByMessage(messageKey),
      messageKey,
      ticketId,
      String(MESSAGE_TTL_SECONDS),
    );
    return this.getTicket(ticketId);
  }

  /** A post's tickets, newest first: `limit` of them after skipping `offset`. */
  async listTickets(post: string, limit: number, offset = 0): Promise<Ticket[]> {
    const ids = await this.redis.zrevrange(keys.ticketsByPost(post), offset, offset + limit - 1);
    if (ids.length === 0) return [];
    const tickets = await Promise.all(ids.map((id) => this.getTicket(id)));
    return tickets.filter((t): t is Ticket => t !== null);
  }
}
