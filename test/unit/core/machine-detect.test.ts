import { describe, expect, it } from 'vitest';
import { detectMachineSignals } from '../../../src/core/machine-detect.js';
import { makeMessage, shippedRules } from '../../helpers/message.js';

const rules = (await shippedRules('LMA')).machine;
const signals = (o: Parameters<typeof makeMessage>[0]): string[] => detectMachineSignals(makeMessage(o), rules);

describe('machine-written mail', () => {
  it.each([
    ['Auto-Submitted: auto-replied', { headers: { 'auto-submitted': ['auto-replied'] } }, 'header:auto-submitted'],
    ['Auto-Submitted: auto-generated', { headers: { 'auto-submitted': ['auto-generated'] } }, 'header:auto-submitted'],
    ['X-Auto-Response-Suppress', { headers: { 'x-auto-response-suppress': ['All'] } }, 'header:x-auto-response-suppress'],
    ['X-Autoreply', { headers: { 'x-autoreply': ['yes'] } }, 'header:x-autoreply'],
    ['Precedence: bulk', { headers: { precedence: ['bulk'] } }, 'header:precedence'],
    ['Precedence: junk', { headers: { precedence: ['junk'] } }, 'header:precedence'],
    ['Precedence: list', { headers: { precedence: ['list'] } }, 'header:precedence'],
    ['List-Id', { headers: { 'list-id': ['<news.example.net>'] } }, 'header:list-id'],
    ['List-Unsubscribe', { headers: { 'list-unsubscribe': ['<mailto:u@example.net>'] } }, 'header:list-unsubscribe'],
    ['Return-Path: <>', { headers: { 'return-path': ['<>'] } }, 'header:null-return-path'],
    ['multipart/report', { contentType: 'multipart/report' }, 'mime:report'],
    ['a read receipt part', { partTypes: ['multipart/mixed', 'message/disposition-notification'] }, 'mime:report'],
    ['an ARF part', { partTypes: ['message/feedback-report'] }, 'mime:report'],
    ['MAILER-DAEMON', { from: { address: 'mailer-daemon@mx.example.net', name: '' } }, 'sender:machine-address'],
    ['postmaster', { from: { address: 'postmaster@example.org', name: 'Postmaster' } }, 'sender:machine-address'],
    ['no-reply', { from: { address: 'no-reply@courier.example.com', name: 'Courier' } }, 'sender:machine-address'],
    ['noreply', { from: { address: 'noreply@example.com', name: '' } }, 'sender:machine-address'],
    ['From: <>', { from: { address: '', name: '' } }, 'sender:none'],
    ['no From at all', { from: null }, 'sender:none'],
    ['our own mailbox', { from: { address: 'ivlima@state.example', name: 'IV Lima' } }, 'sender:own-mailbox'],
    ['Mail Delivery System', { from: { address: 'x@mx.example.net', name: 'Mail Delivery System' } }, 'sender:machine-name'],
    ['Automatic reply:', { subject: 'Automatic reply: IV appointment cancellation' }, 'subject:auto'],
    ['Respuesta automática:', { subject: 'Respuesta automática: RE: IV Inquiry LMA2023123456 Quispe' }, 'subject:auto'],
    ['自动回复:', { subject: '自动回复: 您的咨询已收到' }, 'subject:auto'],
    ['自動回覆：', { subject: '自動回覆：IV Inquiry' }, 'subject:auto'],
    ['Out of Office', { subject: 'Out of Office' }, 'subject:auto'],
    ['Fuera de la oficina', { subject: 'Fuera de la oficina: consulta' }, 'subject:auto'],
    ['Abwesenheitsnotiz', { subject: 'Abwesenheitsnotiz: IV Inquiry' }, 'subject:auto'],
    ['Réponse automatique', { subject: 'Réponse automatique : IV Inquiry' }, 'subject:auto'],
    ['Undeliverable:', { subject: 'Undeliverable: IV Inquiry LMA2023123456' }, 'subject:auto'],
    ['Delivery Status Notification', { subject: 'Delivery Status Notification (Failure)' }, 'subject:auto'],
    ['Read:', { subject: 'Read: IV Inquiry' }, 'subject:auto'],
    ['Leído:', { subject: 'Leído: IV Inquiry' }, 'subject:auto'],
    ['【自动回复】 in brackets', { subject: '【自动回复】清明节放假通知' }, 'subject:auto'],
    ['a challenge-response filter', { subject: 'Verificación requerida: su mensaje a x@example.net está retenido' }, 'subject:auto'],
    ['a help-desk header family', { headers: { 'x-helpdesk-ticket-id': ['45678'] } }, 'header:x-helpdesk-ticket-id'],
    ['a Zendesk reply marker', { newText: '##- Por favor, escriba su respuesta por encima de esta línea -##\n\nSu solicitud (45678) ha sido recibida.' }, 'body:self-declared'],
    ['a ticket acknowledgement', { subject: '[Ticket#2025031010000123] Your request has been received' }, 'subject:auto'],
    ['a qmail bounce', { newText: 'Hi. This is the qmail-send program at mx.example.net.\nI\'m afraid I wasn\'t able to deliver your message' }, 'body:bounce'],
    ['an Exim bounce', { newText: 'This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered' }, 'body:bounce'],
    ['a DSN in plain text', { newText: 'Final-Recipient: rfc822; a@example.com\nAction: failed\nDiagnostic-Code: smtp; 550 5.1.1 User unknown' }, 'body:bounce'],
    ['a Chinese bounce', { newText: '很抱歉您的邮件无法送达以下收件人' }, 'body:bounce'],
    ['a self-declared auto-reply', { newText: 'This is an automated message. Please do not reply to this email.' }, 'body:self-declared'],
    ['a short away reply', { subject: 'Re: Su consulta', inReplyTo: '<r@state.example>', newText: 'Estoy de vacaciones hasta el 20 de marzo sin acceso al correo.' }, 'body:away'],
  ])('%s', (_what, overrides, expected) => {
    expect(signals(overrides as Parameters<typeof makeMessage>[0])).toContain(expected);
  });
});

