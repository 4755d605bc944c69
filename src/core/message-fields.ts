/**
 * What the posts require in the first paragraph: a contact (phone or
 * e-mail) and the principal applicant's name; and whether an emergency is
 * pleaded. Pure.
 */
import { normalizeForMatch, prepareText, type PhraseMatcher, type PreparedText } from './normalize-text.js';
import { withoutCaseNumbers } from './case-number.js';

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;
/** Seven to fifteen digits in groups, optionally `+`-prefixed: a phone number as people write one. */
const PHONE = /(?<![\p{N}/.:-])(\+\s?)?(?:\(?\d{1,4}\)?[\s.-]?){2,6}\d{2,}(?![\p{N}/])/gu;
const DATE_LIKE = /^(\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4})$/;

/** A phone number or an e-mail address (other than the post's own) in the text. */
export function hasContact(text: string, ownAddresses: ReadonlySet<string>): boolean {
  for (const m of text.matchAll(new RegExp(EMAIL, 'gu'))) {
    if (!ownAddresses.has(m[0].toLowerCase())) return true;
  }
  const scrubbed = withoutCaseNumbers(text);
  for (const m of scrubbed.matchAll(PHONE)) {
    const written = m[0].trim();
    const digits = written.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15 || DATE_LIKE.test(written)) continue;
    return true;
  }
  return false;
}

/** A label such as `Solicitante principal:` followed by at least one word of letters. */
export function hasApplicantName(text: string, prepared: PreparedText, labels: PhraseMatcher): boolean {
  if (!labels.find(prepared)) return false;
  for (const line of text.split(/\r?\n/)) {
    const normalized = normalizeForMatch(line);
    const label = labels.find(prepareText(line));
    if (!label) continue;
    const at = normalized.indexOf(normalizeForMatch(label).replace(/^\/|\/$/g, ''));
    const after = at >= 0 ? normalized.slice(at + normalizeForMatch(label).length) : normalized;
    if (/\p{L}{2,}/u.test(after.replace(/^[\s:：,-]*(es|is|是|为|:)?\s*/u, ''))) return true;
  }
  return false;
}

/** "It is not an emergency" is not a plea of one. */
const NEGATED_EMERGENCY =
  /\b(no|not|nor|sin|without)\b[^.!?;\n]{0,30}\b(emergenc\w*|urgent\w*)|(不是|并非|并不是|不算)[^。！？\n]{0,10}(紧急|急事)/giu;

/** Every text NEGATED_EMERGENCY can match contains one of these (it matches normalised, lower-case text). */
const NEGATABLE = ['emergenc', 'urgent', '紧急', '急事'];

export function findEmergency(subject: PreparedText, body: PreparedText, matcher: PhraseMatcher): string | null {
  const clean = (t: PreparedText): PreparedText => {
    // The expression can only match where its emergency words are: most texts skip it.
    if (!NEGATABLE.some((w) => t.text.includes(w))) return t;
    const without = t.text.replace(NEGATED_EMERGENCY, ' ');
    return without === t.text ? t : prepareText(without);
  };
  return matcher.find(clean(subject)) ?? matcher.find(clean(body));
}
