import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpSender, type MailSender } from '../../../src/adapters/smtp/smtp-sender.js';
import { startSmtpSink, type SmtpSink } from '../../../src/devstack/smtp-sink.js';

// The sender composes the whole message before handing it to the pool; this
// checks, against a real SMTP peer, that what arrives is the mail we meant.
describe('createSmtpSender against a real SMTP peer', () => {
  let sink: SmtpSink;
  let sender: MailSender;
  beforeAll(async () => {
    sink = await startSmtpSink();
    sender = createSmtpSender(sink.url, { maxConnections: 2 });
  });
  afterAll(async () => {
    sender?.close();
    await sink?.stop();
  });

  it('delivers headers, threading, a dot-led body line, UTF-8 and an .eml attachment intact, to the envelope given', async () => {
    const original = Buffer.from('From: ana@example.org\r\nSubject: IV Inquiry\r\n\r\n.a line with a leading dot\r\n');
    const text = 'Estimada Sra. Pérez:\n.\n.línea que empieza con punto\n签证 咨询\n';
    await sender.send({
      from: { name: 'Consulado — Lima', address: 'ivlima@example.gov' },
      to: { name: 'Ana Pérez', address: 'ana@example.org' },
      subject: 'Re: IV Inquiry LMA2023123456 PÉREZ',
      text,
      messageId: '<reply-1@triage.example.gov>',
      inReplyTo: '<orig-1@example.org>',
      references: ['<orig-0@example.org>', '<orig-1@example.org>'],
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      attachments: [{ filename: 'original.eml', content: original, contentType: 'message/rfc822', contentDisposition: 'attachment' }],
    });
    await sink.waitFor(1);
    const got = sink.messages[0]!;
    expect(got.envelope).toEqual({ from: 'ivlima@example.gov', to: ['ana@example.org'] });
    const mail = await got.parsed();
    expect(mail.subject).toBe('Re: IV Inquiry LMA2023123456 PÉREZ');
    expect(mail.messageId).toBe('<reply-1@triage.example.gov>');
    expect(mail.inReplyTo).toBe('<orig-1@example.org>');
    expect(mail.references).toEqual(['<orig-0@example.org>', '<orig-1@example.org>']);
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.date).toBeInstanceOf(Date);
    expect(mail.from?.value[0]).toEqual({ name: 'Consulado — Lima', address: 'ivlima@example.gov' });
    // mailparser shows an attached message/rfc822 inline after the body text.
    expect(mail.text?.startsWith(text)).toBe(true);
    // The original as an attachment (staff open it as a file), byte for byte:
    // message/rfc822 may not be base64-encoded (RFC 2046 5.2.1), so it travels as is.
    const part = /Content-Type: message\/rfc822; name=original\.eml\r\n([\s\S]*?)\r\n\r\n([\s\S]*?)\r\n--/.exec(got.raw.toString('latin1'));
    expect(part?.[1]).toMatch(/^Content-Disposition: attachment; filename=original\.eml$/m);
    expect(part?.[1]).toMatch(/^Content-Transfer-Encoding: 7bit$/m);
    expect(Buffer.from(part![2]!, 'latin1').equals(original)).toBe(true);
  });

  it('keeps each message apart when many are sent at once over the pool', async () => {
    sink.messages.length = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sender.send({
          from: { name: 'Post', address: 'post@example.gov' },
          to: { name: `Applicant ${i}`, address: `a${i}@example.org` },
          subject: `Re: case ${i}`,
          text: `reply number ${i}\n`,
          messageId: `<r${i}@triage.example.gov>`,
        }),
      ),
    );
    await sink.waitFor(20);
    const seen = await Promise.all(sink.messages.map(async (m) => [m.envelope.to[0], (await m.parsed()).text?.trim()]));
    expect(new Map(seen as Array<[string, string]>)).toEqual(new Map(Array.from({ length: 20 }, (_, i) => [`a${i}@example.org`, `reply number ${i}`])));
  });
});
