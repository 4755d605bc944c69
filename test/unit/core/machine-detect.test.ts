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
