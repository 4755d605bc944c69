import { describe, expect, it } from 'vitest';
import { findCaseNumbers, pickCaseNumber } from '../../../src/core/case-number.js';

const none = new Set<string>(['TEL']);
const found = (text: string): string[] => findCaseNumbers(text, none).map((h) => h.caseNumber);

describe('findCaseNumbers', () => {
  it.each([
    ['LMA2023123456', 'LMA2023123456'],
    ['lma2023123456', 'LMA2023123456'],
    ['LMA 2023 123 456', 'LMA2023123456'],
    ['LMA-2023-123456', 'LMA2023123456'],
    ['LMA-2023123456', 'LMA2023123456'],
    ['Case # LMA2023123456', 'LMA2023123456'],
    ['Caso: LMA2023123456.', 'LMA2023123456'],
    ['案件号 GUZ2023123456', 'GUZ2023123456'],
    ['案件号GUZ2023123456', 'GUZ2023123456'],
    ['N° de caso: lma 2023 123456', 'LMA2023123456'],
    ['(BNS2022765432)', 'BNS2022765432'],
  ])('reads %s as %s', (text, expected) => {
    expect(found(text)).toEqual([expected]);
  });

  it.each([
    ['nine digits', 'LMA202312345'],
    ['eleven digits', 'LMA20231234567'],
    ['eleven digits in groups', 'LMA 2023 123 456 7'],
    ['a DV number', '2025SA00012345'],
    ['a DV number with letters before', 'caso 2026SA00001234'],
    ['a phone with a TEL label', 'TEL 2023123456'],
    ['letters glued to a longer word', 'XLMA2023123456'],
    ['an implausible year', 'LMA9999123456'],
  ])('ignores %s', (_what, text) => {
    expect(found(text)).toEqual([]);
  });

  it('keeps a case number followed by an unrelated number', () => {
    expect(found('caso LMA2023123456 15 de julio')).toEqual(['LMA2023123456']);
  });
});

describe('pickCaseNumber', () => {
  it('prefers the subject over the body, and the post’s own prefix within a place', () => {
    const hit = pickCaseNumber(['no number here', 'moved from BGT2022456789 to LMA2023000001', 'LMA2020999999'], ['LMA'], none);
    expect(hit).toMatchObject({ caseNumber: 'LMA2023000001', place: 1 });
    expect(pickCaseNumber(['IV Inquiry MNL2022001122 Santos', 'BNS2023010203'], ['BNS'], none)).toMatchObject({ caseNumber: 'MNL2022001122', place: 0 });
  });

  it('a number the writer corrects, or a transferred case\'s new number, replaces the one before it (stress round 18)', () => {
    const corrected = 'Mi número de caso es LMA2024135168.\nCorrijo: el número correcto es LMA2024135186, me equivoqué al copiarlo.';
    expect(pickCaseNumber(['Consulta', corrected], ['LMA'], none)?.caseNumber).toBe('LMA2024135186');
    const away = 'Mi caso era BNS2023064420. El NVC me avisó que el caso pasó a la Embajada en Asunción con el número ASU2025001187.';
    expect(pickCaseNumber(['Transferencia', away], ['BNS'], none)?.caseNumber).toBe('ASU2025001187');
    expect(pickCaseNumber(['', '旧案件号 HCM2023088142。NVC已经把案件转到广州，新的案件号是 GUZ2025003906。'], ['GUZ'], none)?.caseNumber).toBe('GUZ2025003906');
    // Two cases side by side, nothing superseded: this post's wins.
    expect(pickCaseNumber(['', 'Mi esposo tiene su caso BGT2023456781. Mis hijos y yo estamos en el caso LMA2024107722.'], ['LMA'], none)?.caseNumber).toBe('LMA2024107722');
  });

  it('falls back to quoted text, and to null', () => {
    expect(pickCaseNumber(['', '', '> Caso LMA2021000002'], ['LMA'], none)?.caseNumber).toBe('LMA2021000002');
    expect(pickCaseNumber(['', '', ''], ['LMA'], none)).toBeNull();
  });
});

describe('findCaseNumbers: typography of word processors and input methods', () => {
  it.each([
    ['en dashes typed by a word processor', 'Nº LMA–2023–456789', 'LMA2023456789'],
    ['em dashes', 'BNS—2024—123456', 'BNS2024123456'],
    ['slashes', 'Caso n.º BNS/2024/007331', 'BNS2024007331'],
    ['full-width letters and digits (Chinese IME)', '案件号是ＧＵＺ２０２３５５５６６６，', 'GUZ2023555666'],
  ])('reads %s', (_what, text, expected) => {
    expect(found(text)).toEqual([expected]);
  });

  it('keeps positions of full-width text, so the subject after the number is still found', () => {
    const text = 'IV Inquiry ＧＵＺ２０２３５５５６６６ WU';
    const [hit] = findCaseNumbers(text, none);
    expect(text.slice(hit!.end).trim()).toBe('WU');
  });

  it('does not join a slash-written date to a number', () => {
    expect(found('Fecha LMA 2024/05/12 10:30')).toEqual([]);
  });
});

describe('our ticket reference is not a case number (stress round 5)', () => {
  const found = (text: string) => findCaseNumbers(text, new Set()).map((h) => h.caseNumber);
  it('a labelled or bracketed ticket id is skipped; the case number beside it is found', () => {
    expect(found('Referencia: LMA-2026-000201\nNúmero de caso: LMA2023087799')).toEqual(['LMA2023087799']);
    expect(found('Ticket [LMA-2026-000187] recibido')).toEqual([]);
    expect(found('工单号：GUZ-2026-000012')).toEqual([]);
  });
  it('a number shown as a ticket anywhere in the message is that ticket wherever it is written in its shape (round 15)', () => {
    const places = ['[BNS-2026-000457] Su consulta fue respondida', 'Sirve así?', 'Su solicitud BNS-2026-000457 fue actualizada.\nPara el caso BNS2024071120 falta el certificado.'];
    expect(pickCaseNumber(places, ['BNS'], new Set())?.caseNumber).toBe('BNS2024071120');
    // Written as a case number (no dashes) it is one, whatever the ticket says.
    expect(pickCaseNumber(['[BNS-2026-000457] Re: consulta', 'mi caso BNS2026000457'], ['BNS'], new Set())?.caseNumber).toBe('BNS2026000457');
    // Without a label or brackets anywhere, the dashed shape stays a case number.
    expect(pickCaseNumber(['Consulta', 'Su solicitud BNS-2026-000457 fue actualizada.'], ['BNS'], new Set())?.caseNumber).toBe('BNS2026000457');
  });
  it('a case number written with the same dashes is still a case number', () => {
    expect(found('Mi caso es LMA-2023-123456')).toEqual(['LMA2023123456']);
    expect(found('案件編號：GUZ-2022-447103')).toEqual(['GUZ2022447103']);
  });
});
