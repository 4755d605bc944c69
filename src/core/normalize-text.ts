/**
 * Text normalisation and phrase matching. Pure.
 *
 * Matching is on a normalised text: lower case, Latin accents removed,
 * white space folded. A plain phrase matches whole words (`won` does not
 * match `wonderful`; `pago` does not match `pagos`): list the forms you
 * mean. Chinese, Japanese and Korean phrases match anywhere (no spaces
 * between words, or particles attached to them). A phrase
 * written `/.../` is a regular expression applied to the normalised text.
 *
 * Speed matters here (every message runs over a thousand phrases): a text
 * is prepared once (normalised, its words in a Set); every word of every
 * compiled phrase is interned as a small number, so a text's words are
 * looked up once and a phrase is then ruled out by array reads; and all
 * regular expressions of one list run as one combined expression, with a
 * leading `\b` shared by all of them.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
/**
 * The white space that folding changes: a run of two or more, or one that
 * is not a plain space. Same result as replacing every run (`\s` includes
 * U+00A0 and U+3000), without rewriting the single spaces between words.
 */
const WHITESPACE_TO_FOLD = /\s{2,}|[^\S ]/g;
const NON_ASCII = /[^\x00-\x7f]/;
/**
 * Scripts matched as substrings, not whole words: Chinese and Japanese have
 * no spaces, and Korean attaches particles to words (`휴가 중이라`).
 */
const HAN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}]+/gu;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]+$/u;

/** Lower-cases, removes Latin accents and folds white space: `"Lotería  DV"` -> `"loteria dv"`. */
export function normalizeForMatch(text: string): string {
  const folded = NON_ASCII.test(text) ? text.normalize('NFKD').replace(COMBINING_MARKS, '') : text;
  return folded.toLowerCase().replace(WHITESPACE_TO_FOLD, ' ').trim();
}

/** Folds white space only (for values shown to people). */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_TO_FOLD, ' ').trim();
}

/** A normalised text ready for many phrase look-ups. */
export interface PreparedText {
  readonly text: string;
  readonly hasHan: boolean;
}

export function prepareText(raw: string): PreparedText {
  return prepareNormalized(normalizeForMatch(raw));
}

/** `prepareText` for a text that is normalised already (`normalizeForMatch`). */
export function prepareNormalized(text: string): PreparedText {
  return { text, hasHan: NON_ASCII.test(text) && HAN.test(text) };
}

/** The distinct words of a normalised text (as `forEachWord` finds them). */
export function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  forEachWord(text, (word) => words.add(word));
  return words;
}

/**
 * Calls `visit` with every word of a text: maximal runs of letters and
 * digits other than Han, kana and Hangul (which are matched as substrings,
 * never as words), without running a Unicode regular
 * expression over ASCII (most of every text, accents being removed already).
 */
function forEachWord(text: string, visit: (word: string) => void): void {
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0x20;
    let inWord: boolean;
    if (code < 0x80) inWord = isAsciiLetterOrDigit(code);
    else if (code >= 0xd800 && code <= 0xdbff) {
      // A character outside the BMP: judge the whole pair, and step over it.
      const pair = text.slice(i, i + 2);
      inWord = !HAN.test(pair) && LETTER_OR_DIGIT.test(pair);
      if (inWord && start < 0) start = i;
      if (inWord) {
        i++;
        continue;
      }
    } else {
      // Han (and kana, Hangul) end a word as a space does: "我的interview被reschedule了" holds "interview" and "reschedule".
      const c = text.charAt(i);
      inWord = !HAN.test(c) && LETTER_OR_DIGIT.test(c);
    }
    if (inWord) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      visit(text.slice(start, i));
      start = -1;
    }
  }
}

/**
 * A compiled phrase list.
 */
export interface PhraseMatcher {
  /** The first phrase (as written in config) found, or null. */
  find(text: PreparedText | string): string | null;
  /** How many different phrases occur, counting no further than `max`. */
  count(text: PreparedText | string, max: number): number;
  readonly size: number;
}

interface WordPhrase {
  source: string;
  /** The phrase's distinct words (lexicon ids), longest first: all must be in the text before the text is scanned for the phrase. */
  ids: number[];
  /** Whole normalised phrase, matched at word boundaries; null for a one-word phrase. */
  needle: string | null;
}

/**
 * Every word of every compiled phrase, as a small number. Grows only when
 * phrases are compiled (at start, or when a config is loaded); a memo, it
 * never changes what a phrase matches.
 */
const LEXICON = new Map<string, number>();

