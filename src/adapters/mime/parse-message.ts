/**
 * Raw RFC 5322 bytes -> NormalizedMessage, with mailparser. The only place
 * that knows MIME. I/O-free but asynchronous (mailparser streams).
 *
 * Attachments are never buffered: their bytes are counted and dropped, so a
 * 30 MB PDF costs a pass of base64 decoding, not 30 MB of heap.
 */
import { MailParser, type AddressObject, type HeaderLines } from 'mailparser';
import { MAX_RTF_BYTES, rtfAsText } from './rtf-text.js';
import { compile as compileHtmlToText } from 'html-to-text';
import iconv from 'iconv-lite';
import type { Address, AttachmentMeta, NormalizedMessage } from '../../core/types.js';
import { collapseWhitespace } from '../../core/normalize-text.js';
import { splitQuoted } from './split-quoted.js';
import { declareHtmlCharsets, elideLargeParts, ELIDED_HEADER, repairRawHeaders } from './raw-mime.js';

/**
 * Messages still larger than this once their large attachments are emptied
 * (a giant text part, or MIME too broken to walk) are decided from their
 * first MAX_PARSE_BYTES only: a hostile 100 MB message must not stall a
 * worker. The raw message itself is kept whole for staff.
 */
export const MAX_PARSE_BYTES = 8 * 1024 * 1024;

/**
 * HTML bodies longer than this are not converted to text (mailparser's
 * html-to-text is superlinear on pathological markup). Real mail HTML is
 * well under 1 MB; generated newsletters rarely exceed 300 KB.
 */
export const MAX_HTML_CHARS = 2 * 1024 * 1024;

/** The returned original inside a bounce, or a forwarded .eml: kept up to this size as quoted text. */
const MAX_TEXT_CHARS = 256 * 1024;

/** Part content types are read from this much of the raw message. */
const PART_SCAN_BYTES = 2 * 1024 * 1024;

/** A message attached to a message (a bounce's returned original) is read this deep. */
const MAX_NESTING = 2;

/** Parts read as an attached message: a returned or forwarded original, or a bounce's returned headers. */
const EMBEDDED_TYPES = new Set(['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/global-headers']);

/** RTF parts read as the body when there is no other. */
const RTF_TYPES = new Set(['text/rtf', 'application/rtf']);

/** A text/plain attachment read as the body (when there is no other) is read up to this size. */
const MAX_TEXT_ATTACHMENT_BYTES = 64 * 1024;

/**
 * Messages above this size have their attachments over ELIDE_PART_BYTES
 * emptied before parsing (see raw-mime.ts): triage reads text, names and
 * types, never an attachment's bytes, so decoding them is wasted work (and
 * text after them, where Apple Mail puts it, is then within reach).
 */
const ELIDE_ABOVE_BYTES = 256 * 1024;
const ELIDE_PART_BYTES = 64 * 1024;

export async function parseMessage(raw: Buffer, depth = 0): Promise<NormalizedMessage> {
  let input = repairRawHeaders(raw);
  // Large attachments are emptied before parsing: their bytes decide nothing, and text after them is kept.
  if (input.length > ELIDE_ABOVE_BYTES) input = elideLargeParts(input, ELIDE_PART_BYTES).raw;
  const truncated = input.length > MAX_PARSE_BYTES;
  if (truncated) input = input.subarray(0, MAX_PARSE_BYTES);
  let parsed = await runParser(input, depth);
  // An HTML part without a charset parameter was read as UTF-8; its <meta> may say otherwise.
  if (parsed.html.includes('\ufffd')) {
    const declared = declareHtmlCharsets(input);
    if (declared !== input) {
      input = declared;
      parsed = await runParser(input, depth);
    }
  }
  return normalize(raw, input, parsed, truncated, depth);
}

interface ParserOutput {
  fields: ParsedFields;
  headerLines: HeaderLines;
  attachments: AttachmentMeta[];
  embedded: Buffer[][];
  textAttachments: Array<{ chunks: Buffer[]; charset: string }>;
  rtfParts: Buffer[][];
  text: string;
  html: string;
}

