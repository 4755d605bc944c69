/**
 * Reading a subject line: reply/forward prefixes and bracketed tags removed,
 * the published conventions recognised, the last name after the case number
 * taken as written. Pure.
 */
import type { IvCategory } from './types.js';
import { IV_CATEGORIES } from './types.js';
import { escapeRegExp, normalizeForMatch } from './normalize-text.js';

export interface SubjectRules {
  prefixes: RegExp;
  conventions: ReadonlyArray<{ category: IvCategory; pattern: RegExp }>;
}

const BRACKET_TAG = /^(\[[^\]]{0,60}\]|【[^】]{0,60}】|\([^)]{0,20}\))\s*/u;

/**
 * Reply and forward prefixes told apart (the config's `subjectPrefixes` lists
 * them all, for stripping). `RV:`/`ENC:`/`TR:`/`WG:`/`I:` are forwards in
 * Spanish, Portuguese, French, German and Italian clients.
 */
const REPLY_WORDS = 're|aw|sv|vs|rif|antw|res|r|回复|答复|回覆|回復|答覆';
const FORWARD_WORDS = 'fwd?|rv|enc|tr|wg|i|转发|轉寄|转寄|轉發';
const LEADING_TAGS = '([\\[【(（][^\\]】)）]{0,40}[\\]】)）]\\s*)*';
const LEADING_PREFIX = new RegExp(`^\\s*${LEADING_TAGS}(?:(${REPLY_WORDS})|(${FORWARD_WORDS}))\\s*(\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]`, 'iu');
const ANY_PREFIXES = new RegExp(`^\\s*((${REPLY_WORDS}|${FORWARD_WORDS})\\s*(\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]\\s*)+`, 'iu');

/** Whether a subject opens as a reply (`Re:`, `AW:`, `回复：`) or a forward (`Fwd:`, `RV:`, `转发：`), after any tags. */
export function subjectOpensAs(subject: string): 'reply' | 'forward' | null {
  const m = LEADING_PREFIX.exec(subject);
  return m === null ? null : m[2] !== undefined ? 'reply' : 'forward';
}

/** The subject without its leading reply and forward prefixes (tags kept). */
export function withoutReplyPrefixes(subject: string): string {
  return subject.replace(ANY_PREFIXES, '').trim();
}

/** Builds the prefix and convention matchers once, from config. */
export function compileSubjectRules(
  prefixes: readonly string[],
  conventions: Readonly<Record<IvCategory, string>>,
): SubjectRules {
  const alternatives = [...prefixes]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  // `Re:`, `RE :`, `Re[2]:`, `回复：`; the colon is required so that a
  // subject that merely starts with such a word keeps it.
  const prefixPattern = new RegExp(`^(?:${alternatives})\\s*(?:\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]\\s*`, 'iu');
  return {
    prefixes: prefixPattern,
    conventions: IV_CATEGORIES.map((category) => ({ category, pattern: conventionPattern(conventions[category]) })),
  };
}

/** `IV appointment cancellation` -> words in order, any punctuation or spacing between, not inside a longer word. */
function conventionPattern(convention: string): RegExp {
  const words = convention.trim().split(/\s+/).map(escapeRegExp);
  return new RegExp(`(?<![\\p{L}\\p{N}])${words.join('[\\s\\p{P}\\p{S}_]*')}(?![\\p{L}])`, 'iu');
}

/** Removes any number of leading reply/forward prefixes and bracketed tags. */
export function stripSubjectPrefixes(subject: string, rules: SubjectRules): string {
  let s = subject.trim();
  for (let i = 0; i < 20; i++) {
    const next = s.replace(rules.prefixes, '').replace(BRACKET_TAG, '').trim();
    if (next === s) break;
    s = next;
  }
  return s;
}

export interface ConventionMatch {
  category: IvCategory;
  /** The subject after the convention's words. */
  rest: string;
}

/** The IV convention the subject carries, if any (the earliest one written). */
export function matchConvention(strippedSubject: string, rules: SubjectRules): ConventionMatch | null {
  let best: { category: IvCategory; index: number; end: number } | null = null;
  for (const { category, pattern } of rules.conventions) {
    const m = pattern.exec(strippedSubject);
    if (m && (best === null || m.index < best.index)) best = { category, index: m.index, end: m.index + m[0].length };
  }
  return best ? { category: best.category, rest: strippedSubject.slice(best.end) } : null;
}