function internWord(word: string): number {
  let id = LEXICON.get(word);
  if (id === undefined) {
    id = LEXICON.size;
    LEXICON.set(word, id);
  }
  return id;
}

/**
 * Per prepared text: which lexicon words it contains (1 at the word's id),
 * worked out the first time a phrase list looks at the text.
 */
const PRESENCE = new WeakMap<PreparedText, Uint8Array>();

function presenceOf(t: PreparedText): Uint8Array {
  let present = PRESENCE.get(t);
  // Phrases compiled after the text was first looked at have new ids: look again.
  if (present === undefined || present.length < LEXICON.size) {
    const found = new Uint8Array(LEXICON.size);
    forEachWord(t.text, (word) => {
      const id = LEXICON.get(word);
      if (id !== undefined) found[id] = 1;
    });
    present = found;
    PRESENCE.set(t, present);
  }
  return present;
}

export function compilePhrases(phrases: readonly string[]): PhraseMatcher {
  const words: WordPhrase[] = [];
  const han: Array<{ source: string; needle: string }> = [];
  const patterns: Array<{ source: string; re: RegExp }> = [];
  for (const phrase of phrases) {
    const regex = parseRegexPhrase(phrase);
    if (regex) {
      patterns.push({ source: phrase, re: regex });
      continue;
    }
    const needle = normalizeForMatch(phrase);
    const tokens = needle.match(WORD) ?? [];
    if (HAN.test(needle) || tokens.length === 0) han.push({ source: phrase, needle });
    else {
      // The longest word first: it is the likeliest to be missing, which ends the check.
      const ids = [...new Set(tokens)].sort((a, b) => b.length - a.length).map(internWord);
      words.push({ source: phrase, ids, needle: tokens.length === 1 && tokens[0] === needle ? null : needle });
    }
  }
  const scans = combineRegexes(patterns.map((p) => p.re));

  const visit = (input: PreparedText | string, max: number): { n: number; first: string | null } => {
    const t = typeof input === 'string' ? prepareText(input) : input;
    let n = 0;
    let first: string | null = null;
    const hit = (source: string): boolean => {
      first ??= source;
      return ++n >= max;
    };
    if (words.length > 0) {
      const present = presenceOf(t);
      phrases: for (const w of words) {
        for (const id of w.ids) if (present[id] !== 1) continue phrases;
        if (w.needle === null || containsWords(t.text, w.needle)) if (hit(w.source)) return { n, first };
      }
    }
    if (t.hasHan) for (const h of han) if (t.text.includes(h.needle) && hit(h.source)) return { n, first };
    if (scans.length > 0) {
      const seen = new Set<number>();
      for (const scan of scans) {
        scan.re.lastIndex = 0;
        for (let m = scan.re.exec(t.text); m; m = scan.re.exec(t.text)) {
          const index = scan.groupOf(m);
          if (index >= 0 && !seen.has(index)) {
            seen.add(index);
            if (hit(patterns[index]!.source)) return { n, first };
          }
          if (m[0] === '') scan.re.lastIndex++;
        }
      }
    }
    return { n, first };
  };
  return {
    size: phrases.length,
    find: (text) => visit(text, 1).first,
    count: (text, max) => visit(text, max).n,
  };
}

/** `needle` occurs in `text` starting and ending at word boundaries. */
function containsWords(text: string, needle: string): boolean {
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const before = at === 0 ? '' : text.charAt(at - 1);
    const after = text.charAt(at + needle.length);
    if (!isWordChar(before) && !isWordChar(after)) return true;
  }
  return false;
}

function isAsciiLetterOrDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isWordChar(c: string): boolean {
  if (c === '') return false;
  const code = c.charCodeAt(0);
  // ASCII, nearly every boundary in practice, without a regular expression.
  if (code < 0x80) return isAsciiLetterOrDigit(code);
  return LETTER_OR_DIGIT.test(c) && !HAN.test(c);
}

/** One combined scan: each expression in a group whose index says which matched. */
interface CombinedScan {
  re: RegExp;
  /** Index into the compiled list of the expression that matched, or -1. */
  groupOf: (m: RegExpExecArray) => number;
}

/**
 * One scan for many expressions, in at most two passes: those that begin
 * at a word start (`\bfoo`, nearly all) share one leading `\b`
 * (`\b(?:(foo)|(bar))`), which V8 then tests once per position instead of
 * once per expression (about 3x faster on a list of 40); the others are
 * combined as they are.
 */