describe('people are not machines', () => {
  it.each([
    ['a plain inquiry', { subject: 'IV Inquiry LMA2023123456 Quispe', newText: 'Quisiera saber el estado de mi caso.' }],
    ['a reply to an auto-reply', { subject: 'Re: Automatic reply: IV Inquiry LMA2023123456 Perez', inReplyTo: '<x@example.com>', newText: 'I got your automatic reply, but my question is still open.' }],
    ['a mention of "automatic reply" in the text', { subject: 'Question', newText: 'I only received an automatic reply. Can someone look at my case LMA2023123456?' }],
    ['a reply to our acknowledgement', { subject: 'RE: IV Inquiry LMA2023123456 Quispe', inReplyTo: '<reply-1@state.example>', newText: 'Adjunto el pasaporte que me pidieron.' }],
    ['Auto-Submitted: no', { headers: { 'auto-submitted': ['no'] }, newText: 'Hola' }],
    ['a subject that starts with a word like "absence"', { subject: 'Absence of my petitioner at the interview', newText: 'My petitioner cannot attend.' }],
    ['a person on vacation with a request', { subject: 'Cancelar cita', newText: 'Estoy de vacaciones en Cusco y necesito cancelar mi cita del 20 de marzo porque no llegaré a Lima. Solicitante principal: Ana Pérez. Teléfono +51 987 654 321.' }],
    ['a forwarded bounce with a question', { subject: 'Fwd: Undeliverable', newText: 'Why did my mail to you bounce?', quotedText: 'Delivery has failed to these recipients or groups' }],
  ])('%s', (_what, overrides) => {
    expect(signals(overrides as Parameters<typeof makeMessage>[0])).toEqual([]);
  });
});

describe('subject openings: a machine\'s subject, or a person\'s sentence', () => {
  // An MTA or auto-responder puts its phrase first and the original subject
  // (or a status) after a colon, brackets or a reply prefix. A person who
  // starts a sentence with the same words goes on with her own words.
  it.each([
    ['Returned mail: see transcript for details'],
    ['Undelivered Mail Returned to Sender'],
    ['Out of Office AutoReply: IV Inquiry LMA2023123456'],
    ['Auto Reply - Re: IV Inquiry LMA2023123456'],
    ['Mail System Error - Returned Mail'],
    ['[EXTERNAL] Undeliverable: IV Inquiry LMA2023123456'],
    ['Message rejected: RE: Early appointment LMA2024120034'],
    ['Warning: message still undelivered after 4 hours'],
    ['Message status - undeliverable'],
    ['Delayed Mail (still being retried)'],
    ['Unzustellbar: IV Inquiry'],
    ['Não é possível entregar: IV Inquiry'],
    ['Automatische Antwort: IV Inquiry'],
    ['Автоматический ответ: IV Inquiry'],
    ['자동 회신: IV Inquiry'],
    ['【自動返信】 Re: IV Inquiry LMA2024050505'],
    ['Hemos recibido tu consulta [#84213] - RE: IV Inquiry'],
    ['Your message to Visa-Peru-Familias awaits moderator approval'],
  ])('%s', (subject) => {
    expect(signals({ subject })).toContain('subject:auto');
  });

  it.each([
    ['Automatic reply received but no answer - case LMA2023123456'],
    ['Returned mail from DHL - missed IV interview LMA2023123456'],
    ['Message blocked - I cannot upload my documents'],
    ['Undeliverable address on my DS-260'],
    ['Out of office until June - please reschedule my interview'],
    ['Please verify your records, my name is misspelled'],
    ['Abuse report about a fake visa agent'],
  ])('%s: weak alone, not a machine', (subject) => {
    expect(signals({ subject, newText: 'Please help me with my case.' })).toEqual([]);
  });
});

describe('weak signs count in pairs', () => {
  it('a person\'s own "do not reply to this e-mail" is not a machine', () => {
    const newText = 'Queremos cancelar la cita del 14 de mayo. Por favor no responda a este correo, es de mi trabajo. Escríbanme a lperez@example.pe.';
    expect(signals({ subject: 'IV appointment cancellation LMA2023123456 PEREZ', newText })).toEqual([]);
  });

  it('"do not reply" from a role mailbox is a notification', () => {
    const s = signals({ from: { address: 'info@banco.example.com', name: 'Banco' }, subject: 'Tu pago', newText: 'Recibimos tu pago. Por favor no responda a este correo.' });
    expect(s).toEqual(expect.arrayContaining(['sender:role-address', 'body:do-not-reply']));
  });

  it('an away notice under its own subject, answering nothing, is a machine', () => {
    const s = signals({ subject: 'Out of office until 5 May', newText: 'I am out of the office until 5 May with limited access to email.' });
    // The subject alone is strong: an absence with its dates and nothing more.
    expect(s).toEqual(['subject:auto', 'body:away-weak']);
  });

  it('an away text that names a case is a person writing about it, even in a reply', () => {
    const newText = 'Estaré fuera de Lima hasta el 30 de mayo. ¿Pueden darme una nueva cita en junio? Caso LMA2023990011.';
    expect(signals({ subject: 'Re: Missed IV appointment', inReplyTo: '<a@state.example>', newText })).toEqual([]);
  });

  it('a person who writes that she is travelling, and asks for something, is not', () => {
    const newText = 'I will be out of the country until June 20 and will have limited access to email. Could you please reschedule my interview?';
    expect(signals({ subject: 'Out of the country until June - please reschedule', newText })).toEqual([]);
  });
});

