import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../../src/core/classify-message.js';
import { makeMessage, shippedRules } from '../../helpers/message.js';

const lma = await shippedRules('LMA');
const guz = await shippedRules('GUZ');
const classify = (o: Parameters<typeof makeMessage>[0], rules = lma) => classifyMessage(makeMessage(o), rules);

describe('contract decisions', () => {
  it('a conforming inquiry is acknowledged and routed', () => {
    const d = classify({ subject: 'IV Inquiry LMA2023123456 Perez', newText: 'Quisiera saber el estado de mi caso. Tel +51 987 654 321' });
    expect(d).toMatchObject({ category: 'iv_inquiry', caseNumber: 'LMA2023123456', lastName: 'Perez', problems: [], autoReply: 'iv_inquiry_ack', route: { queue: 'iv-status', priority: 'normal' } });
  });

  it('another post’s case number gets "not at this post" and no ticket', () => {
    const d = classify({ subject: 'IV Inquiry BGT2022456789 Rojas', newText: 'Mi caso está en Bogotá.' });
    expect(d).toMatchObject({ caseNumber: 'BGT2022456789', problems: ['foreign_case_number'], autoReply: 'case_not_at_post', route: null });
  });

  it('an IV request without a case number gets the correction reply and no ticket', () => {
    const d = classify({ subject: 'Missed IV appointment', newText: 'I missed my interview. Principal applicant: Ana Perez. Phone +51 966 123 456' });
    expect(d).toMatchObject({ category: 'iv_missed_appointment', problems: ['missing_case_number'], autoReply: 'correction_missing_case_number', route: null });
  });

  it('a nonconforming subject with this post’s case number is still routed', () => {
    const d = classify({ subject: 'Consulta', newText: 'Solicito cancelar mi cita del 20 de marzo. Caso LMA2023556677. Solicitante principal: Martín Vargas. Correo: mv@example.com' });
    expect(d).toMatchObject({ category: 'iv_cancellation', problems: ['nonconforming_subject'], route: { queue: 'iv-scheduling' } });
  });

  it('cancellation without contact and applicant name lists both problems, still routed', () => {
    const d = classify({ subject: 'IV appointment cancellation', newText: 'Cancelen mi cita por favor. Caso LMA2023556677.' });
    expect(d.problems).toEqual(['missing_applicant_name', 'missing_contact']);
    expect(d.route).not.toBeNull();
  });

  it('an inquiry without a last name in the subject', () => {
    expect(classify({ subject: 'IV Inquiry LMA2023778812', newText: 'Estado de mi caso' }).problems).toEqual(['missing_last_name']);
  });

  it('an emergency plea raises priority to urgent', () => {
    const d = classify({ subject: 'Early appointment', newText: 'My father passed away and I must travel. Case LMA2022331100.' });
    expect(d.route?.priority).toBe('urgent');
    expect(d.emergency).toBe(true);
  });

  it('machine mail is never answered nor routed, but its case number is reported', () => {
    const d = classify({ subject: 'Respuesta automática: RE: IV Inquiry LMA2023123456 Quispe', headers: { 'x-autoreply': ['yes'] }, newText: 'Estoy de vacaciones.' });
    expect(d).toMatchObject({ category: 'auto_generated', caseNumber: 'LMA2023123456', autoReply: null, route: null, problems: [], lastName: null });
  });

  it('a person replying to an auto-reply is answered', () => {
    const d = classify({ subject: 'Re: Automatic reply: IV Inquiry LMA2023123456 Perez', inReplyTo: '<a@example.com>', newText: 'Your automatic reply did not answer my question about my case.' });
    expect(d.category).toBe('iv_inquiry');
    expect(d.autoReply).not.toBeNull();
  });
});

describe('intent when the subject breaks the convention', () => {
  it.each([
    ['fraud (es)', 'Fwd: ¡Felicidades!', 'Me llegó este correo, ¿es real? Me piden pagar por Western Union.', 'fraud_report'],
    ['fraud (en)', 'Is this legit?', 'Someone who says he is a visa agent guarantees my visa if I pay a processing fee. Is this a scam?', 'fraud_report'],
    ['DV (en)', 'DV-2026 selectee', 'I was selected in the DV-2026 and my number is 2026SA00001234. When is my interview?', 'dv_lottery'],
    ['NIV (es)', 'Visa de turista', 'Quiero viajar a Miami con visa de turista B1/B2. ¿Cómo saco la cita?', 'niv'],
    ['NIV student (en)', 'Student visa', 'I was admitted to a US university and need an F-1 visa. What documents for the interview?', 'niv'],
    ['missed (en)', 'My interview', 'I could not attend my immigrant visa interview yesterday. Please give me a new appointment.', 'iv_missed_appointment'],
    ['early (es)', 'Solicitud', 'Quisiera adelantar mi entrevista de visa de inmigrante porque empiezo a trabajar en junio.', 'iv_early_appointment'],
    ['cancellation (zh)', '预约面谈取消', '我需要取消移民签证面谈预约。', 'iv_cancellation'],
    ['inquiry (zh)', '询问案件进度', '请问我的移民签证案件进度如何？', 'iv_inquiry'],
    ['general (es)', 'Horario', '¿Atienden el lunes feriado? Necesito una certificación notarial.', 'general'],
  ])('%s', (_what, subject, newText, category) => {
    expect(classify({ subject, newText }, category.startsWith('iv') && /[\u4e00-\u9fff]/.test(newText) ? guz : lma).category).toBe(category);
  });

  it('a DV selectee with an NVC-looking number is not confused with one; an NVC number makes it IV', () => {
    expect(classify({ subject: 'Consulta', newText: 'Salí seleccionado en la lotería de visas DV-2026. ¿Cuándo es la entrevista?' }).category).toBe('dv_lottery');
    expect(classify({ subject: 'Consulta', newText: 'Mi caso LMA2023123456, ¿cuándo es la entrevista?' }).category).toBe('iv_inquiry');
  });

  it('a bare forward is read through its forwarded text', () => {
    const d = classify({ subject: 'Fwd: Premio', newText: 'FYI', quotedText: 'Usted ha ganado la Green Card. Deposite USD 350 por Western Union. Es una estafa?' });
    expect(d.category).toBe('fraud_report');
  });
});

