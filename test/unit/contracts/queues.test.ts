import { describe, expect, it } from 'vitest';
import { messageKey, rawMessageKey } from '../../../src/contracts/queues.js';

const mail = (head: string, body = 'Hola\r\n'): Buffer => Buffer.from(`${head}\r\n\r\n${body}`, 'utf8');

describe('rawMessageKey', () => {
  it('names a message by its Message-ID, however the header is folded or cased', () => {
    const plain = rawMessageKey('LMA', mail('From: a@example.org\r\nMessage-ID: <abc@mail.example.org>'));
    expect(rawMessageKey('LMA', mail('message-id:\r\n <abc@mail.example.org>\r\nFrom: b@example.org'))).toBe(plain);
    expect(rawMessageKey('LMA', mail('Message-Id: <ABC@MAIL.EXAMPLE.ORG>'))).toBe(plain);
    expect(plain).toBe(messageKey('LMA', '<abc@mail.example.org>', Buffer.alloc(0)));
  });

  it('falls back to the bytes without a Message-ID, and never reads one from the body', () => {
    const a = mail('From: a@example.org', 'Message-ID: <abc@mail.example.org>\r\n');
    expect(rawMessageKey('LMA', a)).toBe(messageKey('LMA', null, a));
    expect(rawMessageKey('LMA', a)).not.toBe(rawMessageKey('LMA', mail('From: a@example.org', 'other\r\n')));
  });

  it('keeps posts apart', () => {
    const m = mail('Message-ID: <x@y>');
    expect(rawMessageKey('LMA', m)).not.toBe(rawMessageKey('GUZ', m));
  });
});
