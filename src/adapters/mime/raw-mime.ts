/**
 * Byte-level work on a raw message before (or instead of) a full parse:
 *
 * - `elideLargeParts` empties the bodies of large attachments and keeps
 *   every header and text part, so a 30 MB scan with the applicant's text
 *   after it (Apple Mail puts text after attachments) is decided from its
 *   text, and stored or forwarded to staff without the 30 MB.
 * - `repairRawHeaders` mends what the parser would misread: raw 8-bit
 *   header bytes in the body's legacy charset (GBK, Big5, windows-1252)
 *   where UTF-8 is assumed, UTF-7 encoded words, a multipart without its
 *   boundary parameter.
 * - `declareHtmlCharsets` gives an HTML part that has no charset parameter
 *   the charset its own `<meta>` names.
 *
 * One linear pass over the MIME skeleton with Buffer.indexOf; no part is
 * decoded except the first kilobytes of an HTML part without a charset.
 * Each function returns the input buffer itself when it has nothing to do.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import libmime from 'libmime';

/** A part tree deeper than this (hostile nesting) is left as it is below that depth. */
const MAX_DEPTH = 16;
/** At most this many parts are looked at per message. */
const MAX_PARTS = 2_000;
/** A header block longer than this is not a header block we read. */
const MAX_HEADER_BYTES = 256 * 1024;
/** The header set on a part whose body was taken out, with the size its body decodes to. */
export const ELIDED_HEADER = 'X-Triage-Elided-Bytes';
/** HTML read to find a `<meta>` charset. */
const META_SNIFF_BYTES = 4 * 1024;

interface Entity {
  raw: Buffer;
  start: number;
  /** End of the header block (the last header line's end, before the blank line). */
  headerEnd: number;
  bodyStart: number;
  end: number;
  header: string;
}

interface Edit {
  start: number;
  end: number;
  bytes: Buffer;
}

interface ContentType {
  type: string;
  params: Map<string, string>;
}

/**
 * The raw message with the body of every attachment larger than
 * `maxPartBytes` taken out (text/* and message/* parts are kept; a
 * returned or forwarded message is walked into). Each emptied part keeps
 * its headers and gains `X-Triage-Elided-Bytes: <size>`.
 */
export function elideLargeParts(raw: Buffer, maxPartBytes: number): { raw: Buffer; elided: number } {
  if (raw.length <= maxPartBytes) return { raw, elided: 0 };
  const chosen = attachmentBodies(raw).filter((e) => e.end - e.bodyStart > maxPartBytes);
  return { raw: applyEdits(raw, chosen.map(elision)), elided: chosen.length };
}

/**
 * The raw message within `limit` bytes where emptying attachments can get
 * it there: the largest are emptied first, so the small ones (a photo of a
 * page) stay for staff. Null when even without every attachment body it
 * would not fit (the caller truncates or refuses).
 */
export function elideToFit(raw: Buffer, limit: number): { raw: Buffer; elided: number } | null {
  if (raw.length <= limit) return { raw, elided: 0 };
  const bySize = attachmentBodies(raw).sort((a, b) => b.end - b.bodyStart - (a.end - a.bodyStart));
  const chosen: Entity[] = [];
  let size = raw.length;
  for (const e of bySize) {
    if (size <= limit) break;
    chosen.push(e);
    size -= e.end - e.headerEnd - elision(e).bytes.length;
  }
  if (size > limit) return null;
  return { raw: applyEdits(raw, chosen.map(elision)), elided: chosen.length };
}

/** Leaf parts that are neither text nor a message: the ones whose bodies may be taken out. */
function attachmentBodies(raw: Buffer): Entity[] {
  const found: Entity[] = [];
  walk(raw, 0, raw.length, 0, { parts: 0 }, (entity, ct) => {
    // The top-level entity is the message itself: its body is never an attachment to drop.
    if (entity.start === 0 || ct.type.startsWith('text/') || ct.type.startsWith('message/') || ct.type.startsWith('multipart/')) return;
    found.push(entity);
  });
  return found;
}

