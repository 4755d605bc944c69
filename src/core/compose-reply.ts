/**
 * What a reply template is given: the decision and message reduced to the
 * variables documented in templates/README.md. Pure; rendering is done by
 * the template adapter.
 */
import type { PostConfig } from './config-schema.js';
import type { Language, NormalizedMessage, TriageDecision } from './types.js';
import { isIvCategory } from './types.js';

export interface ReplyContext {
  post: { id: string; name: string; city: string; mailbox: string; casePrefix: string };
  sender: { name: string | null; address: string | null };
  message: { subject: string; caseNumber: string | null; lastName: string | null; category: string };
  problems: string[];
  expected_subject: string;
  conventions: { inquiry: string; cancellation: string; missed: string; early: string };
  sla: { businessDays: number | null; dueDate: string | null };
  ticket: { id: string } | null;
  contacts: PostConfig['contacts'];
}

export interface ReplyExtras {
  dueDate?: string | null;
  ticketId?: string | null;
}

const LAST_NAME_PLACEHOLDER: Record<Language, string> = { en: 'LASTNAME', es: 'APELLIDO', zh: 'LASTNAME' };

export function buildReplyContext(
  post: PostConfig,
  decision: TriageDecision,
  msg: Pick<NormalizedMessage, 'subject' | 'from' | 'replyTo'>,
  lang: Language,
  extras: ReplyExtras = {},
): ReplyContext {
  const c = post.rules.subjectConventions;
  const prefix = post.casePrefixes[0] ?? post.id;
  const ownCase = decision.caseNumber && post.casePrefixes.includes(decision.caseNumber.slice(0, 3)) ? decision.caseNumber : null;
  const inquiry = `${c.iv_inquiry} ${ownCase ?? `${prefix}XXXXXXXXXX`} ${decision.lastName ?? LAST_NAME_PLACEHOLDER[lang]}`;
  const expected = isIvCategory(decision.category) && decision.category !== 'iv_inquiry' ? c[decision.category] : inquiry;
  const queue = decision.route ? post.queues[decision.route.queue] : undefined;
  const sender = msg.replyTo ?? msg.from;
  return {
    post: { id: post.id, name: post.name[lang] ?? post.name.en ?? post.id, city: post.city, mailbox: post.mailbox, casePrefix: prefix },
    sender: { name: sender?.name || null, address: sender?.address || null },
    message: { subject: msg.subject, caseNumber: decision.caseNumber, lastName: decision.lastName, category: decision.category },
    problems: [...decision.problems],
    expected_subject: expected,
    conventions: { inquiry, cancellation: c.iv_cancellation, missed: c.iv_missed_appointment, early: c.iv_early_appointment },
    sla: { businessDays: queue?.slaBusinessDays ?? null, dueDate: extras.dueDate ?? null },
    ticket: extras.ticketId ? { id: extras.ticketId } : null,
    contacts: post.contacts,
  };
}

const REPLY_PREFIX = /^\s*(re|aw|res|sv|antw|回复|答复|回覆)\s*[:：]/i;

/**
 * The subject a reply is sent with: a reply to the sender's subject (`Re:`),
 * so that mail clients thread it; the template's own subject only when the
 * sender's message had none.
 */
export function replySubject(templateSubject: string, originalSubject: string): string {
  if (REPLY_PREFIX.test(templateSubject)) return templateSubject;
  const original = originalSubject.trim();
  if (!original) return templateSubject;
  return REPLY_PREFIX.test(original) ? original : `Re: ${original}`;
}