describe('machine mail without the usual headers', () => {
  it.each([
    ['X-Mailman-Version', { headers: { 'x-mailman-version': ['2.1.39'] } }, 'header:x-mailman-version'],
    ['Mailing-List (ezmlm, Google Groups)', { headers: { 'mailing-list': ['list visa@groups.example.com'] } }, 'header:mailing-list'],
    ['a list owner address', { from: { address: 'visa-familias-owner@lists.example.org', name: '' } }, 'sender:machine-address'],
    ['a challenge service behind a person\'s name', { headers: { sender: ['Boxbe Notifications <notifications@boxbe.example>'] } }, 'header:sender'],
    ['a VERP bounce address', { headers: { 'return-path': ['<bounces+1234-abcd@em.example.com>'] } }, 'header:return-path'],
    ['GroupWise', { newText: 'The message that you sent was undeliverable to the following:\n\tlmamani@gw.example.org (user not found)' }, 'body:bounce'],
    ['a security gateway', { newText: "Your message to a@lawfirm.example was rejected by the recipient's email security policy." }, 'body:bounce'],
    ['an SMTP reply on a report line', { newText: 'Recipient: m@clinic.example\nReason: 550 5.7.1 Message blocked due to sender reputation' }, 'body:bounce'],
    ['an SMTP reply after "said:"', { newText: 'host mx.example.net said: 550 5.1.1 <x@example.net>: Recipient address rejected' }, 'body:bounce'],
    ['a delay warning', { newText: 'The attached message has not yet been delivered to the following recipient(s):\n\n   g@estudio.example.pe' }, 'body:bounce'],
    ['an Exchange delay', { newText: 'Delivery to these recipients or groups is delayed:' }, 'body:bounce'],
    ['a 163-style bounce', { newText: '您发送的邮件因以下原因未能投递成功：收件人不存在。' }, 'body:bounce'],
    ['a German bounce', { newText: 'Ihre Nachricht an x@example.de konnte nicht zugestellt werden.' }, 'body:bounce'],
    ['a Russian bounce', { newText: 'Ваше сообщение не может быть доставлено.' }, 'body:bounce'],
    ['a help desk: reply above this line', { newText: '———-—\nReply above this line.\n\nHi IV Lima,' }, 'body:self-declared'],
    ['an acknowledgement that promises an answer', { newText: "We've received your message and a member of our team will get back to you within 1-2 business days." }, 'body:self-declared'],
    ['a Spanish ticket system', { newText: 'Hemos recibido tu solicitud y se ha creado el ticket #84213.' }, 'body:self-declared'],
    ['a French acknowledgement', { newText: 'Nous avons bien reçu votre demande et nous vous répondrons dans les meilleurs délais.' }, 'body:self-declared'],
    ['a challenge: verify you are human', { newText: 'To deliver your message, please verify you are human by clicking the link below.' }, 'body:self-declared'],
    ['a challenge: guest list', { newText: "I'm using Boxbe to protect my inbox. Please add yourself to my Guest List so your messages get delivered to me." }, 'body:self-declared'],
    ['a Portuguese away reply', { subject: 'Re: IV Inquiry', newText: 'Estou de férias até 12 de maio, com acesso limitado ao e-mail.' }, 'body:away'],
    ['a German away reply', { subject: 'AW: IV Inquiry', newText: 'Ich bin bis einschließlich 9. Mai nicht im Büro.' }, 'body:away'],
    ['a Korean away reply', { subject: 'Re: IV Inquiry', newText: '현재 휴가 중이라 5월 12일 이후에 회신드리겠습니다.' }, 'body:away'],
  ])('%s', (_what, overrides, expected) => {
    expect(signals(overrides as Parameters<typeof makeMessage>[0])).toContain(expected);
  });
});

describe('people who write like machines are still people', () => {
  it.each([
    ['a family that got the documents request', { subject: 'Re: IV Inquiry LMA2023123456 Perez', inReplyTo: '<a@state.example>', newText: 'Thank you. We have received your message and the documents you asked for are attached.' }],
    ['"hemos recibido su correo" with an answer', { subject: 'Re: Missed IV appointment', inReplyTo: '<a@state.example>', newText: 'Hemos recibido su correo. Adjunto la constancia de hospitalización de mi madre.' }],
    ['a person quoting "do not reply"', { subject: 'Question', newText: 'I got an email saying do not reply to this email, so I am writing here. What is the status of LMA2023123456?' }],
    ['a person whose mail to a lawyer bounced', { subject: 'Email to my lawyer bounced', newText: "I sent the documents but my lawyer's server rejected them. What can I do?" }],
  ])('%s', (_what, overrides) => {
    expect(signals(overrides as Parameters<typeof makeMessage>[0])).toEqual([]);
  });
});