/** The edit that replaces a part's body with the elision header (which carries the body's decoded size). */
function elision(e: Entity): Edit {
  const base64 = /^content-transfer-encoding:[ \t]*base64/im.test(e.header);
  const size = base64 ? base64DecodedSize(e.raw, e.bodyStart, e.end) : e.end - e.bodyStart;
  return { start: e.headerEnd, end: e.end, bytes: Buffer.from(`\r\n${ELIDED_HEADER}: ${size}\r\n\r\n`, 'latin1') };
}

/** Bytes a base64 body decodes to, counted line by line without decoding. */
function base64DecodedSize(raw: Buffer, start: number, end: number): number {
  let chars = 0;
  let padding = 0;
  for (let at = start; at < end; ) {
    const nl = raw.indexOf(0x0a, at);
    let stop = nl === -1 || nl > end ? end : nl;
    const next = stop + 1;
    while (stop > at && (raw[stop - 1] === 0x0d || raw[stop - 1] === 0x20 || raw[stop - 1] === 0x09)) stop--;
    if (stop > at) {
      chars += stop - at;
      padding = raw[stop - 1] === 0x3d ? (raw[stop - 2] === 0x3d ? 2 : 1) : 0;
    }
    at = next;
  }
  return Math.max(0, Math.floor((chars * 3) / 4) - padding);
}

/** What a sender's own `X-Triage-Elided-Bytes` header is renamed to, so that only ours count. */
const DISARMED_HEADER = 'X-Sender-Elided-Bytes';

/**
 * The copy intake stores: a header of ours that the sender wrote into their
 * own mail is renamed (it would make staff think attachments were left
 * out), then the largest attachments are emptied to fit `limit` where that
 * can get it there. The input buffer itself when neither applies; null as
 * {@link elideToFit}.
 */
export function storedCopy(raw: Buffer, limit: number): { raw: Buffer; elided: number } | null {
  return elideToFit(disarmElisionHeaders(raw), limit);
}

function disarmElisionHeaders(raw: Buffer): Buffer {
  const name = Buffer.from(ELIDED_HEADER + ':', 'latin1');
  const at: number[] = [];
  if (raw.subarray(0, name.length).equals(name)) at.push(0);
  for (let i = raw.indexOf(`\n${ELIDED_HEADER}:`, 0, 'latin1'); i !== -1; i = raw.indexOf(`\n${ELIDED_HEADER}:`, i + 1, 'latin1')) at.push(i + 1);
  if (at.length === 0) return raw;
  const parts: Buffer[] = [];
  let from = 0;
  for (const start of at) {
    parts.push(raw.subarray(from, start), Buffer.from(DISARMED_HEADER, 'latin1'));
    from = start + ELIDED_HEADER.length;
  }
  parts.push(raw.subarray(from));
  return Buffer.concat(parts);
}

/** Whether a (possibly elided) raw message had attachment bodies taken out by {@link storedCopy}. */
export function hasElidedParts(raw: Buffer): boolean {
  return raw.includes(`\n${ELIDED_HEADER}:`, 0, 'latin1');
}

/**
 * Top-level header repairs; the input buffer itself when none applies.
 *
 * - Header bytes that are not UTF-8 are read in the charset the message
 *   declares for its text (mail clients that send raw 8-bit headers write
 *   them in the body's charset), else windows-1252, and written as UTF-8
 *   (RFC 6532), which the parser reads.
 * - UTF-7 encoded words (`=?unicode-1-1-utf-7?Q?...?=`) become UTF-8 ones.
 * - A multipart whose Content-Type lacks `boundary=` gets the one its first
 *   delimiter line uses.
 */
