import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../../src/adapters/smtp/smtp-sender.js';
import { isPermanent } from '../../../src/runtime/errors.js';

describe('classifySmtpError', () => {
  it.each([
    [{ responseCode: 421, code: 'EENVELOPE', command: 'RCPT TO' }, false],
    [{ responseCode: 451, code: 'EMESSAGE', command: 'DATA' }, false],
    [{ responseCode: 503, code: 'EPROTOCOL' }, false],
    [{ code: 'ECONNECTION' }, false],
    [{ code: 'ETIMEDOUT' }, false],
    [{ responseCode: 550, code: 'EENVELOPE', command: 'RCPT TO' }, true],
    [{ responseCode: 554, code: 'EMESSAGE', command: 'DATA' }, true],
  ])('%j permanent=%s', (err, permanent) => {
    const e = classifySmtpError(Object.assign(new Error('refused'), err));
    expect(e.code).toBe(permanent ? 'SMTP_PERMANENT' : 'SMTP_TEMPORARY');
    expect(isPermanent(e)).toBe(permanent);
    expect(e.message).toContain('refused');
  });
});