describe('a person reacting to an automatic reply cancels weak signs (never strong ones)', () => {
  it('role mailbox + "do not reply" from someone who "only gets your automatic reply" is a person', () => {
    const newText = 'Solo recibo su respuesta automática y nadie me contesta. Caso BNS2024052233. Por favor no respondas a este correo, escribime a otro.';
    expect(signals({ from: { address: 'info@panaderia.example.com.ar', name: 'Info' }, subject: 'Re: IV Inquiry BNS2024052233 FERRARI', newText })).toEqual([]);
  });

  it('a strong sign still decides', () => {
    const newText = 'I got your automatic reply. I am out of the office.';
    expect(signals({ subject: 'Automatic reply: IV Inquiry', headers: { 'x-autoreply': ['yes'] }, newText })).toContain('header:x-autoreply');
  });
});

describe('machines without RFC 3834 headers, second round', () => {
  it.each([
    ['a no-reply word inside the local part', { from: { address: 'forms-receipts-noreply@google.example', name: 'Forms' }, subject: 'Consulta', newText: 'Here is what was received.' }],
    ['a notification mailbox with a prefix', { from: { address: 'calendar-notification@calendar.example', name: 'Calendar' }, subject: 'Notification: call', newText: 'Call tomorrow' }],
    ['a calendar response', { subject: 'Accepted: Preparación entrevista IV', newText: 'Your request was accepted.' }],
    ['a tagged away notice', { subject: '[Auto] RE: IV Inquiry LMA2024220011 VARGAS', newText: 'Estaré de licencia médica hasta el 30 de mayo.' }],
    ['a passive acknowledgement', { subject: 'Re: IV Inquiry', newText: 'Tu mensaje ha sido recibido y uno de nuestros asesores se comunicará contigo en un plazo de 24 horas.' }],
    ['a "you are receiving this" footer', { subject: 'Reminder', newText: 'You are receiving this email because you are subscribed to notifications on this calendar.' }],
    ['an annual-leave notice in a reply', { subject: '回复：IV Inquiry', inReplyTo: '<a@state.example>', newText: '本人正在休年假，5月26日返岗。' }],
    ['a "no longer with the firm" notice in a reply', { subject: 'RE: Missed IV appointment', inReplyTo: '<a@state.example>', newText: 'Ms. Olmedo is no longer with the firm. Please write to estudio@example.com.' }],
  ])('%s', (_what, o) => {
    expect(signals(o as Parameters<typeof makeMessage>[0]).length).toBeGreaterThan(0);
  });
});

describe('away notices and people, stress round 4', () => {
  const reply = { subject: 'RE: IV Inquiry LMA2023117788 Vargas', inReplyTo: '<ack@state.example>' };

  it('an away notice is short above its sign-off, however long the signature and legal notice below', () => {
    const newText = `Gracias por su correo. Me encuentro fuera de la oficina del 17 al 28 de marzo, con acceso limitado al correo.\n\nAtentamente,\n\nLucía Vargas\nAbogada\nAv. José Pardo 513\n\nAVISO DE CONFIDENCIALIDAD: ${'Este mensaje es confidencial. '.repeat(30)}`;
    expect(signals({ ...reply, newText })).toContain('body:away');
  });

  it('an away notice that repeats the subject (and so its case number) still names no case of its own', () => {
    const newText = 'Su mensaje con asunto "RE: IV Inquiry LMA2023117788 Vargas" fue recibido. Me encuentro de vacaciones hasta el 2 de abril.';
    expect(signals({ ...reply, newText })).toContain('body:away');
  });

  it('a short reply that thanks for our answer and says the sender is away is a person', () => {
    const newText = 'Gracias por la respuesta. Estaré fuera del país hasta el 15 de abril; a mi regreso puedo asistir a la entrevista.';
    expect(signals({ ...reply, newText })).toEqual([]);
  });

  it('a person writing from a role mailbox, away this week, with this post\'s case number is answered', () => {
    const newText = 'Les escribo desde el correo de mi negocio porque estoy fuera de la oficina toda esta semana. Mi esposa tiene el caso LMA2024027730.';
    expect(signals({ subject: 'Consulta visa de inmigrante', from: { address: 'ventas@negocio.example.pe', name: 'Walter' }, newText })).toEqual([]);
  });

  it('an absence with its dates in the subject is strong; with a request after a dash it is not', () => {
    expect(signals({ subject: 'Out of office until Monday, March 24', newText: 'Hello' })).toContain('subject:auto');
    expect(signals({ subject: 'Fuera de la oficina del 17 al 28 de marzo', newText: 'Hola' })).toContain('subject:auto');
    expect(signals({ subject: 'Out of office until June - please reschedule my interview', newText: 'Hello' })).toEqual([]);
  });

  it('a CJK opening followed by the writer\'s own words is only weak; followed by a separator it is strong', () => {
    expect(signals({ subject: '退信重发：IV Inquiry GUZ2024012345 王', newText: '上次的邮件被退回了，我重新发送一次。' })).toEqual([]);
    expect(signals({ subject: '退信：IV Inquiry GUZ2024012345 王', newText: '' })).toContain('subject:auto');
    expect(signals({ subject: '休假通知', newText: '' })).toContain('subject:auto');
  });

  it('a newsletter without list headers: a bulk footer and a role mailbox together', () => {
    const newText = 'Novedades de becas para estudiar en EE.UU. Si no querés recibir más correos, podés desuscribirte acá.';
    expect(signals({ subject: 'Becas 2025', from: { address: 'news@estudios.example.ar', name: 'Estudios' }, newText })).toEqual(['sender:role-address', 'body:bulk-footer']);
  });
});