describe('reply languages', () => {
  it('puts the sender’s language first and keeps the post’s others', () => {
    expect(classify({ subject: 'IV Inquiry LMA2023123456 Keller', newText: 'Hello, could you tell me the status of my case? Thank you.' }).replyLanguages).toEqual(['en', 'es']);
    expect(classify({ subject: 'IV Inquiry LMA2023123456 Keller', newText: 'Hola, quisiera saber el estado de mi caso. Gracias.' }).replyLanguages).toEqual(['es', 'en']);
    expect(classify({ subject: 'IV Inquiry GUZ2023123456 Chen', newText: '您好，我想查询案件进度。' }, guz).replyLanguages).toEqual(['zh', 'en']);
  });
});

describe('replySubject', async () => {
  const { replySubject } = await import('../../../src/core/compose-reply.js');
  it.each([
    ['Re: IV Inquiry LMA2023123456 Perez', 'IV Inquiry LMA2023123456 Perez', 'Re: IV Inquiry LMA2023123456 Perez'],
    ['Your case is not at this post', 'IV Inquiry BGT2022456789 Rojas', 'Re: IV Inquiry BGT2022456789 Rojas'],
    ['Your case is not at this post', 'RE: IV Inquiry BGT2022456789 Rojas', 'RE: IV Inquiry BGT2022456789 Rojas'],
    ['Diversity Visa information', '', 'Diversity Visa information'],
  ])('%j for %j -> %j', (template, original, expected) => {
    expect(replySubject(template, original)).toBe(expected);
  });
});

describe('scheduling concerns and missing by circumstance', () => {
  it.each([
    ['please reschedule my upcoming interview -> early', 'Interview date', 'Could you please reschedule my upcoming interview? Case LMA2024011234.', 'iv_early_appointment'],
    ['reprogramar mi próxima entrevista -> early', 'Reprogramación de entrevista', 'Por favor reprogramar mi próxima entrevista. Caso LMA2024077120.', 'iv_early_appointment'],
    ['a flight cancelled is not a cancellation request', 'my interview', 'I was not able to go to my interview because my flight was cancelled. LMA2024090901', 'iv_missed_appointment'],
    ['no pude llegar -> missed', 'Cita perdida', 'No pude llegar a mi entrevista por un paro. Caso LMA2024066331.', 'iv_missed_appointment'],
    ['missed words outweigh a new date', 'Reprogramación', 'No asistí a la entrevista, necesito reprogramar. Caso LMA2024066331.', 'iv_missed_appointment'],
  ])('%s', (_what, subject, newText, category) => {
    expect(classify({ subject, newText }).category).toBe(category);
  });
});

const bns = await shippedRules('BNS');

describe('people’s wording of scheduling, scams and citizen services (stress round 3)', () => {
  it.each([
    'Quiero dar de baja el turno de mi papá, ya no viaja. Caso BNS2023551122.',
    'Por favor le den de baja al turno de mi hermana. Caso BNS2023551122.',
    'Necesito suspender la cita de mi esposa. Caso BNS2023551122.',
    'We no longer need the appointment, my son stays in Argentina. Case BNS2023551122.',
  ])('a cancellation in other words: %j', (newText) => {
    expect(classify({ subject: 'Consulta', newText }, bns)).toMatchObject({ category: 'iv_cancellation', route: { queue: 'iv-scheduling' } });
  });

  it.each([
    'Tengo turno el 12 de agosto, ¿me podés pasar el turno para septiembre? Caso BNS2024012345.',
    '¿Me podrían mover la entrevista para la semana siguiente? Caso BNS2024012345.',
  ])('moving a scheduled appointment is a scheduling concern: %j', (newText) => {
    expect(classify({ subject: 'Turno', newText }, bns).category).toBe('iv_early_appointment');
  });

  it('moving the interview, Chinese word order (面谈改到)', () => {
    expect(classify({ subject: '面谈时间', newText: '我们的面谈能不能改到十二月？案件号：GUZ2024131415' }, guz).category).toBe('iv_early_appointment');
  });

  it('someone missing the appointment is still missed, not a scheduling concern', () => {
    expect(classify({ subject: 'Turno', newText: 'No llegué al turno del martes, ¿me podés pasar el turno para otro día? Caso BNS2024012345.' }, bns).category).toBe(
      'iv_missed_appointment',
    );
  });

  it('a scam question wins over the case number it mentions', () => {
    const d = classify(
      { subject: 'Fwd: WhatsApp', newText: 'Someone saying they work at the embassy told my mom to pay USD 300 to keep her appointment, case BNS2024040001. Is it legit?' },
      bns,
    );
    expect(d).toMatchObject({ category: 'fraud_report', caseNumber: 'BNS2024040001', problems: [], route: { queue: 'fraud-prevention' } });
  });

  it('a fee question is not a scam report', () => {
    expect(classify({ subject: 'Fee', newText: 'Is it true that I have to pay USD 325 for the visa fee before my interview? Case LMA2023123456.' }).category).not.toBe('fraud_report');
  });

  it.each(['我是美国公民，在广州旅游时护照丢了，怎么补办？', 'Soy ciudadano estadounidense y me robaron el pasaporte durante las vacaciones en Cusco.'])(
    'a US citizen’s lost passport is general correspondence: %j',
    (newText) => expect(classify({ subject: 'Pasaporte', newText }).category).toBe('general'),
  );

  it('a death years ago, mentioned for a document, does not raise the priority', () => {
    const d = classify({ subject: 'IV Inquiry BNS2024020202 Pereyra', newText: 'Mi papá falleció hace cinco años. ¿Presento el acta de defunción?' }, bns);
    expect(d.route).toEqual({ queue: 'iv-status', priority: 'normal' });
  });
});

describe('a short reply is read without its quote (stress round 4)', () => {
  it('a one-line correction under our reply is an inquiry, not the scheduling words our reply lists', () => {
    const quotedText = 'Gracias por su mensaje. Asuntos aceptados: IV Inquiry, IV appointment cancellation, Missed IV appointment, Early appointment (cita anticipada por emergencia médica grave).';
    const d = classify({ subject: 'Re: Consulta', inReplyTo: '<ack@state.example>', newText: 'Perdón, el número de caso es LMA2024003318.', quotedText });
    expect(d.category).toBe('iv_inquiry');
    expect(d.emergency).toBe(false);
  });

  it('a full-width subject reads as the convention', () => {
    const d = classify({ subject: 'ＩＶ　Ｉｎｑｕｉｒｙ　ＧＵＺ２０２３１２３４５６　黄', newText: '请问我的案件进度。电话 138 0000 1234' }, guz);
    expect(d).toMatchObject({ category: 'iv_inquiry', caseNumber: 'GUZ2023123456', lastName: '黄', problems: [] });
  });
});

