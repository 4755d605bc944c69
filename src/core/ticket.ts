/**
 * Tickets: what staff receive. Ids, the staff e-mail subject and summary,
 * and when a message belongs to an existing ticket. Pure.
 */
import type { Category, Priority, Problem } from './types.js';

export interface Ticket {
  id: string;
  post: string;
  queue: string;
  unit: string;
  category: Category;
  priority: Priority;
  caseNumber: string | null;
  lastName: string | null;
  problems: Problem[];
  sender: string;
  senderName: string;
  subject: string;
  receivedAt: string;
  dueDate: string;
  /** Message keys attached to this ticket, first one opened it. */
  messages: string[];
  createdAt: string;
  /** Set by staff (`triage tickets close`); absent on a ticket never closed. */
  status?: TicketStatus;
  /** When the ticket was last closed, or reopened by a follow-up or by staff. */
  statusAt?: string;
}

/**
 * `closed`: staff are done. A new message of the same sender and request then
 * opens a new ticket; a reply to the ticket's thread reopens it (`open`).
 */
export type TicketStatus = 'open' | 'closed';

export const ticketStatus = (t: Pick<Ticket, 'status'>): TicketStatus => t.status ?? 'open';

/** Whether a ticket is past its SLA due date (a `YYYY-MM-DD` in the post's time zone) on `today` (the same form). */
export function isOverdue(t: Pick<Ticket, 'status' | 'dueDate'>, today: string): boolean {
  return ticketStatus(t) === 'open' && t.dueDate < today;
}

/** How long a sender's further messages on the same request attach to the open ticket. */
export const DUPLICATE_WINDOW_SECONDS = 7 * 24 * 3600;

/** `LMA-2026-000123`. */
export function formatTicketId(post: string, year: string, sequence: number): string {
  return `${post}-${year}-${String(sequence).padStart(6, '0')}`;
}

const TICKET_ID_IN_SUBJECT = /\[?\b([A-Z]{3}-\d{4}-\d{6})\b\]?/;

/** A ticket id written in a subject (`Re: [LMA-2026-000123] ...`), for this post only. */
export function ticketIdInSubject(subject: string, post: string): string | null {
  const m = TICKET_ID_IN_SUBJECT.exec(subject);
  return m?.[1]?.startsWith(`${post}-`) ? m[1] : null;
}

/**
 * What makes two messages "the same request" for duplicate detection and for
 * the per-sender reply limit: the sender plus the case number, or plus the
 * category when there is no case number.
 */
export function requestSubjectKey(caseNumber: string | null, category: Category): string {
  return caseNumber ?? `category:${category}`;
}

/** What makes a later message "the same request" as an open ticket: sender (the caller's part) + case + category. */
export function ticketRequestKey(caseNumber: string | null, category: Category): string {
  return `${requestSubjectKey(caseNumber, category)}:${category}`;
}

const CATEGORY_TITLES: Record<Category, string> = {
  iv_inquiry: 'IV Inquiry',
  iv_cancellation: 'IV appointment cancellation',
  iv_missed_appointment: 'Missed IV appointment',
  iv_early_appointment: 'Early appointment',
  dv_lottery: 'DV lottery',
  niv: 'NIV',
  fraud_report: 'Fraud report',
  general: 'General',
  auto_generated: 'Automatic mail',
};

/** `[LMA-2026-000123] IV Inquiry LMA2023123456 PEREZ - due 2026-12-01 - urgent` */
export function staffSubject(t: Pick<Ticket, 'id' | 'category' | 'caseNumber' | 'lastName' | 'dueDate' | 'priority'>): string {
  const parts = [`[${t.id}]`, CATEGORY_TITLES[t.category]];
  if (t.caseNumber) parts.push(t.caseNumber);
  if (t.lastName) parts.push(t.lastName.toUpperCase());
  let s = `${parts.join(' ')} - due ${t.dueDate}`;
  if (t.priority !== 'normal') s += ` - ${t.priority}`;
  return s;
}

/** The plain-text summary at the top of the staff e-mail. */
export function staffSummary(t: Ticket, problemsText: (p: Problem) => string = (p) => p, closing = 'The original message is attached.'): string {
  const lines = [
    `Ticket:      ${t.id}`,
    `Unit:        ${t.unit} (${t.queue})`,
    `Category:    ${CATEGORY_TITLES[t.category]}`,
    `Priority:    ${t.priority}`,
    `Due:         ${t.dueDate}`,
    `Case number: ${t.caseNumber ?? '-'}`,
    `Last name:   ${t.lastName ?? '-'}`,
    `From:        ${t.senderName ? `${t.senderName} <${t.sender}>` : t.sender}`,
    `Subject:     ${t.subject}`,
    `Received:    ${t.receivedAt}`,
  ];
  if (t.problems.length > 0) lines.push(`Problems:    ${t.problems.map(problemsText).join(', ')}`);
  lines.push('', closing);
  return lines.join('\n') + '\n';
}

/**
 * The staff e-mail for a follow-up: a reply in the thread of the ticket's
 * first e-mail (`Re: [LMA-2026-000123] ...`), saying which message of the
 * ticket it is and whether it reopened the ticket.
 */
export function staffFollowUpSubject(t: Parameters<typeof staffSubject>[0]): string {
  return `Re: ${staffSubject(t)}`;
}

export function staffFollowUpSummary(t: Ticket, messageKey: string, reopened: boolean): string {
  const position = t.messages.indexOf(messageKey);
  const nth = position >= 0 ? `message ${position + 1} of ${t.messages.length}` : `one of ${t.messages.length} messages`;
  const head = [`The sender wrote again in the thread of ticket ${t.id} (${nth}); the new message is attached.`];
  if (reopened) head.push('The ticket was closed; this message reopened it.');
  return `${head.join('\n')}\n\n${staffSummary(t, undefined, `The ticket's first message: triage tickets show ${t.id}.`)}`;
}