describe('devices and services that mail (stress round 5)', () => {
  it.each([
    ['a scanner by its X-Mailer', { headers: { 'x-mailer': ['Canon iR-ADV C5535'] }, subject: 'Attached Image', newText: '' }, 'header:x-mailer'],
    ['a PBX voicemail address', { from: { address: 'pbx@estudio.example.pe', name: '3CX' }, subject: 'Voicemail', newText: 'Voicemail' }, 'sender:machine-address'],
    ['an e-signature service in the display name', { from: { address: 'dse@docusign.example', name: 'Carlos Ríos via Docusign' }, subject: 'Completed: I-864', newText: '' }, 'sender:machine-name'],
    ['a court notice in the present tense', { subject: 'Nueva cédula', newText: 'Este correo se genera en forma automática. Por favor no lo responda.' }, 'body:self-declared'],
  ])('%s', (_name, o, expected) => expect(signals(o as Parameters<typeof makeMessage>[0])).toContain(expected));
});

describe('the long tail of machines, and people who look like them (stress round 7)', () => {
  it('a mail filter\'s quarantine digest is a machine: by its sender, its subject and its "generated automatically. Please do not reply"', () => {
    const from = { address: 'quarantine@ess.barracuda.example', name: 'Barracuda Message Center' };
    expect(signals({ from, subject: 'Quarantine Summary 2026-10-28 - 3 new messages', newText: 'The following messages have been quarantined.' })).toEqual(
      expect.arrayContaining(['sender:machine-address', 'subject:auto']),
    );
    expect(signals({ from: { address: 'alerts-center@filter.example', name: '' }, subject: 'Resumen', newText: 'Mensajes retenidos: 3.\n\nThis summary was generated automatically. Please do not reply.' })).toContain('body:self-declared');
    // A person's mail whose gateway footer says it was generated automatically, with no "do not reply", is not.
    expect(signals({ subject: 'Cancelación de cita', newText: 'Solicito la cancelación de la cita. Caso LMA2024140928. Teléfono +51 1 555 0187\n\nThis e-mail was generated automatically by our secure gateway.' })).toEqual([]);
  });

  it('an absence word before a dash is a machine\'s only before the original subject; before the writer\'s own words it is a person\'s subject', () => {
    expect(signals({ subject: 'Vacaciones - Re: IV Inquiry LMA2024044410 Acosta', newText: 'Estoy de vacaciones hasta el 25.' })).toContain('subject:auto');
    expect(signals({ subject: 'Vacaciones - cancelar turno', newText: 'Estoy de vacaciones en Bariloche hasta el 25 y no vamos a poder asistir: quiero cancelar el turno, caso LMA2024044410.' })).toEqual([]);
  });

  it('a Chinese subject opening followed by a question is the writer\'s own', () => {
    expect(signals({ subject: '自动回复？？为什么每次只收到自动回复', newText: '我已经发了三封邮件询问我的案件 GUZ2023077219 的进度，每次都只收到自动回复。' })).toEqual([]);
    expect(signals({ subject: '自动回复：IV Inquiry GUZ2023077219 Chen', newText: '您好，我正在休假。' })).toContain('subject:auto');
  });
});

describe('a service\'s notice to its customer (stress round 10)', () => {
  const reminder = 'Estimado(a) paciente:\n\nLe recordamos su cita para el EXAMEN MÉDICO DE VISA DE INMIGRANTE.\n\nPaciente: ARMANDO CHÁVEZ SALAZAR\nN° de caso NVC: LMA2024120931\nFecha: jueves 19 de noviembre de 2026\n\nSi no puede asistir, llame al (01) 610-4400 con 48 horas de anticipación.';

  it('a clinic\'s reminder that never says "I" is a machine, even with this post\'s case number in it', () => {
    expect(signals({ from: { address: 'citas@clinica.example', name: 'Citas Clinica' }, subject: 'Recordatorio: examen médico para visa', newText: reminder })).toEqual(['body:notice', 'text:impersonal']);
    expect(signals({ from: { address: 'tijian@gz-ivmedical.example', name: '' }, subject: '体检预约提醒', newText: '温馨提示：\n\n您已预约移民签证体检，请按时前来。\n受检人：林晓雯\n案件号：GUZ2025018870\n体检日期：2026年11月18日（星期三）上午 7:30\n地点：广州市越秀区寺右新马路111号 移民体检中心\n请空腹前来，携带护照原件、面谈通知信、疫苗接种记录及近期2寸白底照片3张。如需改期，请提前两个工作日致电。' })).toContain('body:notice');
  });

  it('a person who forwards the reminder, or writes in the first person, is not', () => {
    expect(signals({ subject: 'RV: Recordatorio de su cita', newText: 'Este recordatorio me llegó tarde y no pude asistir a mi entrevista. Solicito una nueva fecha. Caso LMA2024140022.', quotedText: reminder })).toEqual([]);
    expect(signals({ subject: 'Confirmación de turno', newText: 'Le recordamos que mi turno era el martes; quisiera confirmar que sigue vigente para el caso LMA2024140022, ya que no recibí ningún correo de ustedes desde octubre.' })).toEqual([]);
    // A lawyer reminding in prose ("les recordamos", no "I") is not a form.
    expect(signals({ subject: "Recordatorio: caso LMA2024140022", newText: "Estimados señores: Les recordamos que nuestro representado, el señor Pedro Salas, tiene entrevista programada para el 3 de diciembre y que aún no ha recibido la carta de citación. Agradeceremos confirmar la fecha por este medio. Atentamente, Estudio Salas & Asociados" })).toEqual([]);
  });
});

