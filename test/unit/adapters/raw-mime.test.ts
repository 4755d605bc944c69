import { describe, expect, it } from 'vitest';
import { declareHtmlCharsets, elideLargeParts, elideToFit, hasElidedParts, repairRawHeaders, storedCopy } from '../../../src/adapters/mime/raw-mime.js';
import { parseMessage } from '../../../src/adapters/mime/parse-message.js';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');
const b64 = (buf: Buffer): string => buf.toString('base64').replace(/(.{76})/g, '$1\n');

const part = (type: string, name: string, bytes: number, fill = 1) =>
  `--b\nContent-Type: ${type}; name="${name}"\nContent-Disposition: attachment; filename="${name}"\nContent-Transfer-Encoding: base64\n\n${b64(Buffer.alloc(bytes, fill))}\n`;

const mixed = (...parts: string[]) => crlf(`From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nprimero\n${parts.join('')}--b\nContent-Type: text/plain\n\nal final: LMA2023201133\n--b--\n`);

describe('elideLargeParts', () => {
  it('empties only attachments over the limit and keeps every text part, in order', async () => {
    const raw = mixed(part('application/pdf', 'big.pdf', 600_000), part('image/jpeg', 'small.jpg', 20_000));
    const { raw: out, elided } = elideLargeParts(raw, 256 * 1024);
    expect(elided).toBe(1);
    expect(out.length).toBeLessThan(100_000);
    const msg = await parseMessage(out);
    expect(msg.newText).toContain('primero');
    expect(msg.newText).toContain('LMA2023201133');
    expect(msg.attachments.map((a) => [a.filename, a.size > 0])).toEqual([['big.pdf', true], ['small.jpg', true]]);
    expect(msg.attachments[0]!.size).toBe(600_000);
  });

  it('walks into a forwarded message and empties its attachment, keeping its text', async () => {
    const inner = `From: b@example.com\nSubject: original\nContent-Type: multipart/mixed; boundary="i"\n\n--i\nContent-Type: text/plain\n\ntexto del original\n--i\nContent-Type: application/zip; name="docs.zip"\nContent-Transfer-Encoding: base64\n\n${b64(Buffer.alloc(400_000, 2))}\n--i--\n`;
    const raw = crlf(`From: a@example.com\nSubject: Fwd: original\nContent-Type: multipart/mixed; boundary="o"\n\n--o\nContent-Type: text/plain\n\nte reenvio\n--o\nContent-Type: message/rfc822\n\n${inner}\n--o--\n`);
    const { raw: out, elided } = elideLargeParts(raw, 256 * 1024);
    expect(elided).toBe(1);
    expect(out.toString('latin1')).toContain('texto del original');
    expect(out.length).toBeLessThan(10_000);
  });

  it('reads a boundary split into RFC 2231 continuations (boundary*0, boundary*1)', () => {
    const raw = crlf(`From: a@example.com\nContent-Type: multipart/mixed; boundary*0="ab"; boundary*1="cd"\n\n--abcd\nContent-Type: text/plain\n\nhola\n--abcd\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n${b64(Buffer.alloc(300_000, 6))}\n--abcd--\n`);
    const { raw: out, elided } = elideLargeParts(raw, 64 * 1024);
    expect(elided).toBe(1);
    expect(out.toString('latin1')).toContain('hola');
  });

  it('leaves a message without large parts as the same buffer', () => {
    const raw = mixed(part('image/jpeg', 'small.jpg', 20_000));
    expect(elideLargeParts(raw, 256 * 1024).raw).toBe(raw);
  });

  it('a part cut off without its closing delimiter is still emptied', () => {
    const raw = crlf(`From: a@example.com\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhola\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n${b64(Buffer.alloc(500_000, 4))}`);
    const { raw: out, elided } = elideLargeParts(raw, 256 * 1024);
    expect(elided).toBe(1);
    expect(out.toString('latin1')).toContain('hola');
  });

  it('stops at its depth bound on hostile nesting (50,000 multiparts deep) and leaves the message as it is', () => {
    const open = Array.from({ length: 50_000 }, (_, i) => `Content-Type: multipart/mixed; boundary="n${i}"\n\n--n${i}\n`).join('');
    const raw = Buffer.concat([crlf(`From: a@example.com\n${open}Content-Type: application/pdf\n\n`), Buffer.alloc(2_000_000, 65)]);
    const { raw: out, elided } = elideLargeParts(raw, 256 * 1024);
    expect(elided).toBe(0);
    expect(out).toBe(raw);
  });
});

