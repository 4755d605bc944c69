/**
 * Queue names, job payload schemas (each with a schemaVersion), job ids and
 * retry policy: the contract between intake, workers and the CLI. Payloads
 * are small (ids and decisions, never MIME): the raw message lives once in
 * Redis under a bounded key (see adapters/redis/keys.ts).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CATEGORIES, LANGUAGES, PRIORITIES, PROBLEMS } from '../core/types.js';

/**
 * BullMQ key prefix. The braces are a Redis Cluster hash tag: every queue
 * key hashes to one slot, which BullMQ's multi-key Lua scripts require.
 */
/** BullMQ's key prefix, a Redis Cluster hash tag; our own keys share it (src/adapters/redis/keys.ts: never name a queue `state`). */
export const QUEUE_PREFIX = '{triage}';

export const QUEUES = {
  triage: 'triage',
  autoReply: 'auto-reply',
  route: 'route',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Staff queue of one unit of one post, e.g. `staff.LMA.iv-status`. Staff tools consume these. */
export function staffQueueName(post: string, queue: string): string {
  return `staff.${post}.${queue}`;
}

/** A message's identity across the pipeline: post + hash of its Message-ID (or of its bytes when it has none). */
export function messageKey(post: string, messageId: string | null, raw: Buffer): string {
  const basis = messageId && messageId.trim() ? `id:${messageId.trim().toLowerCase()}` : `raw:${createHash('sha256').update(raw).digest('hex')}`;
  return `${post}-${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}

/**
 * {@link messageKey} of a raw message as fetched, before any parsing: the
 * Message-ID is read from the header block (unfolded, at most the first
 * 64 KiB), so intake and recovery name a message exactly as triage does.
 */
export function rawMessageKey(post: string, raw: Buffer): string {
  const head = raw.subarray(0, 64 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  const id = MESSAGE_ID_HEADER.exec(head)?.[1]?.replace(/\s+/g, '').trim() || null;
  return messageKey(post, id, raw);
}

const MESSAGE_ID_HEADER = /^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)/im;

/**
 * Deterministic job ids: adding the same job twice is a no-op.
 * A triage job is per mailbox copy (UIDVALIDITY + UID): fetching the same
 * copy again (a crash before the checkpoint moved) adds nothing, while a
 * second copy of one message (same Message-ID) gets its own job, which finds
 * the message already decided and only files the copy.
 */
export const jobIds = {
  triage: (key: string, uidValidity: string, uid: number): string => `triage-${key}-${uidValidity}-${uid}`,
  autoReply: (key: string): string => `reply-${key}`,
  route: (key: string): string => `route-${key}`,
  /** A ticket in its unit's staff queue. */
  staffTicket: (ticketId: string): string => ticketId,
  /** A follow-up message of a ticket in its unit's staff queue. */
  staffFollowUp: (ticketId: string, key: string): string => `${ticketId}-follow-up-${key}`,
};

const mailboxRef = z.object({
  /** Mailbox id from config, e.g. `LMA`. */
  mailbox: z.string(),
  folder: z.string(),
  uidValidity: z.string(),
  uid: z.number().int().positive(),
});
export type MailboxRef = z.infer<typeof mailboxRef>;

export const triageJobSchema = z.object({
  schemaVersion: z.literal(1),
  post: z.string(),
  key: z.string(),
  source: mailboxRef,
  /** When intake saw the message (ISO); arrival for latency and SLA. */
  receivedAt: z.string(),
  size: z.number().int().nonnegative(),
});
export type TriageJob = z.infer<typeof triageJobSchema>;

const decisionSchema = z.object({
  category: z.enum(CATEGORIES),
  caseNumber: z.string().nullable(),
  lastName: z.string().nullable(),
  problems: z.array(z.enum(PROBLEMS)),
  autoReply: z.string().nullable(),
  route: z.object({ queue: z.string(), priority: z.enum(PRIORITIES) }).nullable(),
  replyLanguages: z.array(z.enum(LANGUAGES)),
  emergency: z.boolean(),
});

export const autoReplyJobSchema = z.object({
  schemaVersion: z.literal(1),
  post: z.string(),
  key: z.string(),
  template: z.string(),
  to: z.string(),
  toName: z.string(),
  subject: z.string(),
  messageId: z.string().nullable(),
  references: z.array(z.string()),
  decision: decisionSchema,
  ticketId: z.string().nullable(),
  dueDate: z.string().nullable(),
  receivedAt: z.string(),
});
export type AutoReplyJob = z.infer<typeof autoReplyJobSchema>;

export const routeJobSchema = z.object({
  schemaVersion: z.literal(1),
  post: z.string(),
  key: z.string(),
  ticketId: z.string(),
  /** Present when the message is a follow-up in the thread of an existing ticket (absent: it opened the ticket). */
  followUp: z.object({ reopened: z.boolean() }).optional(),
});
export type RouteJob = z.infer<typeof routeJobSchema>;

export const PAYLOAD_SCHEMAS = {
  [QUEUES.triage]: triageJobSchema,
  [QUEUES.autoReply]: autoReplyJobSchema,
  [QUEUES.route]: routeJobSchema,
} as const;

/**
 * Retry policy per queue, in one place. Exponential backoff with jitter so
 * that a recovering SMTP or IMAP server is not hit by every worker at once.
 * Completed jobs are kept a day, at most 20,000 per queue: enough to look
 * at recent work. De-duplication does not depend on them: every stage
 * checks its own durable record first (decision, reply mark, ticket per
 * message, kept 30 days), so a job added again after its completed copy
 * was removed finds the work done. Keeping every completed job for a week
 * cost Redis about 9.5 KB per message (948 MB at the 100,000-message
 * backlog). Failed jobs are kept until an admin retries or removes them.
 */
export const JOB_OPTIONS = {
  [QUEUES.triage]: { attempts: 8, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 } },
  [QUEUES.autoReply]: { attempts: 10, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 } },
  [QUEUES.route]: { attempts: 10, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 } },
} as const;

export const KEEP_COMPLETED = { age: 24 * 3600, count: 20_000 };
export const KEEP_FAILED = false as const;