describe('gateways and alerts (stress rounds 11 and 12)', () => {
  it('a phone\'s driving auto-reply and a bank\'s transaction alert are machines', () => {
    expect(signals({ subject: '', newText: "I'm driving right now - I'll get back to you later. (Auto-reply)\n\nSent from my T-Mobile 5G Device" })).toContain('body:self-declared');
    expect(signals({ subject: '招商银行信用卡交易提醒', newText: '尊敬的客户：您尾号8812的信用卡于11月13日消费 USD 205.00。如非本人操作，请致电95555。' })).toContain('body:self-declared');
    // A person who writes "(automatic reply)" in a sentence is not.
    expect(signals({ subject: 'Re: your message', newText: 'Your message (automatic reply) says to wait, but it has been six months. Case LMA2024090573.' })).toEqual([]);
  });
});

describe('machines that sound personal, people with machine footers (stress round 13)', () => {
  it('a challenge-response, a canned acknowledgement and a Chinese away notice in a reply are machines', () => {
    expect(signals({ subject: 'Re: RE: Early appointment LMA2025020202', newText: 'Hola, soy Jorge. Recibo demasiado correo no deseado, así que mi buzón solo acepta mensajes de remitentes verificados. Para que su mensaje llegue, haga clic aquí: https://verificar.example/c/7Q' })).toContain('body:self-declared');
    expect(signals({ subject: 'Gracias por escribirnos', newText: '¡Hola! Gracias por escribirnos. Ya recibimos tu mensaje y una de nosotras te va a responder dentro de las próximas 48 horas.' })).toContain('body:self-declared');
    expect(signals({ subject: 'Re: RE: IV Inquiry GUZ2024052233 Chen', inReplyTo: '<ack@state.example>', newText: '您好，我这几天在外地出差，回来后第一时间回复您。\n\n陈志强' })).toContain('body:away');
  });

  it('a corporate footer that says "sent from an unmonitored mailbox" under a person\'s own words is only a weak sign', () => {
    const text = 'I am the HR manager of the petitioning employer (EB-3, case LMA2024061234). Could you tell us whether an interview date has been scheduled?\n\nThank you,\nGabriela Ortiz-Vance\n\n--\nThis message was sent from an unmonitored mailbox. Please do not reply to this e-mail; replies are not read.';
    expect(signals({ subject: 'Status request LMA2024061234', newText: text })).toEqual([]);
    const zh = '您好，我是案件 LMA2024072258 的主申请人许丽华。请问护照一般多久可以寄回？\n\n谢谢！\n\n许丽华\n---\n本邮件由系统自动发送，请勿直接回复。';
    expect(signals({ subject: '咨询签证进度 LMA2024072258 许', newText: zh })).toEqual([]);
    // The same declaration as the message's own opening is a machine's.
    expect(signals({ subject: '通知', newText: '本邮件由系统自动发送，请勿直接回复。\n\n您的订单已发货。' })).toContain('body:self-declared');
  });
});

