/**
 * Stage 3a: send one auto-reply. Never twice for one message, even when a
 * worker dies mid-send: a mark is set before sending (`sending`) and after
 * (`sent`); a retry that finds `sending` cannot know whether the SMTP server
 * accepted the mail, so it parks the job for an admin instead of risking a
 * second reply. An SMTP refusal (4xx/5xx) means nothing was sent: the mark is
 * cleared so that a retry may send.
 */
import type { Logger } from 'pino';
import type { AutoReplyJob } from '../contracts/queues.js';
import type { TriageStore } from '../adapters/redis/triage-store.js';
import { deliveryUnknown, type MailSender } from '../adapters/smtp/smtp-sender.js';
import type { TemplateRenderer } from '../adapters/templates/liquid-renderer.js';
import { buildReplyContext, replySubject } from '../core/compose-reply.js';
import type { TriageDecision } from '../core/types.js';
import { TriageError } from '../runtime/errors.js';
import type { PostRuntime } from './post-runtime.js';

export interface ReplyDeps {
  store: TriageStore;
  posts: ReadonlyMap<string, PostRuntime>;
  renderer: TemplateRenderer;
  mail: MailSender;
  now: () => Date;
  logger: Logger;
  onSent?: (post: string, arrivalToReplyMs: number) => void;
}

/** Headers every auto-reply carries: RFC 3834, and Exchange's "do not auto-answer this". */
export function autoReplyHeaders(post: string): Record<string, string> {
  return { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', 'X-Triage-Auto-Reply': post };
}

export function replyMessageId(key: string, mailbox: string): string {
  return `<reply-${key}@${mailbox.split('@')[1] ?? 'triage.invalid'}>`;
}

export async function runReplyStage(job: AutoReplyJob, deps: ReplyDeps): Promise<'sent' | 'already-sent'> {
  const post = deps.posts.get(job.post);
  if (!post) throw new TriageError('POST_UNKNOWN', `no post ${job.post} configured`);
  // The mark is taken first (one round trip in the usual case); only when it
  // is taken already does its state say whether the reply went out.
  if (!(await deps.store.beginReply(job.key))) {
    if ((await deps.store.getReplyState(job.key)) === 'sent') return 'already-sent';
    throw new TriageError('REPLY_UNCERTAIN', `reply for ${job.key} was begun by an attempt that did not finish`);
  }

  const decision: TriageDecision = { ...job.decision, messageId: job.messageId, language: job.decision.replyLanguages[0] ?? 'en', machineSignals: [], scores: {} };
  const message = { subject: job.subject, from: { address: job.to, name: job.toName }, replyTo: null };
  let rendered;
  try {
    rendered = await deps.renderer.render(job.template, job.decision.replyLanguages, (lang) =>
      buildReplyContext(post.config, decision, message, lang, { dueDate: job.dueDate, ticketId: job.ticketId }),
    );
  } catch (err) {
    await deps.store.abortReply(job.key);
    throw err;
  }
  const messageId = replyMessageId(job.key, post.config.mailbox);
  const primary = job.decision.replyLanguages[0] ?? post.config.languages[0] ?? 'en';
  try {
    await deps.mail.send({
      from: { name: post.config.name[primary] ?? post.config.name.en ?? post.config.id, address: post.config.mailbox },
      to: { name: job.toName, address: job.to },
      subject: replySubject(rendered.subject, job.subject),
      text: rendered.text,
      messageId,
      inReplyTo: job.messageId,
      references: job.references,
      headers: autoReplyHeaders(post.config.id),
    });
  } catch (err) {
    // Refused, or never connected: nothing went out, so a retry may send.
    // Connection lost mid-transaction: it may have gone out; the mark stays
    // and the retry parks the job (REPLY_UNCERTAIN) rather than send twice.
    if (!deliveryUnknown(err)) await deps.store.abortReply(job.key);
    throw err;
  }
  await deps.store.markReplySent(job.key, messageId, job.ticketId);
  deps.onSent?.(post.config.id, deps.now().getTime() - Date.parse(job.receivedAt));
  deps.logger.info({ post: job.post, key: job.key, template: job.template, ticketId: job.ticketId }, 'reply: sent');
  return 'sent';
}
