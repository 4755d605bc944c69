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

/**
 * RTF is read up to this much: a body of text is far shorter, and what
 * makes a document larger is pictures, after its text. The parser collects
 * no more than this of a part (parse-message), and nothing longer is read.
 */
export const MAX_RTF_BYTES = 512 * 1024;

/** The document's text, or '' when it is not RTF, is too large or cannot be read (a cut-off document yields what it can). */
export async function rtfAsText(rtf: Buffer): Promise<string> {
  if (rtf.length > MAX_RTF_BYTES || !rtf.subarray(0, 64).toString('latin1').includes('{\\rtf')) return '';
  rtf = withoutBinaryGroups(rtf);
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

/**
 * Groups that hold pictures, embedded objects' data and shape properties
 * as hex or values, which the plain-text renderer would print as text
 * (megabytes of it, where a run like `abc2023123456` reads as a case
 * number). A shape's own text box (`\shptxt`) is kept.
 */
const BINARY_GROUP = /\{\\(pict|nonshppict|objdata|sp|blipuid)(?![a-z])/g;

/** `rtf` with every picture and object group cut out, braces matched (`\{` and `\}` are text). One pass. */
export function withoutBinaryGroups(rtf: Buffer): Buffer {
  const text = rtf.toString('latin1');
  BINARY_GROUP.lastIndex = 0;
  if (!BINARY_GROUP.test(text)) return rtf;
  BINARY_GROUP.lastIndex = 0;
  let out = '';
  let from = 0;
  for (let m = BINARY_GROUP.exec(text); m; m = BINARY_GROUP.exec(text)) {
    if (m.index < from) continue;
    out += text.slice(from, m.index);
    let depth = 0;
    let i = m.index;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    from = i + 1;
    BINARY_GROUP.lastIndex = from;
  }
  out += text.slice(Math.min(from, text.length));
  return Buffer.from(out, 'latin1');
}