async function runParser(input: Buffer, depth: number): Promise<ParserOutput> {
  const parser = new MailParser({
    skipTextToHtml: true,
    // HTML is converted below, once, and without what CSS hides.
    skipHtmlToText: true,
    skipImageLinks: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: MAX_HTML_CHARS,
  });

  let headerLines: HeaderLines = [];
  const attachments: AttachmentMeta[] = [];
  const embedded: Buffer[][] = [];
  const textAttachments: ParserOutput['textAttachments'] = [];
  const rtfParts: Buffer[][] = [];
  let text = '';
  let html = '';

  const done = new Promise<void>((resolve, reject) => {
    parser.on('headerLines', (lines: HeaderLines) => {
      if (headerLines.length === 0) headerLines = lines;
    });
    parser.on('data', (data: any) => {
      if (data.type === 'attachment') {
        const meta: AttachmentMeta = { filename: data.filename ?? null, contentType: String(data.contentType ?? 'application/octet-stream').toLowerCase(), size: 0 };
        attachments.push(meta);
        const elidedBytes = Number(data.headers?.get?.(ELIDED_HEADER.toLowerCase()) ?? 0);
        // A returned or forwarded message (or a bounce's returned headers) is history to read, not a file.
        const keep = depth < MAX_NESTING && EMBEDDED_TYPES.has(meta.contentType) ? [] as Buffer[] : null;
        if (keep) embedded.push(keep);
        // A plain-text file is the body when there is no other (some phone clients send it so).
        const asText = !keep && meta.contentType === 'text/plain' ? { chunks: [] as Buffer[], charset: String(data.headers?.get?.('content-type')?.params?.charset ?? 'utf-8') } : null;
        if (asText) textAttachments.push(asText);
        // So is an RTF document (old Outlook Express, WordPad-style clients).
        const asRtf = !keep && RTF_TYPES.has(meta.contentType) ? ([] as Buffer[]) : null;
        if (asRtf) rtfParts.push(asRtf);
        data.content.on('data', (chunk: Buffer) => {
          meta.size += chunk.length;
          if (keep && meta.size <= MAX_TEXT_CHARS) keep.push(chunk);
          if (asText && meta.size <= MAX_TEXT_ATTACHMENT_BYTES) asText.chunks.push(chunk);
          if (asRtf && meta.size <= MAX_RTF_BYTES) asRtf.push(chunk);
        });
        data.content.on('end', () => {
          if (elidedBytes > 0) meta.size = elidedBytes;
          data.release();
        });
        data.content.on('error', reject);
      } else if (data.type === 'text') {
        text = typeof data.text === 'string' ? data.text : '';
        html = typeof data.html === 'string' ? data.html : '';
      }
    });
    parser.once('end', () => resolve());
    parser.once('error', reject);
  });
  parser.end(input);
  await done;
  return { fields: parser as unknown as ParsedFields, headerLines, attachments, embedded, textAttachments, rtfParts, text, html };
}

