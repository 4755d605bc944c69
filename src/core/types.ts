/**
 * Domain types shared by the pure core and the adapters.
 *
 * Pure: no I/O, no clock, no environment. Everything here is plain data so
 * that it can cross a queue hop (JSON) unchanged.
 */

export const CATEGORIES = [
  'iv_inquiry',
  'iv_cancellation',
  'iv_missed_appointment',
  'iv_early_appointment',
  'dv_lottery',
  'niv',
  'fraud_report',
  'general',
  'auto_generated',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The four categories that have a published subject convention. */
export const IV_CATEGORIES = [
  'iv_inquiry',
  'iv_cancellation',
  'iv_missed_appointment',
  'iv_early_appointment',
] as const;
export type IvCategory = (typeof IV_CATEGORIES)[number];

/** Categories a person can write; `auto_generated` is decided separately. */
export const PERSON_CATEGORIES = CATEGORIES.filter(
  (c): c is Exclude<Category, 'auto_generated'> => c !== 'auto_generated',
);
export type PersonCategory = Exclude<Category, 'auto_generated'>;

export function isIvCategory(category: Category): category is IvCategory {
  return (IV_CATEGORIES as readonly string[]).includes(category);
}

export const PROBLEMS = [
  'nonconforming_subject',
  'missing_case_number',
  'foreign_case_number',
  'missing_last_name',
  'missing_contact',
  'missing_applicant_name',
] as const;
export type Problem = (typeof PROBLEMS)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const LANGUAGES = ['en', 'es', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Address {
  /** Lower-cased address, or '' when the header carried none (e.g. `From: <>`). */
  address: string;
  name: string;
}

export interface AttachmentMeta {
  filename: string | null;
  contentType: string;
  /** Bytes the attachment decodes to (counted, or for one left unparsed, computed from its base64). */
  size: number;
}

/**
 * A parsed inbound message, reduced to what triage needs. Built by the MIME
 * adapter (`src/adapters/mime`), consumed by the pure core.
 */
export interface NormalizedMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Decoded subject, whitespace-collapsed; '' when absent. */
  subject: string;
  from: Address | null;
  replyTo: Address | null;
  to: Address[];
  date: string | null;
  /** New text written by the sender (quoted history removed). */
  newText: string;
  /** Quoted history, forwarded messages and returned originals. */
  quotedText: string;
  /**
   * Raw header values by lower-cased name (several values when repeated),
   * unfolded, not decoded: what loop detection needs.
   */
  headers: Record<string, string[]>;
  /** Lower-cased MIME type of the whole message, e.g. `multipart/report`. */
  contentType: string;
  /** Lower-cased MIME types of every part below the root. */
  partTypes: string[];
  attachments: AttachmentMeta[];
  /** Size of the raw message in bytes. */
  size: number;
  /** True when the message was still over the parse cap once its large attachments were emptied, and only its head was read (its text may be incomplete). */
  truncated: boolean;
}

export interface Route {
  queue: string;
  priority: Priority;
}

/** The decision every message gets: see `../shared/triage-contract.md`. */
export interface TriageDecision {
  messageId: string | null;
  category: Category;
  caseNumber: string | null;
  lastName: string | null;
  problems: Problem[];
  autoReply: string | null;
  route: Route | null;
  /** Extra fields: why the decision was taken, for admins and staff. */
  language: Language;
  replyLanguages: Language[];
  machineSignals: string[];
  emergency: boolean;
  scores: Partial<Record<PersonCategory, number>>;
  /** Present when a reply asks nothing ("ok, gracias"): it joins its ticket without a word to staff. */
  acknowledgementOnly?: true;
}
