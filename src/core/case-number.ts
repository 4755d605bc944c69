/**
 * Finding NVC case numbers: three letters (the post prefix) + ten digits, the
 * first four a year. Written by applicants as `LMA2023123456`, `lma 2023 123
 * 456`, `LMA-2023-123456`, `LMA–2023–123456` (a word processor's dash),
 * `LMA/2023/123456`, in full-width characters, split by HTML tags, and so
 * on. Pure.
 */

/**
 * Three letters not glued to a preceding Latin letter or digit (a Chinese
 * label such as `案件号GUZ...` may touch them), optional separator, then ten
 * digits with at most one space, dash or dot between any two of them. The
 * digit run must not go on (11 digits is not a case number) and must not
 * stop short (9 digits neither: the regex needs ten).
 */
const CASE_NUMBER = /(?<![A-Za-z0-9])([A-Za-z]{3})[\s\-–—_./:#]{0,2}((?:\d[\s\-–—./]?){9}\d)(?!\p{N})/gu;

/**
 * Our own ticket ids (`LMA-2026-000201`) have the shape of a dashed case
 * number. People copy them from our acknowledgement ("Referencia:
 * LMA-2026-000201"); labelled as a reference or in brackets, that shape is
 * the ticket, not the case.
 */
const TICKET_SHAPE = /^[A-Za-z]{3}-\d{4}-\d{6}$/;
const TICKET_LABEL_BEFORE = /(ticket|tiquete|referencia|reference|ref\.?|n[°º]?\s*de\s*ticket|(工单|工單)(号|號|编号|編號)?|参考编号|參考編號|参考号|參考號)\s*(id|no\.?|n[°º]|#|number|n[uú]mero)?\s*[:：#]?\s*$|\[\s*$/iu;

/**
 * Before a case number that replaces one written earlier: a correction or
 * the new number of a transferred case, in the same sentence.
 */
const SUPERSEDES =
  /(correct[oa]|corrijo|correcci[oó]n|corregido|quise decir|the correct|corrected|i meant|nuevo n[uú]mero|n[uú]mero nuevo|nuevo caso|new (case )?number|transferid[oa]|pas[oó] a|was transferred|moved to|正确的|更正|新的?案件号|新案件號|转到|轉到|转至)[^.!?。！？\n]{0,45}$/iu;

/** After a grouped number (`LMA 2023 123 456`), another group (or the `:30` of a time) means it is not a case number. */
const GROUP_CONTINUES = /^[\s\-–—./:]\d/;

/**
 * Full-width Latin letters and digits (`ＧＵＺ２０２４...`), as Chinese and
 * Japanese input methods type them. Mapped one code unit to one, so that
 * positions in the text stay the same.
 */
const FULL_WIDTH = /[\uff01-\uff5e\u3000]/g;

function halfWidth(text: string): string {
  if (!/[\uff01-\uff5e\u3000]/.test(text)) return text;
  return text.replace(FULL_WIDTH, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/** The year part of NVC case numbers: a plausible visa-processing year. */
const PLAUSIBLE_YEAR = /^(19[89]\d|20[0-4]\d)/;

export interface CaseNumberHit {
  /** Normalised: upper-case prefix + ten digits. */
  caseNumber: string;
  prefix: string;
  /** Where in the text it started and ended. */
  index: number;
  end: number;
}

/**
 * @param ticketIds Normalised numbers known to be ticket references in this
 *   message: written in the ticket's shape, they are not case numbers even
 *   where nothing labels them (`Su solicitud BNS-2026-000457 fue
 *   actualizada` under a subject `[BNS-2026-000457]`).
 */
export function findCaseNumbers(text: string, notPrefixes: ReadonlySet<string>, ticketIds: ReadonlySet<string> = NONE): CaseNumberHit[] {
  return scan(text, notPrefixes).filter((h) => notATicket(h, ticketIds));
}

function notATicket(h: ScannedNumber, ticketIds: ReadonlySet<string>): boolean {
  return !h.ticket && !(h.ticketShaped && ticketIds.has(h.caseNumber));
}

const NONE: ReadonlySet<string> = new Set();

interface ScannedNumber extends CaseNumberHit {
  /** Written as our ticket ids are (`LMA-2026-000201`). */
  ticketShaped: boolean;
  /** Ticket-shaped and labelled as a reference or bracketed: a ticket id, not a case. */
  ticket: boolean;
}

function scan(text: string, notPrefixes: ReadonlySet<string>): ScannedNumber[] {
  const hits: ScannedNumber[] = [];
  const plain = halfWidth(text);
  for (const m of plain.matchAll(CASE_NUMBER)) {
    const prefix = (m[1] ?? '').toUpperCase();
    const written = m[2] ?? '';
    const digits = written.replace(/\D/g, '');
    if (digits.length !== 10 || notPrefixes.has(prefix) || !PLAUSIBLE_YEAR.test(digits)) continue;
    const end = (m.index ?? 0) + m[0].length;
    if (digits !== written && GROUP_CONTINUES.test(plain.slice(end, end + 2))) continue;
    const ticketShaped = TICKET_SHAPE.test(m[0]);
    const ticket = ticketShaped && TICKET_LABEL_BEFORE.test(plain.slice(Math.max(0, (m.index ?? 0) - 30), m.index));
    hits.push({ caseNumber: prefix + digits, prefix, index: m.index ?? 0, end, ticketShaped, ticket });
  }
  return hits;
}

/**
 * Picks the case number of a message: the subject first, then the new text,
 * then quoted text; within one place a number of this post wins over another
 * post's, otherwise the first one written. Ticket references are skipped
 * (see {@link findCaseNumbers}).
 */
export function pickCaseNumber(
  places: readonly string[],
  ownPrefixes: readonly string[],
  notPrefixes: ReadonlySet<string>,
): (CaseNumberHit & { place: number }) | null {
  // A number shown as a ticket reference anywhere in the message is that
  // ticket wherever it is written in the ticket's shape.
  const scanned = places.map((text) => scan(text, notPrefixes));
  const ticketIds = new Set(scanned.flat().filter((h) => h.ticket).map((h) => h.caseNumber));
  for (const [place, found] of scanned.entries()) {
    const hits = found.filter((h) => notATicket(h, ticketIds));
    const text = places[place] ?? '';
    // "Corrijo: el número correcto es ...", "transferido con el nuevo número ...": the writer says which one counts.
    const hit = hits.findLast((h) => SUPERSEDES.test(text.slice(Math.max(0, h.index - 60), h.index))) ?? hits.find((h) => ownPrefixes.includes(h.prefix)) ?? hits[0];
    if (hit) return { ...hit, place };
  }
  return null;
}

/**
 * The text with every case number removed (so that its digits are not read
 * as a phone number). Only real case numbers: `Cel: 11 5555-0198` stays.
 */
export function withoutCaseNumbers(text: string, notPrefixes: ReadonlySet<string> = new Set()): string {
  let out = '';
  let at = 0;
  for (const hit of findCaseNumbers(text, notPrefixes)) {
    out += `${text.slice(at, hit.index)} `;
    at = hit.end;
  }
  return out + text.slice(at);
}