async function normalize(raw: Buffer, input: Buffer, parsed: ParserOutput, truncated: boolean, depth: number): Promise<NormalizedMessage> {
  const { fields: p, headerLines, attachments, embedded, html } = parsed;
  let text = parsed.text;
  const headers = headerMap(headerLines);
  // mailparser converts HTML to text only for the root part or beside a
  // text part: an HTML body inside multipart/related (inline images), or
  // beside an empty or "this message is in HTML format" plain part, would
  // leave nothing to read.
  // mailparser's own conversion (an HTML-only message) keeps text hidden by
  // CSS, which the reader never sees ("this message was generated
  // automatically" in a display:none signature): convert it ourselves.
  const types = partTypes(input);
  if (html && (isStubText(text) || !types.includes('text/plain'))) text = htmlAsText(html) || text;
  else if (html && text.trim().length < SHORT_PLAIN_CHARS) {
    // A plain part that only points at the HTML one, in words we do not
    // know ("Please see the HTML version of this message"), says far less.
    const fromHtml = htmlAsText(html);
    if (fromHtml.trim().length > 2 * text.trim().length + 60) text = fromHtml;
  }
  if (isStubText(text) && !html) {
    const file = parsed.textAttachments.find((t) => t.chunks.length > 0);
    if (file) text = decodeText(Buffer.concat(file.chunks), file.charset);
  }
  if (isStubText(text) && !html) {
    for (const part of parsed.rtfParts) {
      const fromRtf = await rtfAsText(Buffer.concat(part));
      if (fromRtf) {
        text = fromRtf;
        break;
      }
    }
  }
  const body = text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
  // Bare CR line ends (old Mac clients, some gateways) as LF, so that quotes and report lines split.
  const cleaned = visible(repairMojibake(body));
  const split = splitQuoted(cleaned.includes('\r') ? cleaned.replace(/\r\n?/g, '\n') : cleaned);
  let quotedText = split.quotedText;
  for (const chunks of embedded) {
    const inner = await parseMessage(Buffer.concat(chunks), depth + 1);
    quotedText = [quotedText, inner.subject, inner.newText, inner.quotedText].filter(Boolean).join('\n');
  }
  const newText = split.newText;
  return {
    messageId: p.messageId ? String(p.messageId).trim() : null,
    inReplyTo: p.inReplyTo ? String(p.inReplyTo).trim() : null,
    references: toArray(p.references).map((r) => String(r).trim()),
    subject: collapseWhitespace(visible(repairMojibake(typeof p.subject === 'string' ? p.subject : ''))),
    from: firstAddress(p.from),
    replyTo: firstAddress(p.replyTo),
    to: allAddresses(p.to),
    date: p.date instanceof Date && !Number.isNaN(p.date.getTime()) ? p.date.toISOString() : null,
    newText,
    quotedText,
    headers,
    contentType: (headers['content-type']?.[0] ?? 'text/plain').split(';')[0]!.trim().toLowerCase(),
    partTypes: types,
    attachments,
    size: raw.length,
    truncated,
  };
}

/**
 * Invisible format characters (zero-width space, soft hyphen, LRM/RLM,
 * BOM, word joiner) removed, so that `LMA\u200b2023123456` or `IV
 * Inqu\u00adiry` read as written on screen; non-breaking and other Unicode
 * hyphens become `-`.
 */
const INVISIBLE_OR_HYPHEN = /[\p{Cf}\u2010\u2011\u2012\u2043\ufe63\uff0d]/u;

function visible(text: string): string {
  if (!INVISIBLE_OR_HYPHEN.test(text)) return text;
  return text.replace(/\p{Cf}/gu, '').replace(/[\u2010\u2011\u2012\u2043\ufe63\uff0d]/gu, '-');
}

/**
 * UTF-8 read as Latin-1 or windows-1252 (a charset label that lies:
 * "falleciÃ³" for "falleció"): such text is written back to its bytes and
 * read as UTF-8, when that gives valid UTF-8. Real Latin-1 text almost never
 * has `Ã`/`Â` followed by a character of the UTF-8 continuation range.
 */
