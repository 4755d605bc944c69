import { describe, expect, it } from 'vitest';
import { compilePhrases, compileSpellingVariants, prepareText, wordsOf } from '../../../src/core/normalize-text.js';

/** Deterministic pseudo-random strings from a pool of every kind of character a mailbox sees. */
function* samples(n: number): Generator<string> {
  const pool = ['a', 'Z', '7', ' ', '\n', '.', '-', "'", 'é', 'ñ', 'ü', 'ß', 'の', '签', '证', '，', '。', '😀', '𝐀', '١', '\u00a0', '\u3000', 'İ', 'ﬁ', '²', 'Ⅻ'];
  let seed = 42;
  const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  for (let i = 0; i < n; i++) {
    let s = '';
    for (let k = next() % 60; k > 0; k--) s += pool[next() % pool.length];
    yield s;
  }
}

describe('prepareText', () => {
  it('finds the same words as the Unicode letter-or-digit expression without Han, kana and Hangul, on every kind of text', () => {
    const mismatches: string[] = [];
    for (const raw of samples(5_000)) {
      const p = prepareText(raw);
      const expected = new Set(p.text.match(/(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}])+/gu) ?? []);
      if ([...wordsOf(p.text)].sort().join('|') !== [...expected].sort().join('|')) mismatches.push(JSON.stringify(raw));
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('lower-cases, removes accents and folds white space', () => {
    const p = prepareText('  Lotería\u00a0 DV\n2026 签证 ');
    expect(p.text).toBe('loteria dv 2026 签证');
    expect([...wordsOf(p.text)]).toEqual(['loteria', 'dv', '2026']);
    expect(p.hasHan).toBe(true);
  });

  it('ends a Latin word where Chinese begins: English words written into Chinese are words', () => {
    expect([...wordsOf(prepareText('我的interview被reschedule了').text)]).toEqual(['interview', 'reschedule']);
    expect(compilePhrases(['reschedule']).find('系统自动reschedule到了明年3月')).toBe('reschedule');
  });
});

describe('compilePhrases', () => {
  it('matches whole words only, across accents and case', () => {
    const m = compilePhrases(['pago', 'lotería de visas', 'won']);
    expect(m.find('Hice el PAGO ayer')).toBe('pago');
    expect(m.find('los pagos')).toBeNull();
    expect(m.find('la Loteria de Visas 2027')).toBe('lotería de visas');
    expect(m.find('a wonderful day')).toBeNull();
    expect(m.find('ÉL won.')).toBe('won');
  });

  it('matches Japanese and Korean phrases inside words, as Chinese: particles attach to them', () => {
    const m = compilePhrases(['휴가 중', '不在にしております']);
    expect(m.find('현재 휴가 중이라 5월 12일 이후에 회신드리겠습니다.')).toBe('휴가 중');
    expect(m.find('休暇のため不在にしております。')).toBe('不在にしております');
  });
});

describe('compilePhrases with regular expressions', () => {
  it('finds every expression of a list, whether it starts at a word or not, and counts each once', () => {
    const m = compilePhrases(['/\\bout of (the )?office\\b/', '/\\bfoo|bar\\b/', '/(已|已经)收到/', '/^diagnostic-code:/m', '/\\bsurgery\\b/']);
    expect(m.find('I am OUT OF THE OFFICE today')).toBe('/\\bout of (the )?office\\b/');
    // A top-level alternation keeps its meaning: `bar` needs no word start before it.
    expect(m.find('crowbar')).toBe('/\\bfoo|bar\\b/');
    expect(m.find('xfoo')).toBeNull();
    expect(m.find('我们已经收到')).toBe('/(已|已经)收到/');
    expect(m.find('Diagnostic-Code: smtp; 550')).toBe('/^diagnostic-code:/m');
    expect(m.count('surgery, out of office, surgery again, crowbar', 10)).toBe(3);
    expect(m.count('surgery, out of office, crowbar', 2)).toBe(2);
  });

  it('finds phrases of a list compiled after the text was first looked at', () => {
    const early = compilePhrases(['cita']);
    const text = prepareText('Necesito una cita urgente por cirugía');
    expect(early.find(text)).toBe('cita');
    const late = compilePhrases(['cirugia urgente', 'por cirugia']);
    expect(late.count(text, 5)).toBe(1);
    expect(late.find(text)).toBe('por cirugia');
  });
});

describe('compileSpellingVariants', () => {
  const fold = compileSpellingVariants({ cita: ['sita'], cancela: ['cansela'], appointment: ['appt'] });

  it('folds whole-word misspellings to the word they stand for', () => {
    expect(fold?.(prepareText('x fa CANSELA la Sita')).text).toBe('x fa cancela la cita');
    expect(fold?.(prepareText('early appt please')).text).toBe('early appointment please');
  });

  it('leaves words that merely contain a variant, and texts without one, as they are', () => {
    const text = prepareText('visitas y necesitamos un apptitude');
    expect(fold?.(text)).toBe(text);
  });

  it('is null when there is nothing to fold', () => {
    expect(compileSpellingVariants({})).toBeNull();
  });
});