describe('subjects with the case number first (stress round 5)', () => {
  it('the last name is read after the convention, not from it', () => {
    const d = classify({ subject: 'LMA2024056789 IV Inquiry Quispe Mamani', newText: 'Consulta por el estado del caso.' });
    expect(d.lastName).toBe('Quispe Mamani');
  });
});

describe('what people write, told apart (stress round 8)', () => {
  it('a cancelled flight is not an appointment cancellation; "cancelen ese turno" is one', () => {
    const flight = classify({ subject: 'Cancelaron mi vuelo - consulta caso LMA2024093345', newText: 'Tuve que cancelar el vuelo porque la visa no llega. ¿Me podrían decir si ya está todo completo?' });
    expect(flight.category).toBe('iv_inquiry');
    const turn = classify({ subject: 'No voy a poder ir a la entrevista', newText: 'Soy Julieta Vega Morales, caso LMA2025011230. Por favor cancelen ese turno. Mi cel es 987 667 889.' });
    expect(turn).toMatchObject({ category: 'iv_cancellation', problems: ['nonconforming_subject'] });
  });

  it('moving a case to another post is not a money transfer (no fraud report); a transfer of money asked for is', () => {
    const move = classify({ subject: 'Transferir mi caso de Ciudad Juárez a Lima', newText: 'Tengo un caso CDJ2024077412. ¿Se puede transferir el caso a Lima?' });
    expect(move).toMatchObject({ category: 'iv_inquiry', problems: ['foreign_case_number', 'nonconforming_subject'] });
    const scam = classify({ subject: 'Consulta', newText: 'Un señor que dice ser de la embajada me pidió transferir 1500 soles para adelantar mi cita. ¿Es real?' });
    expect(scam.category).toBe('fraud_report');
  });

  it('a note written to thank is general even with a case number; with a question it is an inquiry again', () => {
    const thanks = classify({ subject: '¡Muchas gracias!', newText: 'Quería agradecerles a todos, ya me llegó el pasaporte con la visa (caso LMA2024019955). La atención fue excelente.' });
    expect(thanks).toMatchObject({ category: 'general', caseNumber: 'LMA2024019955' });
    const zh = classify({ subject: '感谢信', newText: '我是林婉婷，K-1签证案件GUZ2025003361。上周收到了护照和签证，非常感谢你们的耐心和专业。' }, guz);
    expect(zh.category).toBe('general');
    const asks = classify({ subject: '¡Muchas gracias!', newText: 'Quería agradecerles por la entrevista (caso LMA2024019955). ¿Cuándo me devuelven el pasaporte?' });
    expect(asks.category).toBe('iv_inquiry');
  });

  it('the applicant named right after "Soy" at a sentence start, or in capitals after a relative, is a name', () => {
    const soy = classify({ subject: 'perdi el turno de la entrevista!!', newText: 'Hola, ¿cómo están? Soy Camila Ferreyra, caso LMA2024055190. Perdí el turno. Mi cel es +51 941 555 872' });
    expect(soy.problems).toEqual(['nonconforming_subject']);
    const caps = classify({ subject: 'IV appointment cancellation', newText: "I'm the petitioner for my mother, TAN SHUFEN, case number GUZ 2024 102 776. Please cancel her interview. Phone: +1 206 555 0152" }, guz);
    expect(caps).toMatchObject({ category: 'iv_cancellation', problems: [] });
    const shouting = classify({ subject: 'IV appointment cancellation', newText: 'MI HIJO TIENE CITA EL LUNES Y NO PUEDE IR, CANCELEN LA CITA. CASO LMA2024055190. CEL 987 654 321' });
    expect(shouting.problems).toContain('missing_applicant_name');
  });
});

