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
}

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
export function staffSummary(t: Ticket, problemsText: (p: Problem) => string = (p) => p): string {
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
  lines.push('', 'The original message is attached.');
  return lines.join('\n') + '\n';
}
