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
  it.each(['Solicitante principal: Federico Ruiz', 'Principal applicant: Liang Wei', '主申请人姓名：刘芳', 'mi nombre es Wilmer Huaman', '申请人王杰，案件号GUZ2024109905', 'GUZ2024109905 王杰 13829907766'])('finds %j', (text) =>
    expect(hasApplicantName(text, prepareText(text), rules.applicantNameLabels)).toBe(true),
  );
  it.each(['Solicito cancelar el turno.', 'Solicitante principal:', 'Gracias', '案件号：GUZ2024106614，申请人暂时无法按时参加12月2日的面谈，申请取消预约。'])('finds none in %j', (text) =>
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

describe('findEmergency: history is not a plea', () => {
  const find = (text: string) => findEmergency(prepareText(''), prepareText(text), rules.emergency);
  it.each([
    'Mi papá falleció hace cinco años; ¿llevo el acta de defunción?',
    'My mother had heart surgery three years ago. Does she bring the records?',
    'mi mamá murió el año pasado y era la peticionaria',
    '我父亲十年前得过癌症，已经治好了。',
    '我几年前做过手术，需要带病历吗？',
  ])('%j is not urgent', (text) => expect(find(text)).toBeNull());

  it.each([
    'Mi padre falleció ayer y necesitamos viajar al funeral.',
    'Two years ago we applied. Now my father is in intensive care in Miami.',
    '我们三年前递交的申请，现在母亲病危住院。',
    'My mother had surgery years ago, and yesterday she had a stroke.',
    'My mother had cancer three years ago, and now it came back.',
    'A mi papá lo operaron del corazón hace dos años y ahora está hospitalizado otra vez.',
    '我母亲三年前得过癌症，又复发了。',
  ])('%j still is', (text) => expect(find(text)).not.toBeNull());
});

describe('contacts and emergencies, stress round 4', () => {
  it.each(['mi hijo Jorge, DNI 45678912, no podrá viajar', '主申请人：周晓燕，护照号码E12345678', 'Pasaporte N° 123456789'])('an identity number is not a phone: %j', (text) =>
    expect(hasContact(text, own)).toBe(false),
  );
  it('a phone beside an identity number is still found', () => expect(hasContact('DNI 45678912, celular 987 654 321', own)).toBe(true));

  const find = (text: string) => findEmergency(prepareText(''), prepareText(text), rules.emergency);
  it.each(['Para asuntos urgentes puede comunicarse con la Dra. Chávez.', 'For urgent matters, please call +1 305 555 0199.', '如有急事请致电 186 8899 0011。', 'En caso de emergencia llame al 555.'])(
    'a conditional is not a plea: %j',
    (text) => expect(find(text)).toBeNull(),
  );
  it.each(['Solicito una cita para una emergencia médica.', 'A mi esposo lo operan del corazón la próxima semana.', '我父亲肺癌晚期，时间可能不多了。', 'My father has weeks to live.'])(
    '%j is a plea',
    (text) => expect(find(text)).not.toBeNull(),
  );
});

describe('findEmergency: a year long past is history', () => {
  const find = (text: string, year: number | null = 2025) => findEmergency(prepareText(''), prepareText(text), rules.emergency, year);
  it('a death named by its year, two or more years before the message, is not a plea', () => {
    expect(find('Mi primera esposa falleció en 2016 y me casé con Ana en 2019. ¿Qué documento llevo?')).toBeNull();
    expect(find('我母亲2015年去世，请问需要死亡证明吗？')).toBeNull();
  });
  it('last year, an unknown message date, or a plea of now still count', () => {
    expect(find('Mi padre falleció en 2024 y necesito viajar.')).not.toBeNull();
    expect(find('mi primera esposa falleció en 2016', null)).not.toBeNull();
    expect(find('Mi madre tuvo cáncer en 2019 y ahora volvió.')).not.toBeNull();
    // A bare "now" after it speaks of something else (stress round 20).
    expect(find('Mi padre falleció en 2019 y mi peticionaria es ahora mi madre.')).toBeNull();
    expect(find('我父亲2019年已经去世，现在的担保人是我姐姐。')).toBeNull();
  });
});

describe('hasApplicantName: a full name in a sentence', () => {
  const has = (text: string) => hasApplicantName(text, prepareText(text), rules.applicantNameLabels);
  it.each([
    'Solicito cancelar la cita de mi hijo Jorge Luis Pérez Soto, DNI 45678912.',
    'Yo, Carmen Rosa Flores Paredes, titular del caso, no pude asistir.',
    'I am writing on behalf of my client Ana María Ruiz to cancel her interview.',
    'My daughter Emily Chen missed her interview.',
    'El turno a cancelar es el del 3 de diciembre, a nombre de GÓMEZ, Lucía Inés.',
    'La cita a nombre de QUISPE MAMANI, Rosa Elena no se usará.',
    'Caso BNS2024061190 - Brian Nahuel Castro - cel 221 15-455-7812',
  ])('finds %j', (text) => expect(has(text)).toBe(true));
  it.each(['Mi hijo no podrá asistir a la entrevista en Lima.', 'Soy Rosa, quiero cancelar la cita.', 'I am Peruvian and my interview is on Monday.', 'Quiero cancelar la cita del Consulado General.'])(
    'finds none in %j',
    (text) => expect(has(text)).toBe(false),
  );
});

describe('stress round 5: contacts, names, emergencies', () => {
  it('a date with its time is not a phone number', () => {
    expect(hasContact('Passport No.: EJ8765432\nInterview date: 2025.06.18 09:30', own)).toBe(false);
    expect(hasContact('cita el 18/06/2025 a las 9:30', own)).toBe(false);
  });
  const has = (text: string) => hasApplicantName(text, prepareText(text), rules.applicantNameLabels);
  it.each(['Escribo por mi papá, el señor Víctor Hugo Chávez Llanos.', 'I interpret for Mrs. Flor de María Ccahuana Quispe.', 'Her name is Valentina Ruiz Domínguez.', '我女儿刘晓燕原定于三月面谈。'])(
    'a name after a cue and an honorific, or a Chinese relative by name: %j',
    (text) => expect(has(text)).toBe(true),
  );
  const find = (text: string, year: number | null = 2025) => findEmergency(prepareText(''), prepareText(text), rules.emergency, year);
  it('a now somewhere else in the text does not bring a long-past death back', () => {
    expect(find('Mi padre falleció en 2019. ¿Está todo completo ahora?')).toBeNull();
  });
  it.each(['Soy médica especialista en cirugía general.', 'Necesito un pasaporte de emergencia para la boda.'])('a job or a service is not a plea: %j', (text) =>
    expect(find(text)).toBeNull(),
  );
  it.each(['Le encontraron un tumor maligno, le queda poco tiempo.', '我女儿查出淋巴瘤。', 'He needs a kidney transplant next week.'])('%j is a plea', (text) =>
    expect(find(text)).not.toBeNull(),
  );
});

describe('findEmergency: "now" belongs to its own clause (stress round 5)', () => {
  const find = (text: string) => findEmergency(prepareText(''), prepareText(text), rules.emergency, 2025);
  it('a "now" two clauses on, about something else, does not bring a death back', () =>
    expect(find('我们的担保人原来是我父亲，他2018年去世以后，移民局批准了人道主义复审，现在的担保人是我哥哥。')).toBeNull());
  it('the clause right after it does', () => expect(find('Mi madre tuvo cáncer en 2019, y ahora volvió.')).not.toBeNull());
});

describe('a template pasted with its placeholders left (stress round 16)', () => {
  const has = (text: string) => hasApplicantName(text, prepareText(text), rules.applicantNameLabels);
  it('an unfilled "[NOMBRE DEL SOLICITANTE]" names nobody; a name written in brackets still does', () => {
    expect(has('Solicito la cancelación del turno de [NOMBRE DEL SOLICITANTE], caso N° [NÚMERO DE CASO].')).toBe(false);
    expect(has('Nombre del solicitante: [Rosa Elena Quispe]')).toBe(true);
  });
});

describe('findEmergency, stress round 20', () => {
  const find = (text: string) => findEmergency(prepareText(''), prepareText(text), rules.emergency, 2026);
  it.each(['MI MAMÁ SE MUERE, necesito viajar ya', 'Mi esposo tuvo un accidente en Texas y está en coma.', 'mi papa esta en cuidados intencivos, es una hemergencia', '我父亲车祸后一直昏迷'])('pleads: %j', (text) =>
    expect(find(text)).not.toBeNull(),
  );
  it.each(['Soy enfermera de terapia intensiva y no pude dejar mi turno en la UCI.', 'I work as an intensive care physician at the Critical Care Medicine department.'])('a profession is no plea: %j', (text) =>
    expect(find(text)).toBeNull(),
  );
});

describe('hasApplicantName: more ways people name the applicant', () => {
  it.each([
    'quiero cancelar el turno de mi viejo, Roberto Daniel Fernandez, caso BNS2024098823',
    'I want to cancel la cita de mi abuela 陈美玲 (CHEN MEILING), case GUZ2024072219',
    '我要取消我老公的移民面签预约，他叫刘建国，案件号：GUZ2024101177',
    'perdi el turno porque estoy internada.\nValeria Medina, caso BNS2024069901',
    'SEÑORES BUENOS DIAS CANCELEN MI CITA POR FAVOR SOY ROSA ELVIRA CCAHUANA QUISPE CASO LMA2024093310',
  ])('finds one in %j', (text) => expect(hasApplicantName(text, prepareText(text), rules.applicantNameLabels)).toBe(true));

  it.each(['CANCELEN LA CITA POR FAVOR SOY LA MADRE DEL SOLICITANTE CASO LMA2024093310', 'la cita de mi abuela 她年纪大了, caso GUZ2024072219'])('finds none in %j', (text) =>
    expect(hasApplicantName(text, prepareText(text), rules.applicantNameLabels)).toBe(false),
  );
});