const NAME_STOP = /\s[-–—|/]\s|[(,;|/\[!?！？]/u;
/** Words after a name that are not part of it: "Zhou 急", "Pérez URGENTE", "Acosta y BNS2023022222". */
const AFTER_NAME = /^(urgent|urgente|urgencia|urgency|asap|急|紧急|緊急|加急|y|and|e|和|及|&)$/iu;

/** A template's placeholder left in ("[LAST NAME]", "<apellido>", "{姓氏}"): no name was written. */
const PLACEHOLDER = /^[\s:,-]*[\[<{(（【]\s*(applicant['’]?s? )?(last ?name|surname|family name|apellidos?|primer apellido|apellido del solicitante|姓|姓氏|姓名)\s*[\]>})）】]/iu;

/**
 * The last name written after the case number (`... LMA2023123456 Quispe`),
 * as written; null when nothing name-like follows.
 */
export function lastNameAfter(textAfterCaseNumber: string): string | null {
  if (PLACEHOLDER.test(textAfterCaseNumber)) return null;
  const rest = textAfterCaseNumber.replace(/^[\s\p{P}\p{S}]+/u, '');
  const segment = (rest.split(NAME_STOP)[0] ?? '').trim();
  const words: string[] = [];
  for (const raw of segment.split(/\s+/)) {
    // A name ends at a number (another case, "2nd request"), an urgency
    // word, a conjunction, or where Latin letters give way to Chinese.
    if (/\p{N}/u.test(raw) || AFTER_NAME.test(raw) || words.length === 4) break;
    const w = raw.replace(/^[^\p{L}]+|[^\p{L}.'’-]+$/gu, '').replace(/[.]+$/u, '');
    if (!/\p{L}/u.test(w)) continue;
    if (words.length > 0 && /\p{Script=Han}/u.test(w) && !/\p{Script=Han}/u.test(words[words.length - 1]!)) break;
    words.push(w);
  }
  return words.length > 0 ? words.join(' ') : null;
}

/** Words that may introduce the case number in a subject: "Consulta IV - caso LMA...", "Case No. ...". */
const CASE_WORDS = /(?<![\p{L}])(caso|case|case no|no|nro|numero|number|num|n|案件号|案件號|案件编号|案件編號|案号|案號)(?![\p{L}])/giu;
/** Lower-case words inside a surname ("de la Cruz", "van der Berg"). */
const NAME_PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'y', 'da', 'das', 'do', 'dos', 'van', 'von', 'der', 'den', 'di', 'du', 'le', 'mc', 'e']);

/** A name as people write one: capitalised or upper-case words (particles aside), or a few Chinese characters. */
function looksLikeName(name: string): boolean {
  if (/^\p{Script=Han}{1,4}$/u.test(name.replace(/\s+/g, ''))) return true;
  const words = name.split(/\s+/);
  return words.some((w) => /^\p{Lu}/u.test(w)) && words.every((w) => /^\p{Lu}/u.test(w) || NAME_PARTICLES.has(w.toLowerCase()));
}

/**
 * A subject that stands for the inquiry convention without carrying it:
 * other words where `IV Inquiry` belongs (`lookalikes`, from config:
 * "Consulta IV", "IV Enquiry", "移民签证查询"), or none, then the case
 * number and at most a name. Returns what stands where the last name
 * belongs (`lastName` null when nothing follows the number), or null when
 * the subject says anything else ("Cancelaron mi vuelo - consulta caso LMA...", "LMA...
 * sobre mi entrevista").
 */
export function lookalikeLastName(subject: string, caseStart: number, caseEnd: number, lookalikes: RegExp | null): { lastName: string | null } | null {
  const before = normalizeForMatch(subject.slice(0, caseStart));
  const unexplained = (lookalikes ? before.replace(lookalikes, ' ') : before).replace(CASE_WORDS, ' ');
  if (/[\p{L}\p{N}]/u.test(unexplained)) return null;
  // The case number first: what follows must not be the inquiry's words ("GUZ... 移民签证查询 刘").
  // (`search`, not `test`: the expression is global, and `search` ignores its lastIndex.)
  if (before.trim() === '' && lookalikes && normalizeForMatch(subject.slice(caseEnd)).search(lookalikes) >= 0) return null;
  const after = subject.slice(caseEnd);
  if (!/[\p{L}\p{N}]/u.test(after)) return { lastName: null };
  const name = lastNameAfter(after);
  // Everything after the number must be that name (an urgency word aside).
  if (name === null || !looksLikeName(name)) return null;
  return { lastName: name };
}
