/**
 * Text normalisation for matching: lower case, accents removed, white space
 * folded. Pure.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const WHITESPACE = /[\s\u00a0\u3000]+/g;

/** Lower-cases, removes Latin accents and folds white space: `"Lotería  DV"` -> `"loteria dv"`. */
export function normalizeForMatch(text: string): string {
  return text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase().replace(WHITESPACE, ' ').trim();
}

/** Folds white space only (for values shown to people). */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE, ' ').trim();
}

/**
 * A compiled phrase list: plain phrases are matched as substrings of the
 * normalised text, `/.../` phrases as regular expressions.
 */
export interface PhraseMatcher {
  /** The first phrase (as written in config) found in the normalised text, or null. */
  find(normalizedText: string): string | null;
  /** How many different phrases occur, counting no further than `max`. */
  count(normalizedText: string, max: number): number;
  readonly size: number;
}

export function compilePhrases(phrases: readonly string[]): PhraseMatcher {
  const plain: Array<{ source: string; needle: string }> = [];
  const patterns: Array<{ source: string; re: RegExp }> = [];
  for (const phrase of phrases) {
    const regex = parseRegexPhrase(phrase);
    if (regex) patterns.push({ source: phrase, re: regex });
    else plain.push({ source: phrase, needle: normalizeForMatch(phrase) });
  }
  return {
    size: phrases.length,
    find(text: string): string | null {
      for (const p of plain) if (text.includes(p.needle)) return p.source;
      for (const p of patterns) if (p.re.test(text)) return p.source;
      return null;
    },
    count(text: string, max: number): number {
      let n = 0;
      for (const p of plain) if (text.includes(p.needle) && ++n >= max) return n;
      for (const p of patterns) if (p.re.test(text) && ++n >= max) return n;
      return n;
    },
  };
}

/** `/abc/` -> RegExp (flags `iu`, plus `m` when the phrase ends `/m`); anything else -> null. */
export function parseRegexPhrase(phrase: string): RegExp | null {
  const m = /^\/(.+)\/(m?)$/su.exec(phrase);
  if (!m || m[1] === undefined) return null;
  return new RegExp(m[1], `iu${m[2] ?? ''}`);
}
