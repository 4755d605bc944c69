/**
 * The text of an RTF body (`text/rtf`, `application/rtf`): what old Outlook
 * Express, WordPad-style clients and some scanners' mailers send as the only
 * body. rtf-stream-parser tokenises it and renders the plain text, with
 * `\'hh` bytes in the document's code page (`\ansicpg1252`, `\ansicpg936`)
 * and `\uN` characters decoded, and font tables, pictures and other hidden
 * destinations left out.
 */
import iconv from 'iconv-lite';
import { Tokenize } from 'rtf-stream-parser';
// Not re-exported by the package's index; a stable module of its dist since 3.x.
import { ToPlainText } from 'rtf-stream-parser/dist/src/ToPlainText.js';

/** RTF longer than this is not read: a body of text is far shorter, a larger one is pictures. */
export const MAX_RTF_BYTES = 512 * 1024;

/** The document's text, or '' when it is not RTF, is too large or cannot be read. */
export async function rtfAsText(rtf: Buffer): Promise<string> {
  if (rtf.length > MAX_RTF_BYTES || !rtf.subarray(0, 64).toString('latin1').includes('{\\rtf')) return '';
  const tokens = new Tokenize();
  const text = new ToPlainText({ decode: (buf, enc) => iconv.decode(buf, enc), warn: () => {} });
  let out = '';
  return new Promise<string>((resolve) => {
    const fail = (): void => resolve('');
    tokens.on('error', fail);
    text.on('error', fail);
    text.on('data', (chunk: string | Buffer) => {
      out += String(chunk);
    });
    text.on('end', () => resolve(out.replace(/\r\n?/g, '\n').trim()));
    tokens.pipe(text);
    tokens.end(rtf);
  });
}
