/**
 * Stage 3b: a new ticket goes to its unit's staff queue and, by e-mail, to
 * the unit's address, with a summary and the original message attached.
 * A follow-up (the sender writing again in the ticket's thread) goes the
 * same way, as a reply in the thread of the ticket's first e-mail.
 *
 * Staff e-mail is at least once, unlike applicants' replies (at most once):
 * the same sent mark skips a ticket already notified, but when an attempt
 * died mid-send (the mark says `sending`) the retry sends again. A unit
 * then gets, rarely, a second copy with the same Message-ID, which mail
 * clients thread together; it never misses a ticket, and no admin has to
 * release a parked notification. The ticket is in the staff queue before
 * the e-mail is tried either way.
 */
import type { Logger } from 'pino';
import type { RouteJob } from '../contracts/queues.js';
import type { TriageStore } from '../adapters/redis/triage-store.js';
import { deliveryUnknown, type MailSender } from '../adapters/smtp/smtp-sender.js';
import { staffFollowUpSubject, staffFollowUpSummary, staffSubject, staffSummary, type Ticket } from '../core/ticket.js';
import { RAW_STORE_LIMIT } from '../adapters/redis/triage-store.js';
import { hasElidedParts } from '../adapters/mime/raw-mime.js';
import { TriageError } from '../runtime/errors.js';
import type { PostRuntime } from './post-runtime.js';

export interface RouteDeps {
  store: TriageStore;
  posts: ReadonlyMap<string, PostRuntime>;
  mail: MailSender;
  /** Adds the ticket, or one follow-up message of it, to the unit's staff queue (idempotent by ticket id and message). */
  addStaffJob: (post: string, queue: string, ticket: Ticket, followUpKey?: string) => Promise<void>;
  logger: Logger;
}

export async function runRouteStage(job: RouteJob, deps: RouteDeps): Promise<'notified' | 'already-notified'> {
  const post = deps.posts.get(job.post);
  if (!post) throw new TriageError('POST_UNKNOWN', `no post ${job.post} configured`);
  // The original is read beside the ticket: both are needed in the usual case.
  const [ticket, raw] = await Promise.all([deps.store.getTicket(job.ticketId), deps.store.getRaw(job.key)]);
  if (!ticket) throw new TriageError('TICKET_MISSING', `ticket ${job.ticketId} does not exist`);
  const queue = post.config.queues[ticket.queue];
  if (!queue) throw new TriageError('CONFIG_INVALID', `queue ${ticket.queue} of ticket ${ticket.id} is no longer configured`);

  const followUp = job.followUp;
  await deps.addStaffJob(post.config.id, ticket.queue, ticket, followUp ? job.key : undefined);

  const markKey = followUp ? `staff-${ticket.id}-${job.key}` : `staff-${ticket.id}`;
  if (!(await deps.store.beginReply(markKey))) {
    if ((await deps.store.getReplyState(markKey)) === 'sent') return 'already-notified';
    deps.logger.warn({ post: job.post, ticketId: ticket.id }, 'route: an earlier attempt died mid-send; sending the staff e-mail again (same Message-ID)');
  }
  let note = '';
  if (!raw) note = '\nThe original message is no longer stored in Redis; find it in the mailbox folder by the subject above.\n';
  else if (raw.length >= RAW_STORE_LIMIT) note = `\nThe original was larger than ${RAW_STORE_LIMIT / 1024 / 1024} MiB; the attachment holds its beginning. The full message is in the mailbox's processed folder.\n`;
  else if (hasElidedParts(raw)) note = `\nThe original was larger than ${RAW_STORE_LIMIT / 1024 / 1024} MiB: its largest attachments are left out of the copy attached (their names and sizes are in it). The full message is in the mailbox's processed folder.\n`;
  const domain = post.config.mailbox.split('@')[1] ?? 'triage.invalid';
  const threadId = `<ticket-${ticket.id}@${domain}>`;
  // A follow-up's Message-ID is fixed by its message, as the first e-mail's is by its ticket.
  const nth = ticket.messages.indexOf(job.key) + 1;
  const messageId = followUp ? `<ticket-${ticket.id}-${nth > 0 ? nth : job.key}@${domain}>` : threadId;
  try {
    await deps.mail.send({
      from: { name: `Triage ${post.config.id}`, address: post.config.mailbox },
      to: { name: queue.unit, address: queue.email },
      // Staff who answer a notification write to their unit, not back into the public mailbox
      // (where their reply would be triaged, acknowledged and notified to them again).
      replyTo: { name: queue.unit, address: queue.email },
      subject: followUp ? staffFollowUpSubject(ticket) : staffSubject(ticket),
      text: (followUp ? staffFollowUpSummary(ticket, job.key, followUp.reopened) : staffSummary(ticket)) + note,
      messageId,
      ...(followUp ? { inReplyTo: threadId, references: [threadId] } : {}),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Triage-Ticket': ticket.id, 'X-Auto-Response-Suppress': 'All' },
      attachments: raw ? [{ filename: followUp && nth > 0 ? `${ticket.id}-${nth}.eml` : `${ticket.id}.eml`, content: raw, contentType: 'message/rfc822', contentDisposition: 'attachment' }] : [],
    });
  } catch (err) {
    // Refused, or never connected: nothing went out. Lost mid-transaction:
    // it may have gone out; the mark stays `sending`, and the retry sends again.
    if (!deliveryUnknown(err)) await deps.store.abortReply(markKey);
    throw err;
  }
  await deps.store.markReplySent(markKey, messageId, ticket.id);
  deps.logger.info({ post: job.post, ticketId: ticket.id, queue: ticket.queue, priority: ticket.priority, followUp: followUp !== undefined }, followUp ? 'route: staff told of a follow-up' : 'route: staff notified');
  return 'notified';
}
