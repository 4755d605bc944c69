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
 * Speed matters here (every message runs a few hundred phrases): a text is
 * prepared once (normalised, its words in a Set), a phrase is first looked
 * up by its first word, and all regular expressions of one list run as one
 * combined expression.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const WHITESPACE = /[\s\u00a0\u3000]+/g;
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
  return folded.toLowerCase().replace(WHITESPACE, ' ').trim();
}

/** Folds white space only (for values shown to people). */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE, ' ').trim();
}

/** A normalised text ready for many phrase look-ups. */
export interface PreparedText {
  readonly text: string;
  readonly words: ReadonlySet<string>;
  readonly hasHan: boolean;
}

export function prepareText(raw: string): PreparedText {
  return prepareNormalized(normalizeForMatch(raw));
}

/** `prepareText` for a text that is normalised already (`normalizeForMatch`). */
export function prepareNormalized(text: string): PreparedText {
  return { text, words: wordsOf(text), hasHan: NON_ASCII.test(text) && HAN.test(text) };
}

/**
 * The distinct words of a text: maximal runs of letters and digits, as
 * `WORD` finds them, without running a Unicode regular expression over
 * ASCII (most of every text, accents being removed already).
 */
function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0x20;
    let inWord: boolean;
    if (code < 0x80) inWord = isAsciiLetterOrDigit(code);
    else if (code >= 0xd800 && code <= 0xdbff) {
      // A character outside the BMP: judge the whole pair, and step over it.
      inWord = LETTER_OR_DIGIT.test(text.slice(i, i + 2));
      if (inWord && start < 0) start = i;
      if (inWord) {
        i++;
        continue;
      }
    } else inWord = LETTER_OR_DIGIT.test(text.charAt(i));
    if (inWord) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      words.add(text.slice(start, i));
      start = -1;
    }
  }
  return words;
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
  first: string;
  /** The phrase's other words: all must be in the text before the text is scanned for the phrase. */
  rest: string[];
  /** Whole normalised phrase, padded so that it matches whole words only. */
  needle: string | null;
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
    else if (tokens.length === 1 && tokens[0] === needle) words.push({ source: phrase, first: needle, rest: [], needle: null });
    else words.push({ source: phrase, first: tokens[0]!, rest: [...new Set(tokens.slice(1))], needle });
  }
  const combined = combineRegexes(patterns.map((p) => p.re));

  const visit = (input: PreparedText | string, max: number): { n: number; first: string | null } => {
    const t = typeof input === 'string' ? prepareText(input) : input;
    let n = 0;
    let first: string | null = null;
    const hit = (source: string): boolean => {
      first ??= source;
      return ++n >= max;
    };
    for (const w of words) {
      if (!t.words.has(w.first) || !w.rest.every((r) => t.words.has(r))) continue;
      if (w.needle === null || containsWords(t.text, w.needle)) if (hit(w.source)) return { n, first };
    }
    if (t.hasHan) for (const h of han) if (t.text.includes(h.needle) && hit(h.source)) return { n, first };
    if (combined) {
      const seen = new Set<number>();
      combined.re.lastIndex = 0;
      for (let m = combined.re.exec(t.text); m; m = combined.re.exec(t.text)) {
        const index = combined.groupOf(m);
        if (index >= 0 && !seen.has(index)) {
          seen.add(index);
          if (hit(patterns[index]!.source)) return { n, first };
        }
        if (m[0] === '') combined.re.lastIndex++;
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

/** One scan for many expressions: each wrapped in a group whose index says which matched. */
function combineRegexes(list: readonly RegExp[]): { re: RegExp; groupOf: (m: RegExpExecArray) => number } | null {
  if (list.length === 0) return null;
  const starts: number[] = [];
  let group = 1;
  const parts = list.map((re) => {
    starts.push(group);
    group += 1 + (new RegExp(`${re.source}|`, re.flags).exec('')!.length - 1);
    return `(${re.source})`;
  });
  const multiline = list.some((re) => re.multiline);
  const unicode = list.some((re) => re.unicode);
  return {
    re: new RegExp(parts.join('|'), `gi${unicode ? 'u' : ''}${multiline ? 'm' : ''}`),
    groupOf: (m) => starts.findIndex((s) => m[s] !== undefined),
  };
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

function needsUnicode(source: string): boolean {
  return /\\[pPu]\{/.test(source);
}