describe('calendar systems (stress round 16)', () => {
  const invitation = 'You have been invited to the following event.\n\nVideo consultation - Case GUZ2024061128\nWhen: Thursday Nov 26, 2026 10am\nWhere: Video call\nWho: bookings@pacificvisacounsel.example.com';
  const types = ['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'text/calendar', 'application/ics'];
  it("a booking system's invitation is a machine's, whatever case number its event names", () => {
    const from = { name: 'Bookings - Pacific Visa Counsel', address: 'bookings@pacificvisacounsel.example.com' };
    expect(signals({ from, partTypes: types, newText: invitation, subject: 'Invitation: Video consultation - Case GUZ2024061128 @ Thu Nov 26, 2026' })).toContain('mime:calendar');
    expect(signals({ from: { name: '', address: 'calendar-notification@example.com' }, contentType: 'text/calendar', partTypes: [], newText: '' })).toContain('mime:calendar');
  });
  it("an invitation from a person's own address (her interview put in her calendar) is only a weak sign", () => {
    const from = { name: 'Valeria Acosta', address: 'valeria.acosta@example.com' };
    expect(signals({ from, partTypes: types, newText: 'Cuándo: martes, 3 de junio de 2025 8:00-9:00.\nDónde: Embajada de EE.UU.', subject: 'Turno consulado - entrevista BNS2023120456' })).toEqual([]);
  });
  it('a person who attaches an .ics to their own words is a person', () => {
    const text = 'Buenos días, adjunto mi cita del 26 de noviembre. Necesito cancelarla, caso LMA2024061128.\nAna Pérez';
    expect(signals({ partTypes: ['multipart/mixed', 'text/plain', 'text/calendar'], newText: text })).toEqual([]);
  });
});

describe("a web form's mail relays a person (stress round 16)", () => {
  const form = 'Nombre: Gladys Paredes Villanueva\nTeléfono: 987 330 412\nNúmero de caso: LMA2024127764\nMensaje: Por motivos de trabajo ya no podré viajar. Por favor cancelen mi cita de entrevista del 4 de diciembre.';
  const from = { name: 'Formulario Web', address: 'no-reply@example.org' };
  it('a no-reply sender with a person\'s Reply-To and first-person words is the person', () => {
    expect(signals({ from, replyTo: { name: 'Gladys Paredes', address: 'gladys.paredes.v@example.com' }, newText: form })).toEqual([]);
  });
  it('not when the Reply-To is a role or machine mailbox, when there is none, or when another strong sign is there', () => {
    expect(signals({ from, replyTo: { name: '', address: 'soporte@example.org' }, newText: form })).toContain('sender:machine-address');
    expect(signals({ from, newText: form })).toContain('sender:machine-address');
    expect(signals({ from, replyTo: { name: 'Gladys', address: 'gladys.paredes.v@example.com' }, newText: form, headers: { 'list-unsubscribe': ['<https://example.org/u>'] } })).toContain('sender:machine-address');
    expect(signals({ from, replyTo: { name: 'Gladys', address: 'gladys.paredes.v@example.com' }, newText: 'Su cita ha sido confirmada.\nFecha: 4 de diciembre\nHora: 9:00\nLugar: Embajada' })).toContain('sender:machine-address');
  });
});

describe('people who look like machines, stress round 19', () => {
  it('a personal address that only looks like a no-reply one (named after its sender) is a person\'s; a service\'s is not', () => {
    expect(signals({ from: { name: 'María Huarcaya', address: 'no.reply.maria@example.com' }, newText: 'Quiero cancelar mi cita.' })).toEqual([]);
    expect(signals({ from: { name: 'Chen Wei', address: 'noreply.chen.wei@example.com' }, newText: 'Can I move my interview?' })).toEqual([]);
    expect(signals({ from: { name: 'Google', address: 'noreply-dmarc-support@google.example.com' }, newText: 'Report' })).toContain('sender:machine-address');
    expect(signals({ from: { name: 'María Huarcaya', address: 'no-reply@example.com' }, newText: 'Quiero cancelar mi cita.' })).toContain('sender:machine-address');
  });
  it('a self-declaration below the line holding the sender\'s own name is a signature\'s, only weak', () => {
    const text = 'No pude presentarme a la entrevista del 6 de noviembre porque mi hijo fue operado. Solicito un nuevo turno.\n\nCarolina Benítez\nEstudio Benítez | Abogados\n\nEste buzón es monitoreado. Este es un mensaje generado automáticamente por el sistema de firma.';
    expect(signals({ from: { name: 'Carolina Benítez', address: 'cb@example.com' }, newText: text })).toEqual([]);
  });
  it('an away subject of the writer\'s own that names this post\'s case is a person\'s; echoed in a reply it is not', () => {
    const text = 'Estaré fuera de la oficina y del país del 15 al 30 de noviembre, justo cuando tengo la entrevista. ¿Podrían reprogramarla?';
    expect(signals({ subject: 'Fuera de la oficina - reprogramar entrevista LMA2024093310', newText: text })).toEqual([]);
    expect(signals({ subject: 'Fuera de la oficina - RE: IV Inquiry LMA2024093310 Acosta', inReplyTo: '<ack@state.example>', newText: 'Estaré fuera de la oficina hasta el 30 de noviembre, sin acceso al correo.' }).length).toBeGreaterThan(0);
  });
});

describe('a self-declaration that is not the machine speaking (stress round 22)', () => {
  it('one quoted amid the writer\'s own words is what they received, not what they are', () => {
    const newText =
      'Hola,\n\nLa semana pasada escribí para cancelar mi entrevista y me llegó esto:\n\n"Hemos recibido su solicitud (Ticket 7731). Un agente le responderá a la brevedad. Este es un mensaje automático."\n\n¿Son ustedes? Por las dudas lo repito: quiero cancelar mi entrevista del 9 de diciembre.\n\nSolicitante: Mariela Sosa\nCaso LMA2024060771\nCel. 11 5523-8870';
    expect(signals({ subject: 'Cancelación de turno', newText })).toEqual([]);
  });

  it('the same words unquoted are a machine\'s', () => {
    const newText = 'Hemos recibido su solicitud (Ticket 7731). Un agente le responderá a la brevedad. Este es un mensaje automático, por favor no responda.';
    expect(signals({ subject: 'Solicitud recibida', newText })).toContain('body:self-declared');
  });

  it('a new message that asks in the first person about this post\'s case is a person\'s, whatever it calls itself', () => {
    const newText = 'Este es un mensaje automático de mi parte para confirmar que NO podré asistir a mi entrevista del 3 de diciembre. Por favor cancelen la cita.\n\nSolicitante principal: Pedro Castillo Rojas\nCaso: LMA2024126719\nTeléfono: 998 402 617';
    expect(signals({ subject: 'IV appointment cancellation', newText })).not.toContain('body:self-declared');
    expect(signals({ subject: 'IV appointment cancellation', newText })).toEqual([]);
  });

  it('a service\'s notice whose form names the case and "本人" as the signer stays a machine\'s', () => {
    const newText = '【顺丰速运】您的快件已签收\n\n运单号：SF1429006631872\n寄件方：美国驻广州总领事馆（护照返还）\n备注：LMA2024099812 护照\n签收人：本人\n签收时间：2026-11-15 15:40\n\n感谢您使用顺丰速运。本邮件为系统发送，请勿回复。';
    expect(signals({ subject: '【顺丰速运】快件签收通知', newText, from: { address: 'sfwebmail@sf-express.example.com', name: '顺丰速运' } })).toContain('body:self-declared');
  });

  it('a reply that declares itself automatic is a machine\'s, case number or not', () => {
    const newText = 'Este es un mensaje automático: estaré fuera de la oficina hasta el 5 de diciembre. Mi caso LMA2024126719 lo lleva mi abogado.';
    expect(signals({ subject: 'Re: IV Inquiry LMA2024126719 Rojas', inReplyTo: '<reply-x@state.example>', newText })).toContain('body:self-declared');
  });
});

describe('office devices', () => {
  it.each(['scanner@estudio.example.com', 'scan2mail@example.com', 'copier-3f@example.org', 'mfp@example.net'])('%s mailing a scan is a machine', (address) => {
    const s = signals({ subject: 'Message from "RNP002673ABCDEF"', newText: 'This E-mail was sent from "RNP002673ABCDEF" (MP C3004).\n\nScan Date: 11.12.2026 10:41:07 (-0300)', from: { address, name: 'RNP002673ABCDEF' } });
    expect(s).toContain('sender:machine-address');
  });
});

describe('spam and advertising without list headers', () => {
  it.each([
    ['SpamAssassin', { 'x-spam-flag': ['YES'] }],
    ['SpamAssassin status', { 'x-spam-status': ['Yes, score=9.1 required=5.0 tests=BAYES_99'] }],
    ['rspamd', { 'x-spam': ['Yes'] }],
    ['Exchange Online SCL 6', { 'x-ms-exchange-organization-scl': ['6'] }],
  ])('the spam filter in front of the mailbox said so (%s)', (_name, headers) => {
    expect(signals({ headers, newText: 'Hola, quisiera saber el estado de mi caso.' })).toContain('header:spam-verdict');
  });

  it.each([
    ['a filter that said no', { 'x-spam-flag': ['NO'], 'x-spam-status': ['No, score=0.3'] }],
    ['Exchange SCL 1', { 'x-ms-exchange-organization-scl': ['1'] }],
  ])('%s is no sign', (_name, headers) => {
    expect(signals({ headers, newText: 'Hola, quisiera saber el estado de mi caso.' })).toEqual([]);
  });

  it('an offer in a firm’s voice from a person-looking address is a machine’s', () => {
    const s = signals({
      from: { address: 'lucas.benitez.ok@hotmail.example.com', name: 'Lucas Benítez' },
      subject: 'Tu préstamo fue PRE-APROBADO',
      newText: 'Te informamos que tenés un préstamo PRE-APROBADO de hasta $500.000.\n* Sin recibo de sueldo\n* Acreditación en el día\nSaludos!!\nCréditos Ya',
    });
    expect(s).toEqual(expect.arrayContaining(['body:promotion', 'text:impersonal-offer']));
  });

  it('Chinese invoice spam is a machine’s, however personal the address', () => {
    const s = signals({ from: { address: 'lijingli8812@163.example.com', name: '李经理' }, subject: '代开各类正规发票', newText: '您好！本公司长期代开全国各地正规发票（增值税普通发票），先验后付。点数优惠，量大从优。' });
    expect(s).toContain('body:promotion-dense');
  });

  it('a person who pastes an offer to ask whether it is real is a person', () => {
    expect(
      signals({ from: { address: 'maria.q@gmail.example.com', name: 'María Quispe' }, newText: 'Me llegó esto: "Préstamo PRE-APROBADO, sin aval, desembolso en 24 horas, tasa desde 1.5%". ¿Es real o es una estafa?' }),
    ).toEqual([]);
  });

  it('a person whose signature advertises their firm is still a person', () => {
    expect(
      signals({
        from: { address: 'info@viajesandinos.example.pe', name: 'Viajes Andinos' },
        newText:
          'Estimados señores:\nTenemos un grupo de 12 pasajeros que necesita visa de turista. ¿Es posible pedir citas en grupo?\nQuedo atenta a su respuesta.\n\nSaludos cordiales\nKarina Velásquez\nPrecio especial en paquetes a Orlando, 20% de descuento, haga clic aquí.',
      }),
    ).toEqual([]);
  });
});

describe('a week at Guangzhou (stress round 30)', () => {
  it('a plain-text read receipt and a help desk\'s "系统邮件" say they are machines, without a header', () => {
    expect(signals({ subject: '阅读回执：Re: Early appointment', newText: '这是邮件阅读回执。\n您于2026年11月9日发送给 sunlihua@163.example.com 的邮件“Re: Early appointment”已于2026年11月11日 07:50 被阅读。' }).length).toBeGreaterThan(0);
    expect(signals({ subject: '工单 #20261105-0011 已关闭', newText: '您好，工单 #20261105-0011 已由系统自动关闭。如问题未解决，请重新提交工单。\n——签证通服务台（系统邮件）' }).length).toBeGreaterThan(0);
  });

  it('a person who says she read our mail is not a read receipt', () => {
    expect(signals({ subject: '回复：面谈通知', newText: '您好，你们的邮件我已经阅读了，请问面谈要带哪些材料？谢谢！\n王芳' })).toEqual([]);
  });
});
