/**
 * The sender's intent from the words of the subject and the new text,
 * driven by the keyword rules in config. Pure.
 *
 * Scores: each signal adds its weight for every different phrase found (at
 * most MAX_HITS_PER_SIGNAL of them), double in the subject. Then, in order:
 *  1. a fraud report wins when it reaches its minimum score; a note that
 *     only thanks (the caller tells) is general unless it asks for an
 *     appointment change;
 *  2. an NVC case number makes it an IV message; otherwise a DV message
 *     that reaches its minimum is DV (selectees also write "case", "interview",
 *     "DS-260"; their number is `2026SA...`, never an NVC one), and NIV, IV
 *     and general (citizen services, notarials) compete on score;
 *  3. within IV, a cancellation / missed / early request that reaches its
 *     minimum beats a plain inquiry.
 * Ties go to the first category in `intentPriority`.
 */
import type { CompiledRules } from './compile-rules.js';
import { prepareNormalized, type PreparedText } from './normalize-text.js';
import type { PersonCategory } from './types.js';

export interface IntentInput {
  /** Subject without prefixes. */
  subject: PreparedText;
  /** Text the sender wrote (new text; the forwarded text when the sender wrote next to nothing). */
  body: PreparedText;
  /**
   * The sender's own words when `body` also holds forwarded text. A request
   * to cancel, move or make up an appointment is the sender's act: it is read
   * from these and the subject only, never from what is forwarded (an NVC
   * letter's "if you are unable to attend, reschedule or cancel").
   */
  ownBody?: PreparedText;
  hasCaseNumber: boolean;
  /** The sender writes to thank and asks nothing. */
  thanksOnly?: boolean;
}

export interface IntentResult {
  category: PersonCategory;
  scores: Partial<Record<PersonCategory, number>>;
}

const SUBJECT_FACTOR = 2;
const MAX_HITS_PER_SIGNAL = 2;
const IV_REQUESTS: readonly PersonCategory[] = ['iv_cancellation', 'iv_missed_appointment', 'iv_early_appointment'];
const FAMILIES: readonly PersonCategory[] = ['dv_lottery', 'niv', 'iv_inquiry', 'general'];

export function scoreIntent(input: IntentInput, rules: CompiledRules): IntentResult {
  const scores: Partial<Record<PersonCategory, number>> = {};
  const minScore: Partial<Record<PersonCategory, number>> = {};
  for (const intent of rules.intents) {
    minScore[intent.category] = intent.minScore;
    let score = 0;
    let body = IV_REQUESTS.includes(intent.category) ? (input.ownBody ?? input.body) : input.body;
    let subject = input.subject;
    if (intent.category === 'iv_cancellation') {
      body = withoutRefusedCancellation(body);
      subject = withoutRefusedCancellation(subject);
    }
    for (const signal of intent.signals) {
      const inSubject = signal.inSubject ? signal.matcher.count(subject, MAX_HITS_PER_SIGNAL) : 0;
      const inBody = signal.inBody ? signal.matcher.count(body, MAX_HITS_PER_SIGNAL) : 0;
      score += signal.weight * Math.min(MAX_HITS_PER_SIGNAL, inSubject * SUBJECT_FACTOR + inBody);
    }
    if (intent.category === 'iv_inquiry' && input.hasCaseNumber) score += rules.caseNumberWeight;
    if (score > 0) scores[intent.category] = score;
  }
  const reached = (c: PersonCategory): boolean => minScore[c] !== undefined && (scores[c] ?? 0) >= (minScore[c] ?? Infinity);
  const best = (candidates: readonly PersonCategory[]): PersonCategory | null => {
    let winner: PersonCategory | null = null;
    for (const c of rules.intentPriority) {
      if (!candidates.includes(c) || !reached(c)) continue;
      if (winner === null || (scores[c] ?? 0) > (scores[winner] ?? 0)) winner = c;
    }
    return winner;
  };

  if (reached('fraud_report')) return { category: 'fraud_report', scores };
  if (input.thanksOnly && best(IV_REQUESTS) === null) return { category: 'general', scores };
  const family = input.hasCaseNumber ? 'iv_inquiry' : reached('dv_lottery') ? 'dv_lottery' : best(FAMILIES);
  const ivRequest = best(IV_REQUESTS);
  if (family === 'iv_inquiry' || (family === null && ivRequest !== null)) {
    return { category: ivRequest ?? 'iv_inquiry', scores };
  }
  return { category: family ?? 'general', scores };
}

/**
 * A cancellation refused is not asked for: "NO queremos cancelar la cita",
 * "we do not want to cancel", "sin cancelar", "我们不取消面谈", "（不是取消）".
 * Matched on normalised text (lower case, no accents).
 */
const REFUSED_CANCELLATION =
  /(?<![\p{L}])(no|not|never|nunca|sin|don['’]?t|do not|won['’]?t|will not|does not|doesn['’]?t)(\s+(queremos|quiero|quisiera|quisieramos|deseamos|deseo|vamos a|voy a|pensamos|es para|want to|wish to|need to|plan to|intend to|mean to|is to|to))?\s+(cancel|anul)\p{L}*|(不要|不想|不会|不會|并不|並不|不是|无意|無意|不)\s*(要|想|是)?\s*取消/gu;

function withoutRefusedCancellation(text: PreparedText): PreparedText {
  REFUSED_CANCELLATION.lastIndex = 0;
  if (!REFUSED_CANCELLATION.test(text.text)) return text;
  return prepareNormalized(text.text.replace(REFUSED_CANCELLATION, ' '));
}
