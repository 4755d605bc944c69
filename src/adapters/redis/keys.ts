/**
 * Every Redis key the pipeline writes, spelled in one place, full words.
 * Keys of our own (not BullMQ's) live under `{triage}:state:` (BullMQ's are
 * `{triage}:<queue name>:`, and no queue is named `state`). The braces are a
 * Redis Cluster hash tag, the same as BullMQ's prefix: every key maps to one
 * slot, so the transactions and scripts that touch several keys at once (a
 * ticket and its indexes, a reply mark and its thread, the intake lock and
 * cursor) work unchanged on a Cluster. A mailbox's traffic fits one shard
 * many times over.
 */
const P = '{triage}:state';

export const keys = {
  /** Last UID handed to the queue, per mailbox and UIDVALIDITY. */
  cursor: (mailbox: string, uidValidity: string) => `${P}:cursor:${mailbox}:${uidValidity}`,
  /** The active poller's lock, and the counter that fences a stale holder out. */
  intakeLock: (mailbox: string) => `${P}:lock:intake:${mailbox}`,
  intakeFence: (mailbox: string) => `${P}:fence:intake:${mailbox}`,
  /** The raw message, bounded (see RAW_STORE_LIMIT), expiring. */
  raw: (key: string) => `${P}:raw:${key}`,
  /** The decision and state of one message (hash). */
  message: (key: string) => `${P}:message:${key}`,
  /** Messages whose outcome is durable, waiting to be moved to their folder (list of JSON). */
  fileQueue: (mailbox: string) => `${P}:file:${mailbox}`,
  /** Reply timestamps per sender and case (sorted set), for the per-sender-and-case limit. */
  replyLimit: (post: string, sender: string, subject: string) => `${P}:reply-limit:${post}:${sender}:${subject}`,
  /** Reply timestamps per sender, all cases (sorted set), for the per-sender limit. */
  replyLimitSender: (post: string, sender: string) => `${P}:reply-limit-sender:${post}:${sender}`,
  /** The reply of one message: `sending` then `sent`; checked before sending. */
  replyState: (key: string) => `${P}:reply-state:${key}`,
  /** Our reply's Message-ID -> the ticket it belongs to, so answers to our replies thread. */
  replyThread: (messageId: string) => `${P}:reply-thread:${messageId}`,
  ticket: (ticketId: string) => `${P}:ticket:${ticketId}`,
  /** A ticket's status as staff and follow-ups change it (hash: status, at); the ticket itself is written once. */
  ticketStatus: (ticketId: string) => `${P}:ticket-status:${ticketId}`,
  /** The message keys of a ticket, in arrival order (list; appended atomically). */
  ticketMessages: (ticketId: string) => `${P}:ticket-messages:${ticketId}`,
  ticketSequence: (post: string, year: string) => `${P}:ticket-sequence:${post}:${year}`,
  /** Open ticket per sender + case + category, within the duplicate window. */
  ticketBySender: (post: string, sender: string, caseOrCategory: string) => `${P}:ticket-by-sender:${post}:${sender}:${caseOrCategory}`,
  /** Ticket per message, so a retried triage job reuses it. */
  ticketByMessage: (key: string) => `${P}:ticket-by-message:${key}`,
  /** All tickets of a post by creation time (sorted set). */
  ticketsByPost: (post: string) => `${P}:tickets:${post}`,
} as const;
