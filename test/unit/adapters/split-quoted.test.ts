import { describe, expect, it } from 'vitest';
import { splitQuoted } from '../../../src/adapters/mime/split-quoted.js';

describe('splitQuoted', () => {
  it.each([
    ['Gmail (en)', 'Thanks!\n\nOn Mon, Mar 3, 2025 at 9:14 AM IV Lima <ivlima@state.example> wrote:\n> old'],
    ['Gmail, wrapped "wrote:"', 'Thanks!\n\nOn Mon, Mar 3, 2025 at 9:14 AM IV Lima <ivlima@state.example>\nwrote:\n> old'],
    ['Gmail (es)', 'Thanks!\n\nEl lun, 3 mar 2025 a las 9:14, IV Lima (<ivlima@state.example>) escribió:\n> old'],
    ['Outlook (en)', 'Thanks!\n\nFrom: IV Lima <ivlima@state.example>\nSent: Monday, March 3, 2025 9:14 AM\nTo: Ana\nSubject: RE: IV Inquiry\n\nold'],
    ['Outlook (es)', 'Thanks!\n\n________________________________\nDe: IV Lima\nEnviado: lunes, 3 de marzo de 2025\nPara: Ana\nAsunto: RE\n\nold'],
    ['Foxmail', 'Thanks!\n\n------------------ 原始邮件 ------------------\n发件人: "IV Guangzhou"<ivguangzhou@state.example>;\n发送时间: 2025年3月3日\n\nold'],
    ['Thunderbird forward', 'Thanks!\n\n-------- Forwarded Message --------\nSubject: x\n\nold'],
    ['Gmail forward (es)', 'Thanks!\n\n---------- Mensaje reenviado ---------\nDe: x\n\nold'],
    ['Apple Mail forward', 'Thanks!\n\nBegin forwarded message:\n\nFrom: x\n\nold'],
    ['QQ reply (zh)', 'Thanks!\n\n在 2025年3月3日 09:14，IV Guangzhou 写道：\nold'],
  ])('%s', (_client, text) => {
    const { newText, quotedText } = splitQuoted(text);
    expect(newText).toBe('Thanks!');
    expect(quotedText).toContain('old');
  });

  it('keeps an unquoted message whole', () => {
    const text = 'Estimados:\n\nMi caso es LMA2023123456.\nDe: Lima, Perú\n\nGracias';
    expect(splitQuoted(text)).toEqual({ newText: text, quotedText: '' });
  });
});

describe('splitQuoted: text below a quote', () => {
  it('a bottom-posted reply under an "On ... wrote:" quote is the sender\'s own text', () => {
    const text = 'El 12/3/25 a las 09:20, IV Buenos Aires escribió:\n> Gracias por su mensaje.\n>\n> Número de caso: BNS2024010922\n\nLes confirmo que pueden liberar el turno.\nCel: 11 6120-3344';
    const { newText, quotedText } = splitQuoted(text);
    expect(newText).toBe('Les confirmo que pueden liberar el turno.\nCel: 11 6120-3344');
    expect(quotedText).toContain('Número de caso: BNS2024010922');
  });

  it('answers between quoted paragraphs are the sender\'s, the quoted paragraphs are not', () => {
    const { newText, quotedText } = splitQuoted('On Mon, Ana wrote:\n> What is your case number?\nLMA2023123456\n> And your phone?\n+51 987 654 321');
    expect(newText).toBe('LMA2023123456\n+51 987 654 321');
    expect(quotedText).toBe('On Mon, Ana wrote:\nWhat is your case number?\nAnd your phone?');
  });

  it('an Outlook history block (not > quoted) stays history to its end', () => {
    const { newText } = splitQuoted('Gracias.\n\nFrom: IV Lima\nSent: Monday\nTo: Ana\nSubject: RE\n\nold text\nmore old text');
    expect(newText).toBe('Gracias.');
  });
});