describe('forwards, notices and recoveries (stress rounds 9 and 10)', () => {
  const nvcLetter =
    'Dear XU, HAORAN,\nYour immigrant visa interview has been scheduled.\nCase Number: GUZ2024160028\nIf you are unable to attend your interview, you must contact the Embassy or Consulate to reschedule or cancel your appointment. Failure to attend may delay your case.';

  it('a forwarded letter\'s "reschedule or cancel" is not the sender\'s request; the sender\'s own words are', () => {
    const asks = classify({ subject: '转发：Interview scheduled', newText: '我收到了下面这封邮件，请问面谈需要带哪些材料？', quotedText: nvcLetter }, guz);
    expect(asks).toMatchObject({ category: 'iv_inquiry', caseNumber: 'GUZ2024160028' });
    const cancels = classify({ subject: '转发：Interview scheduled', newText: '请取消这个面谈预约，我们不移民了。', quotedText: nvcLetter }, guz);
    expect(cancels.category).toBe('iv_cancellation');
  });

  it('the applicant named in what the sender forwards, or signing a request about their own interview, is named', () => {
    const forwarded = classify({
      subject: 'RV: Confirmación de turno',
      newText: 'Les escribo para cancelar el turno que figura abajo. Cel. 351 612-4400',
      quotedText: 'Estimado(a) paciente:\nSolicitante principal: Gabriel Hernán Paz\nCaso: LMA2024112093',
    });
    expect(forwarded).toMatchObject({ category: 'iv_cancellation', problems: ['nonconforming_subject'] });
    const signed = classify({ subject: 'Entrevista', newText: 'No pude asistir a mi entrevista del caso LMA2024140022. Solicito una nueva fecha.\n\nJuan Carlos Mendoza Alva\nCelular 956 330 214' });
    expect(signed).toMatchObject({ category: 'iv_missed_appointment', problems: ['nonconforming_subject'] });
    // A petitioner's signature under someone else's interview does not name the applicant.
    const petitioner = classify({ subject: 'Entrevista', newText: 'Mi hijo no pudo asistir a la entrevista del caso LMA2024140022. Pido una nueva fecha.\n\nRosa Alva Torres\nCelular 956 330 214' });
    expect(petitioner.problems).toContain('missing_applicant_name');
  });

  it('a stay in hospital that ended is history; what the text says after the recovery still pleads', () => {
    const over = classify({ subject: 'Missed IV appointment LMA2023188410', newText: 'No pude asistir porque me operaron de emergencia. Ya me dieron de alta el viernes y me encuentro bien. Solicito nueva fecha. Solicitante principal: Luis Ramos. Tel 999 812 004' });
    expect(over.route?.priority).not.toBe('urgent');
    const again = classify({ subject: 'Missed IV appointment LMA2023188410', newText: 'Mi madre tuvo un infarto, ya le dieron el alta, pero ahora está en terapia intensiva otra vez. Solicitante principal: Ana Ramos. Tel 999 812 004' });
    expect(again.route?.priority).toBe('urgent');
    const okay = classify({ subject: 'IV Inquiry LMA2023188410 Ramos', newText: 'Mi padre tiene cáncer terminal. ¿Está bien si adjunto el certificado médico?' });
    expect(okay.route?.priority).toBe('urgent');
  });

  it('business visas in the plural are NIV; a DS-260 or "mi hija me pidió" is an IV matter', () => {
    expect(classify({ subject: 'Consulta visas de negocios - feria', newText: '¿Existe algún procedimiento para solicitar un turno anticipado por viaje de negocios?' }).category).toBe('niv');
    const ds260 = classify({ subject: 'RE: Respuesta automática: Estado de mi visa', newText: 'No tengo número de caso, solo el número de confirmación del DS-260. Mi hija me pidió desde Miami, ella es ciudadana americana. ¿Qué número debo poner?' });
    expect(ds260).toMatchObject({ category: 'iv_inquiry', problems: ['missing_case_number', 'nonconforming_subject'] });
  });

  it('a payment to someone who said he was from the consulate, and "¿esto es de ustedes?", is a fraud report', () => {
    const d = classify({ subject: 'Fwd: Constancia de pago', newText: 'Un señor por WhatsApp me dijo que era del consulado y que por 480 soles me daba una cita prioritaria para la visa de turista de mi hija. Le pagué y ya no contesta. ¿Esto es de ustedes?' });
    expect(d.category).toBe('fraud_report');
  });
});

describe('English petitioners and the Chinese mailbox (stress rounds 11 and 12)', () => {
  it('"IV Inquiry" over a body that asks to expedite is an early-appointment request under the wrong subject', () => {
    const d = classify({ subject: 'IV Inquiry LMA2024090573 Herrera', newText: 'My wife was diagnosed with cancer. I am asking, please, for an expedited interview so she can begin treatment.' });
    expect(d).toMatchObject({ category: 'iv_early_appointment', lastName: null, problems: ['nonconforming_subject'] });
    const status = classify({ subject: 'IV Inquiry LMA2024090573 Herrera', newText: 'What is the status of my case? Thank you.' });
    expect(status).toMatchObject({ category: 'iv_inquiry', lastName: 'Herrera', problems: [] });
  });

  it('an inquiry whose subject has no valid case number (a letter O for a zero) breaks the convention', () => {
    const d = classify({ subject: 'IV Inquiry LMA2O24107755 Quispe', newText: 'What is the status of our case LMA2O24107755?' });
    expect(d.problems).toEqual(['missing_case_number', 'nonconforming_subject']);
  });

  it('a cancellation because the applicant died is not urgent; the applicant named after "interview for" is named', () => {
    const d = classify({ subject: 'IV appointment cancellation', newText: 'Please cancel the immigrant visa interview for Valeria Sosa Quiroga, case number LMA2024077301. My mother passed away last week. Phone +1 617 555 0191' });
    expect(d).toMatchObject({ category: 'iv_cancellation', problems: [], route: { priority: expect.not.stringMatching(/urgent/) } });
  });

  it('"so you can warn people" and "¿Es real esta página?" report a scam; "听说…，是真的吗？" only asks', () => {
    expect(classify({ subject: 'Fwd: Your visa fee is overdue', newText: 'My mother-in-law received the attached email and almost paid it. I am forwarding it so you can warn people.' }, guz).category).toBe('fraud_report');
    expect(classify({ subject: 'Formulario', newText: '¿Es real esta página? Me cobran 200 dólares por llenar el formulario de visa de turista.' }).category).toBe('fraud_report');
    expect(classify({ subject: 'DV抽签问题', newText: '请问中国大陆出生的人可以参加DV绿卡抽签吗？听说可以用配偶的出生地参加，是真的吗？' }, guz).category).toBe('dv_lottery');
    expect(classify({ subject: '转发：中奖通知', newText: '这封邮件是真的吗？说我中了绿卡。' }, guz).category).toBe('fraud_report');
  });

  it('Chinese: 提早面試 is early, 迟到被拒 is missed, a medical exam cancelled is not an appointment cancellation', () => {
    expect(classify({ subject: '【緊急】提早面試申請', newText: '我阿爸病危，想申請提早面試。案件編號：GUZ2024052468' }, guz)).toMatchObject({ category: 'iv_early_appointment', route: { priority: 'urgent' } });
    expect(classify({ subject: '面谈迟到被拒绝入内，怎么办', newText: '我今天早上面谈迟到了40分钟，保安说不能进。案件号: GUZ2025005566' }, guz).category).toBe('iv_missed_appointment');
    expect(classify({ subject: 'F2A 面谈排期问题', newText: '案件号 GUZ2024066432。请问什么时候能安排面谈？我之前预约的体检取消了，要不要重新约？' }, guz).category).toBe('iv_inquiry');
  });

  it('an illness the text dates in the past, in the body or only named in the subject, is not a plea', () => {
    const chemo = classify({ subject: 'IV Inquiry GUZ2023088123 ZHAO', newText: '我2023年得过乳腺癌，做过化疗，现在已经康复两年多了。请问体检时以前化疗的记录要不要翻译？' }, guz);
    expect(chemo.route?.priority).not.toBe('urgent');
    const died = classify({ subject: '关于申请人父亲去世后案件能否继续的咨询', newText: '我父亲于2019年3月在美国因病去世。请问现在案件是否还有效？案件号：GUZ2019054321' }, guz);
    expect(died.route?.priority).not.toBe('urgent');
  });
});

