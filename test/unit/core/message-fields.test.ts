import { describe, expect, it } from 'vitest';
import { findEmergency, hasApplicantName, hasContact } from '../../../src/core/message-fields.js';
import { shippedRules } from '../../helpers/message.js';
import { prepareText } from '../../../src/core/normalize-text.js';

const rules = await shippedRules('LMA');
const own = new Set(['ivlima@state.example']);

describe('hasContact', () => {
  it.each([
    'Teléfono: +51 987 654 321',
    'Tel: +54 9 11 5555 0101',
    'call me at (01) 555-1234',
    '电话：+86 138 0000 1234',
    'mi correo es ana.perez@example.com',
    'Caso: BNS2024003391\nCel: 11 5555-0198',
  ])('finds a contact in %j', (text) => expect(hasContact(text, own)).toBe(true));

  it.each([
    'Caso: BNS2023121212',
    'mi entrevista del 18 de marzo de 2025',
    'nacido el 14/02/1988',
    'cita el 2025-03-20 a las 08:30',
    'escribo a ivlima@state.example',
  ])('finds none in %j', (text) => expect(hasContact(text, own)).toBe(false));
});

describe('hasApplicantName', () => {
  it.each(['Solicitante principal: Federico Ruiz', 'Principal applicant: Liang Wei', '主申请人姓名：刘芳', 'mi nombre es Wilmer Huaman'])('finds %j', (text) =>
    expect(hasApplicantName(text, prepareText(text), rules.applicantNameLabels)).toBe(true),
  );
  it.each(['Solicito cancelar el turno.', 'Solicitante principal:', 'Gracias'])('finds none in %j', (text) =>
    expect(hasApplicantName(text, prepareText(text), rules.applicantNameLabels)).toBe(false),
  );
});

describe('findEmergency', () => {
  it.each(['Mi madre fue diagnosticada con cáncer', 'my father passed away last week', '我父亲病危住院', 'es una emergencia médica'])('%j is an emergency', (text) =>
    expect(findEmergency(prepareText(''), prepareText(text), rules.emergency)).not.toBeNull(),
  );
  it.each([
    'Quisiera saber el estado de mi caso',
    'URGENT: when is my interview?',
    'Estoy embarazada. Quiero aclarar que no se trata de una emergencia.',
    'This is not an emergency, but could the interview be earlier?',
  ])('%j is not', (text) => expect(findEmergency(prepareText(''), prepareText(text), rules.emergency)).toBeNull());
});