const MOJIBAKE = /[\u00c2-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/u;

function repairMojibake(text: string): string {
  if (!MOJIBAKE.test(text) || /[^\u0000-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/u.test(text)) return text;
  const utf8 = iconv.encode(text, 'win1252').toString('utf8');
  return utf8.includes('\ufffd') ? text : utf8;
}

/** Deepest HTML nesting converted (as mailparser: deeper markup stalls the converter). */
const MAX_HTML_DEPTH = 2_000;

/** A plain part this short beside an HTML part is compared with it: the longer text is the message. */
const SHORT_PLAIN_CHARS = 200;

/** Empty, or the stub a client puts in the plain part of an HTML mail. */
function isStubText(text: string): boolean {
  const t = text.trim();
  return t === '' || (t.length < 200 && /\b(html[- ]?(format|capable|compatible|viewer|reader)|formato html|view (it|this message) in (your )?browser|ver (este|el) (mensaje|correo) en (su|tu|el) navegador)\b|html格式/iu.test(t));
}

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Whether tags nest deeper than `max` (hostile markup stalls the HTML parser): one linear scan, no parse. */
function nestingDepthExceeds(html: string, max: number): boolean {
  let depth = 0;
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    if (m[1]) depth = Math.max(0, depth - 1);
    else if (!m[3] && !VOID_ELEMENTS.has((m[2] ?? '').toLowerCase()) && ++depth > max) return true;
  }
  return false;
}

/** Elements the reader does not see: inline-hidden, or the `hidden` attribute. */
const HIDDEN = ['[hidden]', ...['display:none', 'display: none', 'visibility:hidden', 'visibility: hidden', 'max-height:0', 'max-height: 0', 'font-size:0', 'font-size: 0'].map((s) => `[style*="${s}" i]`)];

/**
 * The HTML converter, built once: html-to-text compiles its selectors on
 * every `convert` call, which cost more than the conversion itself (a
 * twentieth of a pipeline thread's CPU at our volumes).
 */
const htmlToText = compileHtmlToText({
  wordwrap: false,
  limits: { maxDepth: MAX_HTML_DEPTH },
  // A table row is a line, its cells words apart: "Caso | BNS-2024-071203" in
  // a law firm's form reads "Caso BNS-2024-071203", not "CasoBNS-2024-071203".
  formatters: {
    tableCell: (elem, walk, builder) => {
      walk(elem.children, builder);
      builder.addInline(' ', { noWordTransform: true });
    },
  },
  selectors: [
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'td', format: 'tableCell' },
    { selector: 'th', format: 'tableCell' },
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { ignoreHref: true } },
    ...HIDDEN.map((selector) => ({ selector, format: 'skip' })),
  ],
});

/** An HTML body as text, without what is hidden; '' when it is too large or too deep to convert. */
function htmlAsText(html: string): string {
  if (html.length > MAX_HTML_CHARS || nestingDepthExceeds(html, MAX_HTML_DEPTH)) return '';
  try {
    return htmlToText(html).trim();
  } catch {
    return '';
  }
}

interface ParsedFields {
  messageId?: unknown;
  inReplyTo?: unknown;
  references?: unknown;
  subject?: unknown;
  from?: AddressObject;
  replyTo?: AddressObject;
  to?: AddressObject | AddressObject[];
  date?: unknown;
}

function headerMap(lines: HeaderLines): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const { key, line } of lines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    (map[key.toLowerCase()] ??= []).push(value);
  }
  return map;
}

function firstAddress(obj: AddressObject | undefined): Address | null {
  return allAddresses(obj)[0] ?? null;
}

function allAddresses(obj: AddressObject | AddressObject[] | undefined): Address[] {
  const out: Address[] = [];
  for (const group of toArray(obj)) {
    for (const a of group?.value ?? []) {
      const members = a.group ?? [a];
      for (const m of members) out.push(recoverAddress((m.address ?? '').trim().toLowerCase(), collapseWhitespace(m.name ?? '')));
    }
  }
  return out;
}

/**
 * Some senders encode the whole `Name <addr>` as one RFC 2047 word, so the
 * address arrives inside the display name; take it back out.
 */
function recoverAddress(address: string, name: string): Address {
  if (address !== '') return { address, name };
  const m = /<?\s*([^\s<>"]+@[^\s<>"]+\.[^\s<>"]+)\s*>?/u.exec(name);
  if (!m || m[1] === undefined) return { address, name };
  return { address: m[1].toLowerCase(), name: collapseWhitespace(name.replace(m[0], '').replace(/^["'\s]+|["'\s]+$/g, '')) };
}

function partTypes(raw: Buffer): string[] {
  const head = raw.subarray(0, PART_SCAN_BYTES).toString('latin1');
  const types = new Set<string>();
  for (const m of head.matchAll(/^content-type:\s*([a-z0-9.+-]+\/[a-z0-9.+-]+)/gim)) types.add((m[1] ?? '').toLowerCase());
  return [...types];
}

/** Bytes in a named charset as text; UTF-8 when the name is unknown. */
function decodeText(bytes: Buffer, charset: string): string {
  return iconv.encodingExists(charset) ? iconv.decode(bytes, charset) : bytes.toString('utf8');
}

function toArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