describe('the fields staff need, as Spanish speakers give them (stress round 14)', () => {
  it('a case-number label with an invalid number still makes it an IV question', () => {
    expect(classify({ subject: 'Estado de mi visa', newText: 'Quisiera saber el estado de mi visa.\nN° de caso: LMA2O24077310\nNombre: Ruth Mendoza' })).toMatchObject({ category: 'iv_inquiry', problems: ['missing_case_number', 'nonconforming_subject'] });
  });

  it('missed, cancelled and moved in everyday Spanish', () => {
    expect(classify({ subject: 'Cita perdida LMA2024102236', newText: 'Soy Kevin Quispe Huarcaya, el solicitante. Ayer llegué tarde y no me dejaron pasar. Mi teléfono es (01) 265-4321.' }).category).toBe('iv_missed_appointment');
    expect(classify({ subject: 'Desistimiento', newText: 'Desistimos del turno a nombre de Huenchumil, Rosa Ester, caso LMA2024066781. Cel 987 654 321' })).toMatchObject({ category: 'iv_cancellation', problems: ['nonconforming_subject'] });
    expect(classify({ subject: 'Postergar entrevista', newText: 'Mi entrevista es el 18/11 pero tengo examen final. ¿Es posible postergarla para diciembre? Caso: LMA2024098123' }).category).toBe('iv_early_appointment');
    expect(classify({ subject: 'Hola', newText: 'Mi entrevista está programada para marzo (caso LMA2024110987). ¿Habría forma de adelantarla?' }).category).toBe('iv_early_appointment');
  });

  it('the petitioner introducing themself does not name the applicant; the applicant after a relative does', () => {
    const self = classify({ subject: 'IV Appointment Cancellation', newText: 'Soy Marcelo Bianchi, el peticionante. Les pido cancelar el turno de mi esposa, caso LMA2024094455. Mi correo: marcelo.bianchi@outlook.com' });
    expect(self.problems).toContain('missing_applicant_name');
    const named = classify({ subject: 'IV Appointment Cancellation', newText: 'Soy el peticionario. Les pido cancelar el turno de mi esposa Lucía Benítez Paz, caso LMA2024094455. Mi correo: mb@outlook.com' });
    expect(named.problems).toEqual([]);
  });

  it('"hasta que me recupere" is a recovery to come: the surgery still pleads', () => {
    const d = classify({ subject: 'Postergación de entrevista por cirugía', newText: 'Caso: LMA2024064410. Me detectaron un tumor y me operan el 27 de noviembre. Necesito postergar la entrevista hasta que me recupere.' });
    expect(d.route?.priority).toBe('urgent');
  });
});

describe('the petitioner merely mentioned', () => {
  it('the applicant who introduces herself is named, even when the petitioner is mentioned too', () => {
    const d = classify({ subject: 'IV Appointment Cancellation', newText: 'Soy Ana Pérez Ruiz, la solicitante. Mi esposo, el peticionario, ya no vive en Estados Unidos. Cancelen mi turno del caso LMA2024094455. Cel 987 654 321' });
    expect(d).toMatchObject({ category: 'iv_cancellation', problems: [] });
  });
});

describe('a bare acknowledgement of our reply asks nothing (stress rounds 15 and 16)', () => {
  const quote = '> Estimado(a) Nilda Quispe Mamani:\n> Hemos recibido su consulta.\n> Referencia: LMA-2026-000812';
  it('"gracias", "ok", "收到，谢谢！" under the subject they answer are general, with the case number kept', () => {
    const reply = { inReplyTo: '<ack@state.example>', quotedText: quote };
    expect(classify({ ...reply, subject: 'Re: IV Inquiry LMA2024118734 Quispe Mamani', from: { name: 'Nilda Quispe', address: 'nq@example.com' }, newText: 'Muchas gracias, quedo atenta.\n\nNilda' })).toMatchObject({
      category: 'general',
      caseNumber: 'LMA2024118734',
      lastName: null,
      problems: [],
    });
    expect(classify({ ...reply, subject: 'Re: IV appointment cancellation LMA2024112207', newText: 'ok\n\nEnviado desde mi Samsung Galaxy' }).category).toBe('general');
    expect(classify({ ...reply, subject: '回复: IV Inquiry GUZ2024052218 Chen', from: { name: '陈晓敏', address: 'c@example.com' }, newText: '收到，谢谢！\n\n陈晓敏' }, guz).category).toBe('general');
  });
  it('a reply that adds anything, or a first message whose question is its subject, keeps its category', () => {
    const reply = { inReplyTo: '<ack@state.example>', quotedText: quote, subject: 'Re: IV Inquiry LMA2024118734 Quispe Mamani' };
    expect(classify({ ...reply, newText: 'Gracias. ¿Cuándo me darán la cita?' }).category).toBe('iv_inquiry');
    expect(classify({ ...reply, newText: 'Gracias, adjunto el certificado que faltaba.' }).category).toBe('iv_inquiry');
    expect(classify({ subject: 'IV Inquiry LMA2024118734 Quispe Mamani', newText: 'Gracias.' }).category).toBe('iv_inquiry');
  });
});

describe('a reply that asks for something else than its subject (stress round 15)', () => {
  it('under one request\'s subject, a text asking in so many words for another is that other request, nonconforming', () => {
    const d = classify(
      { subject: 'RE: Early appointment', inReplyTo: '<ack@state.example>', newText: 'Buen día. Ya no hace falta que adelanten nada: no vamos a viajar. Cancelen el turno del 15 de enero por favor.\n\nTitular: Ramiro Nicolás Acuña\nCaso BNS2024102266' },
      bns,
    );
    expect(d).toMatchObject({ category: 'iv_cancellation', problems: ['missing_contact', 'nonconforming_subject'] });
    // A text that only mentions another request keeps the subject's.
    expect(classify({ subject: 'Early appointment', newText: 'Caso BNS2024102266. Mi padre está en terapia intensiva; no queremos cancelar, necesitamos adelantar la entrevista.' }, bns).category).toBe('iv_early_appointment');
  });
  it('under the inquiry\'s subject: "请帮我取消12月8日上午的移民签证面谈", "me den una cita lo antes posible"', () => {
    expect(classify({ subject: 'Re:回复: IV Inquiry GUZ2024070062 Wang', newText: '你好，我们决定暂时不去美国了，请帮我取消12月8日上午的移民签证面谈。\n主申请人：王建平\n联系电话：139 2877 5510' }, guz).category).toBe('iv_cancellation');
    expect(classify({ subject: 'Re: IV Inquiry LMA2024140982 Lozano', newText: 'Mi mamá fue internada en cuidados intensivos. Les ruego que me den una cita lo antes posible para poder viajar a verla.' })).toMatchObject({
      category: 'iv_early_appointment',
      route: { priority: 'urgent' },
    });
  });
});

