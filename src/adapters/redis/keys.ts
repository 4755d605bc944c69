/**
 * Every Redis key the pipeline writes, spelled in one place, full words.
 * Keys of our own (not BullMQ's) live under `triage:`.
 */

export const keys = {
  /** Last UID handed to the queue, per mailbox and UIDVALIDITY. */
  cursor: (mailbox: string, uidValidity: string) => `triage:cursor:${mailbox}:${uidValidity}`,
  /** The active poller's lock, and the counter that fences a stale holder out. */
  intakeLock: (mailbox: string) => `triage:lock:intake:${mailbox}`,
  intakeFence: (mailbox: string) => `triage:fence:intake:${mailbox}`,
  /** The raw message, bounded (see RAW_STORE_LIMIT), expiring. */
  raw: (key: string) => `triage:raw:${key}`,
  /** The decision and state of one message (hash). */
  message: (key: string) => `triage:message:${key}`,
  /** Messages whose outcome is durable, waiting to be moved to their folder (list of JSON). */
  fileQueue: (mailbox: string) => `triage:file:${mailbox}`,
  /** Reply timestamps per sender and case (sorted set), for the per-sender limit. */
  replyLimit: (post: string, sender: string, subject: string) => `triage:reply-limit:${post}:${sender}:${subject}`,
  /** The reply of one message: `sending` then `sent`; checked before sending. */
  replyState: (key: string) => `triage:reply-state:${key}`,
  /** Our reply's Message-ID -> the ticket it belongs to, so answers to our replies thread. */
  replyThread: (messageId: string) => `triage:reply-thread:${messageId}`,
  ticket: (ticketId: string) => `triage:ticket:${ticketId}`,
  /** The message keys of a ticket, in arrival order (list; appended atomically). */
  ticketMessages: (ticketId: string) => `triage:ticket-messages:${ticketId}`,
  ticketSequence: (post: string, year: string) => `triage:ticket-sequence:${post}:${year}`,
  /** Open ticket per sender + case + category, within the duplicate window. */
  ticketBySender: (post: string, sender: string, caseOrCategory: string) => `triage:ticket-by-sender:${post}:${sender}:${caseOrCategory}`,
  /** Ticket per message, so a retried triage job reuses it. */
  ticketByMessage: (key: string) => `triage:ticket-by-message:${key}`,
  /** All tickets of a post by creation time (sorted set). */
  ticketsByPost: (post: string) => `triage:tickets:${post}`,
} as const;
