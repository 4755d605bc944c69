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

describe('deliveryUnknown', () => {
  it.each<[{ responseCode?: number; code: string; command?: string; message?: string }, boolean, string]>([
    [{ responseCode: 451, code: 'EMESSAGE' }, false, 'the server refused with a code'],
    [{ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:25' }, false, 'never connected'],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, false, 'no greeting'],
    [{ code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }, true, 'lost mid-transaction'],
  ])('%j -> %s (%s)', (err, unknown, _why) => {
    expect(classifySmtpError(Object.assign(new Error(err.message ?? 'x'), err)).deliveryUnknown).toBe(unknown);
  });
});