describe('a plea is in the writer\'s own words, not their signature (stress round 16)', () => {
  const doctor = 'Estimados señores:\n\nQuisiéramos saber si la visa de mi esposa ya fue emitida y cuándo llegará el pasaporte. Es una consulta administrativa.\n\nSaludos cordiales,\n\nDr. Ricardo Benavides Llosa\nJefe del Servicio de Emergencia\nClínica San Gabriel\n\n--\nEn caso de emergencia médica llame a nuestra Central de Emergencias 24 horas.';
  it('a physician\'s title and a clinic\'s notice below the sign-off plead nothing', () => {
    expect(classify({ subject: 'IV Inquiry LMA2024051176 Salinas', newText: doctor }).route).toEqual({ queue: 'iv-status', priority: 'normal' });
  });
  it('a plea above the sign-off still raises the ticket, and a short greeting line is not the sign-off', () => {
    const plea = 'Gracias.\nMi padre, el peticionario, está en cuidados intensivos desde ayer y los médicos dicen que su estado es muy grave. Caso LMA2024051176.\n\nSaludos cordiales,\nAna Salinas';
    expect(classify({ subject: 'IV Inquiry LMA2024051176 Salinas', newText: plea }).route?.priority).toBe('urgent');
  });
});

describe('one-line mails (stress round 16)', () => {
  it('"se me pasó el turno del martes, me pueden dar otro?" is a missed appointment', () => {
    expect(classify({ subject: 'turno', newText: 'se me paso el turno del martes, me pueden dar otro? BNS 2024 077 120' }, bns)).toMatchObject({
      category: 'iv_missed_appointment',
      caseNumber: 'BNS2024077120',
    });
  });
});

describe('a long story: the request is what is asked, not what happened (stress round 16)', () => {
  it('"que adelanten nuestra entrevista" after a story with a cancelled party is an early appointment', () => {
    const text = 'Mi papá murió en 2018. Ese año tuvimos que cancelar la fiesta de quince años de mi prima. Nuestro caso es LMA2023178842. A mi mamá le diagnosticaron cáncer de páncreas y está recibiendo quimioterapia. Les pido, por favor, que adelanten nuestra entrevista para poder cuidarla.';
    expect(classify({ subject: 'Nuestra historia', newText: text }).category).toBe('iv_early_appointment');
  });
  it('a trip that "没去成" (did not happen) weighs less than "请帮我取消12月15日的面谈预约"', () => {
    const text = '去年本来订了机票想带孩子去美国看看姑姑，结果因为航班被取消，最后也没去成。经过全家慎重考虑，我们决定放弃这次移民，请帮我取消12月15日的面谈预约。案件号：GUZ2023047719，主申请人：谭志强，联系电话：137 2288 6410。';
    expect(classify({ subject: '我的情况说明', newText: text }, guz).category).toBe('iv_cancellation');
  });
});

describe('a cancellation refused is not asked for (stress round 18)', () => {
  it('"NO queremos cancelar", "我们不取消面谈", even under the cancellation subject: the earlier date asked for decides', () => {
    expect(classify({ subject: 'Cita de entrevista LMA2024088231 - NO cancelar', newText: 'Por favor, NO queremos cancelar la cita. Pero sí necesitamos una fecha más próxima: los exámenes médicos vencen el 31 de enero.' }).category).toBe('iv_early_appointment');
    expect(classify({ subject: '关于面谈预约（不是取消）', newText: '案件号GUZ2024088231。我们不取消面谈，但需要更早的日期：体检报告1月10日过期。请问能否提前到1月上旬？' }, guz).category).toBe('iv_early_appointment');
    expect(
      classify({ subject: 'IV appointment cancellation', newText: 'Caso BNS2024071234. Les escribo con este asunto porque no encontré otro, pero NO queremos cancelar el turno. Lo que necesitamos es una fecha anterior: el turno es el 15 de marzo.' }, bns),
    ).toMatchObject({ category: 'iv_early_appointment', problems: ['nonconforming_subject'] });
  });
  it('a cancellation asked for after another "no" is still one', () => {
    expect(classify({ subject: 'Cancelación', newText: 'No podré viajar. Quiero cancelar mi cita, caso LMA2024088231. Ana Pérez, cel 987654321.' }).category).toBe('iv_cancellation');
  });
});

describe('visas, not appointments (stress round 17)', () => {
  it('"¿nos pueden cancelar la visa de turista?" asks about a visa, not to cancel an appointment', () => {
    const text = 'Tenemos visa de turista B1/B2. El I-130 de nuestra hija fue aprobado, caso LMA2025061200. ¿Tenemos que hacer una nueva entrevista? Si vamos de turistas mientras el caso está abierto, ¿nos pueden cancelar la visa de turista?';
    expect(classify({ subject: 'Tenemos visa de turista y nos aprobaron el I-130', newText: text }).category).toBe('iv_inquiry');
  });
});