export function repairRawHeaders(raw: Buffer): Buffer {
  const entity = entityAt(raw, 0, raw.length);
  if (!entity) return raw;
  let header = raw.subarray(0, entity.headerEnd);
  let changed = false;
  // ASCII is UTF-8 too: one native check for the usual header block.
  if (!isUtf8(header)) {
    header = iconv.encode(iconv.decode(header, legacyCharsetOf(raw)), 'utf8');
    changed = true;
  }
  let text = header.toString('latin1');
  if (/=\?(?:unicode-1-1-)?utf-7/i.test(text)) {
    text = text.replace(/=\?(?:unicode-1-1-)?utf-7(?:\*[^?]*)?\?([QqBb])\?([^?\s]*)\?=/gi, (_w, enc: string, data: string) => {
      const bytes = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQ(data);
      return `=?UTF-8?B?${Buffer.from(iconv.decode(bytes, 'utf7'), 'utf8').toString('base64')}?=`;
    });
    changed = true;
  }
  const ct = parseContentType(text);
  if (ct.type.startsWith('multipart/') && !ct.params.has('boundary')) {
    const body = raw.toString('latin1', entity.bodyStart, Math.min(raw.length, entity.bodyStart + 64 * 1024));
    const boundary = /^--([\x21-\x7e]{1,70}?)(?:--)?[ \t]*\r?$/m.exec(body)?.[1];
    if (boundary) {
      text = text.replace(/^(content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im, `$1; boundary="${boundary.replace(/"/g, '')}"`);
      changed = true;
    }
  }
  if (!changed) return raw;
  return Buffer.concat([Buffer.from(text, 'latin1'), raw.subarray(entity.headerEnd)]);
}

/**
 * Every text/html part without a charset parameter gets the charset its
 * `<meta>` declares (an HTML-only message from a web form or an old
 * client); the input buffer itself when none needs it.
 */
export function declareHtmlCharsets(raw: Buffer): Buffer {
  const edits: Edit[] = [];
  walk(raw, 0, raw.length, 0, { parts: 0 }, (entity, ct) => {
    if (ct.type !== 'text/html' || ct.params.has('charset')) return;
    const sniff = decodeHead(raw.subarray(entity.bodyStart, Math.min(entity.end, entity.bodyStart + META_SNIFF_BYTES * 2)), entity.header);
    const charset = /<meta[^>]*?charset\s*=\s*["']?([\w.:-]+)/i.exec(sniff)?.[1];
    if (!charset || !iconv.encodingExists(charset)) return;
    const header = entity.header.replace(/^(content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im, `$1; charset="${charset}"`);
    edits.push({ start: entity.start, end: entity.headerEnd, bytes: Buffer.from(header, 'latin1') });
  });
  return applyEdits(raw, edits);
}

type Visit = (entity: Entity, ct: ContentType) => void;

/** Visits every leaf entity (and walks into multiparts and message/rfc822), bounded in depth and count. */
function walk(raw: Buffer, start: number, end: number, depth: number, budget: { parts: number }, visit: Visit): void {
  if (depth > MAX_DEPTH || ++budget.parts > MAX_PARTS) return;
  const entity = entityAt(raw, start, end);
  if (!entity) return;
  const ct = parseContentType(entity.header);
  const boundary = ct.params.get('boundary');
  if (ct.type.startsWith('multipart/') && boundary) {
    for (const [s, e] of partRanges(raw, entity.bodyStart, end, boundary)) walk(raw, s, e, depth + 1, budget, visit);
    return;
  }
  if ((ct.type === 'message/rfc822' || ct.type === 'message/global') && !/^content-transfer-encoding:\s*(base64|quoted-printable)/im.test(entity.header)) {
    walk(raw, entity.bodyStart, end, depth + 1, budget, visit);
    return;
  }
  visit(entity, ct);
}

/** The header block and body of the entity in [start, end); null when it has no header block. */
function entityAt(raw: Buffer, start: number, end: number): Entity | null {
  // An entity that starts with a blank line has no headers.
  if (raw[start] === 0x0a) return { raw, start, headerEnd: start, bodyStart: start + 1, end, header: '' };
  if (raw[start] === 0x0d && raw[start + 1] === 0x0a) return { raw, start, headerEnd: start, bodyStart: start + 2, end, header: '' };
  const limit = Math.min(end, start + MAX_HEADER_BYTES);
  let i = raw.indexOf(0x0a, start);
  while (i !== -1 && i < limit) {
    const next = raw[i + 1];
    if (next === 0x0a) return entity(raw, start, i, i + 2, end);
    if (next === 0x0d && raw[i + 2] === 0x0a) return entity(raw, start, i, i + 3, end);
    i = raw.indexOf(0x0a, i + 1);
  }
  return null;
}

function entity(raw: Buffer, start: number, lineEnd: number, bodyStart: number, end: number): Entity {
  const headerEnd = raw[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd;
  return { raw, start, headerEnd, bodyStart: Math.min(bodyStart, end), end, header: raw.toString('latin1', start, headerEnd) };
}

/** The [start, end) of each part between the boundary's delimiter lines (CRLF before a delimiter belongs to it). */
function partRanges(raw: Buffer, bodyStart: number, end: number, boundary: string): Array<[number, number]> {
  const delimiter = Buffer.from(`\n--${boundary}`, 'latin1');
  const ranges: Array<[number, number]> = [];
  let partStart = -1;
  // The body starts after a line end, so a delimiter opening it is found too.
  let at = raw.indexOf(delimiter, Math.max(0, bodyStart - 1));
  while (at !== -1 && at < end) {
    const afterName = at + delimiter.length;
    const lineEnd = raw.indexOf(0x0a, afterName);
    if (partStart !== -1 && ranges.length < MAX_PARTS) ranges.push([partStart, raw[at - 1] === 0x0d ? at - 1 : at]);
    if (raw[afterName] === 0x2d && raw[afterName + 1] === 0x2d) return ranges;
    if (lineEnd === -1 || lineEnd >= end) return ranges;
    partStart = lineEnd + 1;
    at = raw.indexOf(delimiter, lineEnd);
  }
  // No closing delimiter (a truncated message): the last part runs to the end.
  if (partStart !== -1 && partStart < end) ranges.push([partStart, end]);
  return ranges;
}

/**
 * Content-Type of a header block: lower-case type and parameters (names
 * lower-case), read by libmime (quoting and RFC 2231 continuations such as
 * `boundary*0=...; boundary*1=...`). Default text/plain.
 */
function parseContentType(header: string): ContentType {
  const m = /^content-type:[ \t]*([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im.exec(header);
  const parsed = libmime.parseHeaderValue((m?.[1] ?? 'text/plain').replace(/\r?\n[ \t]+/g, ' '));
  const params = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed.params)) params.set(name.toLowerCase(), String(value));
  return { type: parsed.value.trim().toLowerCase() || 'text/plain', params };
}

/** The first legacy charset the message declares; windows-1252 when it declares none (or only UTF-8/ASCII). */
function legacyCharsetOf(raw: Buffer): string {
  const head = raw.toString('latin1', 0, Math.min(raw.length, 64 * 1024));
  for (const m of head.matchAll(/charset\s*=\s*"?([\w.:-]+)/gi)) {
    const cs = (m[1] ?? '').toLowerCase();
    if (/^(utf-?8|us-ascii|ascii|utf-?7|utf-?16.*|utf-?32.*|unknown.*)$/.test(cs)) continue;
    if (iconv.encodingExists(cs)) return cs;
  }
  return 'windows-1252';
}

/** RFC 2047 Q-encoding to bytes. */
function decodeQ(data: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9a-f]{2}$/i.test(data.slice(i + 1, i + 3))) {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

/** The first bytes of a body, transfer-decoded, as Latin-1 text (enough to read ASCII markup). */
function decodeHead(body: Buffer, header: string): string {
  const cte = /^content-transfer-encoding:\s*([\w-]+)/im.exec(header)?.[1]?.toLowerCase();
  if (cte === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]/g, '').slice(0, Math.floor((META_SNIFF_BYTES * 4) / 3 / 4) * 4), 'base64').toString('latin1');
  if (cte === 'quoted-printable') return body.toString('latin1').replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return body.toString('latin1');
}

function applyEdits(raw: Buffer, edits: Edit[]): Buffer {
  if (edits.length === 0) return raw;
  const out: Buffer[] = [];
  let at = 0;
  for (const e of edits.sort((a, b) => a.start - b.start)) {
    if (e.start < at) continue;
    out.push(raw.subarray(at, e.start), e.bytes);
    at = e.end;
  }
  out.push(raw.subarray(at));
  return Buffer.concat(out);
}
