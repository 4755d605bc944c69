import { describe, expect, it } from 'vitest';
import { compileSubjectRules, lastNameAfter, matchConvention, stripSubjectPrefixes, subjectOpensAs, withoutReplyPrefixes } from '../../../src/core/subject.js';

const rules = compileSubjectRules(['re', 'fw', 'fwd', 'rv', 'res', 'aw', 'wg', '回复', '答复', '转发'], {
  iv_inquiry: 'IV Inquiry',
  iv_cancellation: 'IV appointment cancellation',
  iv_missed_appointment: 'Missed IV appointment',
  iv_early_appointment: 'Early appointment',
});

describe('stripSubjectPrefixes', () => {
  it.each([
    ['RE: IV Inquiry', 'IV Inquiry'],
    ['RV: RE: Fwd: IV Inquiry', 'IV Inquiry'],
    ['Fwd: [EXTERNAL] IV-Inquiry: X', 'IV-Inquiry: X'],
    ['回复: IV Inquiry', 'IV Inquiry'],
    ['答复：转发：Early appointment', 'Early appointment'],
    ['AW: WG: Missed IV appointment', 'Missed IV appointment'],
    ['Re[2]: RES: early appointment', 'early appointment'],
    ['【外部】RE: IV Inquiry', 'IV Inquiry'],
  ])('%s -> %s', (subject, expected) => {
    expect(stripSubjectPrefixes(subject, rules)).toBe(expected);
  });

  it('keeps a word that only looks like a prefix', () => {
    expect(stripSubjectPrefixes('Reprogramación de cita', rules)).toBe('Reprogramación de cita');
  });
});

describe('matchConvention', () => {
  it.each([
    ['IV Inquiry LMA2023123456 Quispe', 'iv_inquiry'],
    ['iv inquiry lma2023123456 huaman', 'iv_inquiry'],
    ['IV-Inquiry: LMA-2023-004512 Torres', 'iv_inquiry'],
    ['IVInquiry LMA2023123456', 'iv_inquiry'],
    ['IV appointment cancellation', 'iv_cancellation'],
    ['iv  appointment   CANCELLATION', 'iv_cancellation'],
    ['Missed IV appointment', 'iv_missed_appointment'],
    ['Early appointment', 'iv_early_appointment'],
    ['Early-appointment request', 'iv_early_appointment'],
  ])('%s is %s', (subject, category) => {
    expect(matchConvention(subject, rules)?.category).toBe(category);
  });

  it.each(['Consulta sobre mi cita', 'IV Inquiries about status', 'Missed appointment', 'Fiance visa K1 status?'])('%s carries no convention', (subject) => {
    expect(matchConvention(subject, rules)).toBeNull();
  });
});

describe('lastNameAfter', () => {
  it.each([
    [' Quispe', 'Quispe'],
    [' Rodríguez', 'Rodríguez'],
    [' - Acuña', 'Acuña'],
    [' de la Cruz', 'de la Cruz'],
    [' PEREZ - urgente', 'PEREZ'],
    [' Chen (second message)', 'Chen'],
    ['', null],
    [' 2025', null],
    [' -', null],
  ])('%j -> %j', (rest, expected) => {
    expect(lastNameAfter(rest)).toBe(expected);
  });
});

describe('lastNameAfter: where a name ends (stress round 5)', () => {
  it.each([
    ['Acosta y BNS2023022222 Acosta', 'Acosta'],
    ['Zhou 急!!!', 'Zhou'],
    ['Pérez URGENTE', 'Pérez'],
    ['Gómez Ortiz 2nd request', 'Gómez Ortiz'],
    ['Wong 黄', 'Wong'],
    ['陈', '陈'],
  ])('%j -> %j', (rest, expected) => expect(lastNameAfter(rest)).toBe(expected));
});

describe('subjectOpensAs: reply or forward', () => {
  it.each([
    ['Re: IV Inquiry', 'reply'],
    ['AW: Termin', 'reply'],
    ['[EXTERNAL] RE[2]: Consulta', 'reply'],
    ['回复：面谈', 'reply'],
    ['RV: Estafa', 'forward'],
    ['Fwd: scam', 'forward'],
    ['转发：诈骗', 'forward'],
    ['IV Inquiry LMA2023123456 Perez', null],
    ['Reunión con el consulado', null],
  ] as const)('%j -> %s', (subject, kind) => expect(subjectOpensAs(subject)).toBe(kind));

  it('withoutReplyPrefixes removes every leading prefix, and only those', () => {
    expect(withoutReplyPrefixes('RE: RV: Re: IV Inquiry LMA2023123456 Vargas')).toBe('IV Inquiry LMA2023123456 Vargas');
    expect(withoutReplyPrefixes('Reunión: cita')).toBe('Reunión: cita');
  });
});

describe('a placeholder is not a last name (stress round 16)', () => {
  it.each([' [LAST NAME]', ' <apellido>', ' {姓氏}', ': [Applicant Last Name]'])('%j', (rest) => expect(lastNameAfter(rest)).toBeNull());
  it('a name after the case number is still read', () => expect(lastNameAfter(' Quispe Mamani')).toBe('Quispe Mamani'));
});