describe("someone's own mail forwarded for them is the sender's errand (stress round 18)", () => {
  const aunt =
    '---------- Forwarded message ---------\nDe: Gregoria Quispe <g@example.com>\nSubject: Fwd: Cita consular\n\nSeñores, no podré ir a mi entrevista del 2 de diciembre, quiero cancelarla.\nMi nombre completo es Gregoria Quispe Chambi, caso LMA2024055108, mi celular es 951 330 442.\n\n________________________________\nDe: ivlima@state.example\nAsunto: Cita consular\n\nSi no puede asistir, puede reprogramar o cancelar su cita.';
  it('her request, name and phone in the forwarded layer count; the appointment letter below it does not', () => {
    const d = classify({ subject: 'Fwd: Fwd: Cita consular', newText: 'Buenas tardes, les reenvío el correo de mi tía Gregoria; ella no sabe cómo escribirles directamente. Gracias.\n\nKevin Chambi', quotedText: aunt });
    expect(d).toMatchObject({ category: 'iv_cancellation', caseNumber: 'LMA2024055108', problems: ['nonconforming_subject'] });
  });
  it('a forward of only a letter, with the sender\'s own question, is read from the sender\'s words', () => {
    const letter = '---------- Forwarded message ---------\nDe: ivlima@state.example\nAsunto: Cita consular\n\nNúmero de caso: LMA2024055108\nSi no puede asistir, puede reprogramar o cancelar su cita.';
    expect(classify({ subject: 'Fwd: Cita consular', newText: 'Buenas tardes, recibí esta carta de cita. ¿Qué documentos debo llevar a la entrevista? Tengo dudas sobre el examen médico y las fotos.', quotedText: letter }).category).toBe('iv_inquiry');
  });
});

describe('an IV subject over another kind of visa (stress round 17)', () => {
  it('a DV selectee with a KCC number under "IV appointment cancellation" is DV; a B1/B2 renewal under "IV Inquiry" is NIV', () => {
    expect(classify({ subject: 'IV appointment cancellation', newText: 'Fui seleccionado en la lotería de visas DV-2027, mi número de caso KCC es 2027SA00012345. Ya no podré ir a la entrevista de la visa de diversidad; por favor cancelen mi cita.' }).category).toBe('dv_lottery');
    expect(classify({ subject: 'IV Inquiry', newText: 'Buenas tardes, quisiera renovar mi visa de turista B1/B2 que vence en enero. ¿Puedo usar el trámite sin entrevista?' }, bns).category).toBe('niv');
  });
  it('with an NVC case number the subject keeps its IV category', () => {
    expect(classify({ subject: 'IV Inquiry LMA2024123456 Perez', newText: 'Tengo visa de turista B1/B2 vigente. ¿Puedo viajar mientras mi caso de inmigrante está pendiente?' }).category).toBe('iv_inquiry');
  });
});

describe('a paragraph that opens long ago is history (stress round 16)', () => {
  const story = (now: string) =>
    `Les escribo por nuestro caso LMA2024052918.\n\nEn 2019 falleció mi papá. Fue todo muy rápido, una semana en terapia intensiva. Fue una emergencia tras otra.\n\n${now}\n\nSaludos,\nSilvina Arce`;
  it('its sentences plead nothing, unless one brings itself back to now', () => {
    expect(classify({ subject: 'IV Inquiry LMA2024052918 Arce', newText: story('¿Ya tiene fecha de entrevista nuestro caso?'), date: '2026-11-20T12:00:00.000Z' }).route?.priority).toBe('normal');
    expect(classify({ subject: 'IV Inquiry LMA2024052918 Arce', newText: story('Ahora mi mamá está en terapia intensiva y necesitamos viajar cuanto antes.'), date: '2026-11-20T12:00:00.000Z' }).route?.priority).toBe('urgent');
  });
});

describe('a subject that stands for "IV Inquiry" without carrying it (stress round 21)', () => {
  const body = 'Buenos días, quisiera saber el estado de mi caso. Gracias.';
  it.each([
    ['Consulta IV LMA2024085530 Rodríguez', 'Rodríguez'],
    ['IV Inqury LMA2024133560 Flores', 'Flores'],
    ['I.V. Inquiry LMA2024098812 Sosa', 'Sosa'],
    ['IV Enquiry LMA2024090064 O\'Connor', 'O\'Connor'],
    ['Inquiry IV LMA2024140116 Paredes', 'Paredes'],
    ['Immigrant Visa Inquiry - LMA2024110337 - Benítez', 'Benítez'],
    ['移民签证查询 LMA2024109876 CHONG', 'CHONG'],
    ['LMA2024094410 Quispe Mamani', 'Quispe Mamani'],
  ])('%j: nonconforming, and the name after the case number is the last name', (subject, lastName) => {
    const d = classify({ subject, newText: body });
    expect(d).toMatchObject({ category: 'iv_inquiry', lastName });
    expect(d.problems).toEqual(['nonconforming_subject']);
  });

  it.each(['Consulta visa inmigrante - caso LMA2024102938', 'LMA2024094410', 'IV查询 LMA2024091123'])('%j: no name after the case number is a missing last name', (subject) => {
    expect(classify({ subject, newText: body }).problems).toEqual(['missing_last_name', 'nonconforming_subject']);
  });

  it.each([
    'Cancelaron mi vuelo - consulta caso LMA2024093345',
    'Status request - immigrant visa LMA2024061234 - Vargas Luna',
    'Consulta IV LMA2024085530 sobre mi entrevista',
    'LMA2024093345 consulta sobre mi entrevista',
    'GUZ2024001234 移民签证查询 刘',
  ])('%j: a subject that says anything else names no last name and misses none', (subject) => {
    const d = classify({ subject, newText: body });
    expect(d.lastName).toBeNull();
    expect(d.problems).not.toContain('missing_last_name');
  });
});

describe('intent read through the way people type', () => {
  it('misspelt words read as the words they stand for ("cansela la sita")', () => {
    const d = classify({ subject: 'cansela sita', newText: 'x fa cansela la sita de mi esposo Jhon Wilmer Quispe Mamani, caso LMA2024118406. mi cel 987 654 321' });
    expect(d).toMatchObject({ category: 'iv_cancellation', problems: ['nonconforming_subject'] });
  });

  it('an abbreviated convention asks for what it abbreviates ("early appt")', () => {
    const d = classify({ subject: 'early appt', newText: 'My job starts in January, is there an earlier slot? case no.: GUZ2024099413' }, guz);
    expect(d.category).toBe('iv_early_appointment');
  });

  it('toneless pinyin pleads and asks in Chinese words', () => {
    const d = classify(
      { subject: 'qing qiu ti qian mian shi', newText: 'wo ba ba zai mei guo zhu yuan le, gan ai wan qi. qing bang wo ti qian mian shi.\nan jian hao: GUZ2024110394' },
      guz,
    );
    expect(d).toMatchObject({ category: 'iv_early_appointment', route: { priority: 'urgent' } });
  });
});