function combineRegexes(list: readonly RegExp[]): CombinedScan[] {
  const atWordStart: number[] = [];
  const others: number[] = [];
  list.forEach((re, i) => (re.source.startsWith('\\b') && !/^\\b[*+?{]/.test(re.source) && !hasTopLevelAlternation(re.source) ? atWordStart : others).push(i));
  const scans: CombinedScan[] = [];
  if (atWordStart.length > 0) scans.push(combine(list, atWordStart, (source) => source.slice(2), '\\b(?:', ')'));
  if (others.length > 0) scans.push(combine(list, others, (source) => source, '', ''));
  return scans;
}

function combine(list: readonly RegExp[], indices: readonly number[], body: (source: string) => string, open: string, close: string): CombinedScan {
  const starts: number[] = [];
  let group = 1;
  const parts = indices.map((i) => {
    const re = list[i]!;
    starts.push(group);
    group += 1 + (new RegExp(`${re.source}|`, re.flags).exec('')!.length - 1);
    return `(${body(re.source)})`;
  });
  const members = indices.map((i) => list[i]!);
  const multiline = members.some((re) => re.multiline);
  const unicode = members.some((re) => re.unicode);
  return {
    re: new RegExp(`${open}${parts.join('|')}${close}`, `gi${unicode ? 'u' : ''}${multiline ? 'm' : ''}`),
    groupOf: (m) => {
      const k = starts.findIndex((s) => m[s] !== undefined);
      return k < 0 ? -1 : indices[k]!;
    },
  };
}

/** `a|b` outside any group or class: such an expression cannot share a leading `\b`. */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/**
 * One expression that finds every phrase of a list in a normalised text
 * (`normalizeForMatch`), longest first, whole words for Latin phrases: for
 * taking the phrases out of a text to see what else it says. Regular
 * expression phrases (`/.../`) are taken as written.
 */
export function compileFiller(phrases: readonly string[]): RegExp {
  const alternatives = phrases
    .map((p) => {
      const re = parseRegexPhrase(p);
      if (re) return `(?:${re.source})`;
      const needle = escapeRegExp(normalizeForMatch(p));
      return HAN.test(needle) ? needle : `(?<![\\p{L}\\p{N}])${needle}(?![\\p{L}\\p{N}])`;
    })
    .sort((a, b) => b.length - a.length);
  return new RegExp(alternatives.length > 0 ? alternatives.join('|') : '(?!)', 'giu');
}

/**
 * `/abc/` -> RegExp (flag `i`, plus `m` when the phrase ends `/m`); anything else -> null.
 * The `u` flag is set only when the expression needs it (`\p{...}`):
 * V8 runs `\b` with `iu` about a hundred times slower.
 */
export function parseRegexPhrase(phrase: string): RegExp | null {
  const m = /^\/(.+)\/(m?)$/su.exec(phrase);
  if (!m || m[1] === undefined) return null;
  return new RegExp(m[1], `i${needsUnicode(m[1]) ? 'u' : ''}${m[2] ?? ''}`);
}

/** `s` as a regular expression that matches it literally. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function needsUnicode(source: string): boolean {
  return /\\[pPu]\{/.test(source);
}

/** Folds the misspellings in a prepared text to the words they stand for (see `compileSpellingVariants`). */
export type SpellingFolder = (text: PreparedText) => PreparedText;

/**
 * Misspellings and abbreviations people write for the words phrases look
 * for, folded to that word wherever they stand as a whole word of a
 * normalised text: with `{ cita: [sita], cancela: [cansela] }`, "x fa
 * cansela la sita" reads "x fa cancela la cita". The phrase lists then
 * need only the right spelling. Null when there is nothing to fold.
 */
export function compileSpellingVariants(wordsAndVariants: Readonly<Record<string, readonly string[]>>): SpellingFolder | null {
  const wordOf = new Map<string, string>();
  for (const [word, variants] of Object.entries(wordsAndVariants)) {
    for (const variant of variants) wordOf.set(normalizeForMatch(variant), normalizeForMatch(word));
  }
  if (wordOf.size === 0) return null;
  const keys = [...wordOf.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  // ASCII words (the usual case once accents are removed) need no Unicode flag: `\b` runs far faster without it.
  const re = keys.every((k) => !NON_ASCII.test(k))
    ? new RegExp(`\\b(?:${keys.join('|')})\\b`, 'g')
    : new RegExp(`(?<![\\p{L}\\p{N}])(?:${keys.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  return (prepared) => {
    re.lastIndex = 0;
    if (!re.test(prepared.text)) return prepared;
    return prepareNormalized(prepared.text.replace(re, (variant) => wordOf.get(variant) ?? variant));
  };
}