describe('storedCopy', () => {
  it("renames a sender's own elision header, so staff are not told attachments were left out of a small mail", () => {
    const raw = crlf(`X-Triage-Elided-Bytes: 9999999\nFrom: a@example.com\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhola\n--b\nContent-Type: application/pdf\nX-Triage-Elided-Bytes: 5000000\n\nJVBERi0=\n--b--\n`);
    expect(hasElidedParts(raw)).toBe(true);
    const copy = storedCopy(raw, 1024 * 1024)!;
    expect(copy.elided).toBe(0);
    expect(hasElidedParts(copy.raw)).toBe(false);
    const text = copy.raw.toString('latin1');
    expect(text.startsWith('X-Sender-Elided-Bytes: 9999999\r\n')).toBe(true);
    expect(text).toContain('\r\nX-Sender-Elided-Bytes: 5000000\r\n\r\nJVBERi0=');
  });

  it('leaves mail without that header as it is, and still marks what it empties itself', () => {
    const small = crlf('From: a@example.com\nSubject: x\n\nhola\n');
    expect(storedCopy(small, 1024 * 1024)!.raw).toBe(small);
    const big = mixed(part('application/pdf', 'a.pdf', 1_200_000));
    expect(hasElidedParts(storedCopy(big, 1024 * 1024)!.raw)).toBe(true);
  });
});

describe('elideToFit', () => {
  it('empties the largest attachments first, only as many as needed, and marks the copy', () => {
    const raw = mixed(part('application/pdf', 'a.pdf', 700_000), part('application/pdf', 'b.pdf', 500_000), part('image/jpeg', 'c.jpg', 100_000));
    const fit = elideToFit(raw, 1024 * 1024)!;
    expect(fit.elided).toBe(1);
    expect(fit.raw.length).toBeLessThanOrEqual(1024 * 1024);
    const text = fit.raw.toString('latin1');
    expect(text).toMatch(/filename="a\.pdf"\r\nContent-Transfer-Encoding: base64\r\nX-Triage-Elided-Bytes: \d+/);
    expect(text).not.toMatch(/filename="b\.pdf"\r\nContent-Transfer-Encoding: base64\r\nX-Triage-Elided/);
    expect(hasElidedParts(fit.raw)).toBe(true);
    expect(hasElidedParts(raw)).toBe(false);
  });

  it('is null when even every attachment emptied would not fit (a giant text part)', () => {
    const raw = crlf(`From: a@example.com\nContent-Type: text/plain\n\n${'x'.repeat(1_100_000)}\n`);
    expect(elideToFit(raw, 1024 * 1024)).toBeNull();
  });
});

describe('repairRawHeaders and declareHtmlCharsets', () => {
  it('leave ordinary messages as the same buffer', () => {
    const raw = crlf('From: José <jose@example.com>\nSubject: =?utf-8?Q?Cancelaci=C3=B3n?=\nContent-Type: text/html; charset=utf-8\n\n<p>hola</p>\n');
    expect(repairRawHeaders(raw)).toBe(raw);
    expect(declareHtmlCharsets(raw)).toBe(raw);
  });

  it('declareHtmlCharsets reads the <meta> of a quoted-printable part inside a multipart', () => {
    const raw = crlf('From: a@example.com\nContent-Type: multipart/alternative; boundary="q"\n\n--q\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<meta charset=3D"gb2312"><p>=C4=FA=BA=C3</p>\n--q--\n');
    expect(declareHtmlCharsets(raw).toString('latin1')).toContain('Content-Type: text/html; charset="gb2312"');
  });
});