describe('an ordinary week, as it arrives (stress rounds 25 and 26)', () => {
  it('asking for "fechas más cercanas" for clients, or "una fecha antes", asks for an earlier date', () => {
    const agency = classify({
      subject: 'Solicitud de nuevas fechas - 3 clientes',
      newText: 'Tres de nuestros clientes fueron reprogramados para febrero. Les solicitamos, de ser posible, fechas más cercanas:\n1. Rosa Chapoñán - caso LMA2024090126',
    });
    expect(agency.category).toBe('iv_early_appointment');
    const shouted = classify({ subject: 'EXIJO UNA RESPUESTA', newText: 'ME PASARON LA ENTREVISTA AL 22 DE MARZO. QUIERO QUE ME DEN UNA FECHA ANTES. CASO LMA2024102286' });
    expect(shouted.category).toBe('iv_early_appointment');
  });

  it('a date "antes de" something is not a request for an earlier one', () => {
    const d = classify({ subject: 'IV Inquiry LMA2024102286 Benitez', newText: 'Necesito saber la fecha antes de comprar los pasajes. ¿Ya salió la visa?' });
    expect(d.category).toBe('iv_inquiry');
  });

  it('a parent whose child "办的移民" asks about an immigrant visa, case number or not', () => {
    const d = classify({ subject: '请问签证什么时候下来', newText: '我女儿在美国给我办的移民，我上个月去面谈了，但是一直没有收到护照。请问什么时候能下来？' }, guz);
    expect(d).toMatchObject({ category: 'iv_inquiry', problems: ['missing_case_number', 'nonconforming_subject'] });
  });

  it('a non-immigrant application is not an immigrant one', () => {
    expect(classify({ subject: '咨询', newText: '我想申请非移民签证去美国开会，请问怎么预约？' }, guz).category).toBe('niv');
    expect(classify({ subject: 'Question', newText: 'I need a non-immigrant visa to attend a conference. How do I book the interview?' }).category).toBe('niv');
    expect(classify({ subject: 'Question', newText: 'My immigrant visa interview was last week. When will I get my passport back?' }).category).toBe('iv_inquiry');
  });
});

describe('the text inside other wrappers (stress round 27)', () => {
  it('asking whether one must pay a "gestor" is a question, not a scam report; a gestor who took the money is one', async () => {
    const bns = await shippedRules('BNS');
    const question = classify({ subject: 'Lotería de visas', newText: '¿Cuándo abre la inscripción para la Lotería de Visas DV-2028? Me dijeron que hay que pagar a un gestor, ¿es así?\nEzequiel Morán' }, bns);
    expect(question.category).toBe('dv_lottery');
    const report = classify({ subject: 'Denuncia', newText: 'Un gestor me pidió que deposite 500 dólares para conseguirme el turno y después desapareció. Es una estafa.' }, bns);
    expect(report.category).toBe('fraud_report');
  });

  it('an applicant who "could not present" herself and signs is the applicant named', () => {
    const d = classify({ subject: 'Missed IV appointment', newText: 'Hola, no pude presentarme a la entrevista del 9 de noviembre por un accidente. ¿Me dan un turno nuevo? Caso LMA2024100021\n\nRamiro Villalba\nCel. 11 6677 0021' });
    expect(d).toMatchObject({ category: 'iv_missed_appointment', problems: [] });
  });
});

describe('beyond Spanish, English and Chinese (stress round 29)', () => {
  it('English written into Chinese, and "能不能早一点", ask for an earlier date', () => {
    const d = classify({ subject: '我的interview被reschedule了，能不能早一点？', newText: '我的interview本来是11月5号，结果系统自动reschedule到了明年3月。能不能帮我安排早一点？\nCase number: GUZ 2025 101 882' }, guz);
    expect(d.category).toBe('iv_early_appointment');
  });

  it('"I miss the IV interview", as many write it, is a missed interview', () => {
    const d = classify({ subject: 'Miss interview IV, please help arrange again', newText: 'I am so sorry, I miss the IV interview on Nov 6 because the train is delay. Please help me arrange again.\nName: ZHOU JIANGUO\nCase NO.: GUZ2025088163\nTel: 136 0000 4407' }, guz);
    expect(d).toMatchObject({ category: 'iv_missed_appointment', problems: ['nonconforming_subject'] });
  });

  it('Portuguese from Brazilians in Buenos Aires: missed, earlier date without a plea, a scam forwarded', async () => {
    const bns = await shippedRules('BNS');
    const missed = classify({ subject: 'Perdi a entrevista', newText: 'Perdi a minha entrevista do dia 3 de novembro. Peço uma nova data.\nRequerente: Rafael Monteiro Souza\nCaso: BNS2025068821\nCelular: +54 9 11 5555 0952' }, bns);
    expect(missed).toMatchObject({ category: 'iv_missed_appointment', problems: ['nonconforming_subject'] });
    const early = classify({ subject: 'Early appointment', newText: 'Meu caso é BNS2025095528. Não é uma emergência, mas minha filha começa o ano letivo em janeiro. Seria possível antecipar?' }, bns);
    expect(early).toMatchObject({ category: 'iv_early_appointment', route: { priority: 'normal' } });
    const scam = classify({ subject: 'Fwd: PARABÉNS! Seu Green Card foi aprovado', newText: 'Recebi este e-mail e acho que é golpe. Eu nunca participei de nenhuma loteria.' }, bns);
    expect(scam.category).toBe('fraud_report');
  });
});

describe('a scam forwarded under a convention\'s words (stress round 31)', () => {
  it('"Fwd: Early appointment garantizada" with "¿es de la Embajada?" is a fraud report; the same words as her own subject are her request', () => {
    const text = 'Me llegó este correo de una agencia que dice que puede adelantar mi cita si pago 500 dólares. ¿Es de la Embajada?\n\nEstimada Sra. Mallqui: su expediente LMA2024166012. Por un pago único de USD 500 le conseguimos una cita adelantada.';
    expect(classify({ subject: 'Fwd: Early appointment garantizada en 15 dias', newText: text }).category).toBe('fraud_report');
    expect(classify({ subject: 'Early appointment', newText: 'Quisiera adelantar mi cita, caso LMA2024166012. Mi hija nace en enero.' }).category).toBe('iv_early_appointment');
  });
});
