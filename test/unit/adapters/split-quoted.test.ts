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
