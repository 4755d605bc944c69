/**
 * Separates what the sender wrote from the history below it: `>` quotes,
 * "On ... wrote:" lines, Outlook's From/Sent blocks, forwarded-message
 * banners in English, Spanish, Chinese, Portuguese, German and French.
 * Top-posting is what most clients write: everything after the first
 * marker is history. Except below an "On ... wrote:" line whose history is
 * all `>`-quoted: text after that quote is the sender's own again
 * (bottom-posting, or answers between quoted paragraphs). Pure.
 */

const BANNER =
  /^\s*[-_=*]{2,}\s*(original message|mensaje original|forwarded message|mensaje reenviado|forwarded message follows|message transf[ée]r[ée]|mensagem original|mensagem encaminhada|urspr[üu]ngliche nachricht|weitergeleitete nachricht|原始邮件|原始郵件|转发的邮件|轉寄的郵件|转发邮件|reenviado|begin forwarded message)\s*[-_=*]{0,}\s*$/iu;
const APPLE_FORWARD = /^\s*(begin forwarded message|inicio del mensaje reenviado|comienzo del mensaje reenviado)\s*:\s*$/iu;
const WROTE = /(\bwrote|escribi[óo]|escreveu|schrieb|a écrit|写道|寫道)\s*[:：]?\s*$/iu;
const WROTE_START = /^\s*(on|el|en|em|am|le|il|op|在|于)\s/iu;
const HEADER_FROM = /^\s*\*?(from|de|von|发件人|寄件者|寄件人)\s*\*?\s*[:：]/iu;
const HEADER_NEXT = /^\s*\*?(sent|enviado|enviado el|date|fecha|gesendet|datum|envoy[ée]|发送时间|日期|時間|时间|寄件日期|to|para|an|à|收件人|subject|asunto|主题|主旨|betreff|objet)\s*\*?\s*[:：]/iu;
const OUTLOOK_RULE = /^\s*_{8,}\s*$/;

export interface SplitText {
  newText: string;
  quotedText: string;
}

export function splitQuoted(text: string): SplitText {
  const lines = text.split(/\r?\n/);
  const fresh: string[] = [];
  const quoted: string[] = [];
  let inHistory = false;
  /** History that is one `>` block under an attribution: it ends where the quoting ends. */
  let quoteBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!inHistory && startsHistory(lines, i)) {
      inHistory = true;
      quoteBlock = isAttribution(lines, i) && /^\s*>/.test(lines.slice(i + 1).find((l) => l.trim() !== '' && !WROTE.test(l)) ?? '');
    } else if (inHistory && quoteBlock && line.trim() !== '' && !/^\s*>/.test(line) && !WROTE.test(line)) {
      inHistory = false;
      quoteBlock = false;
    }
    if (inHistory || /^\s*>/.test(line)) quoted.push(line.replace(/^\s*(>\s?)+/, ''));
    else fresh.push(line);
  }
  return { newText: trimBlankLines(fresh.join('\n')), quotedText: trimBlankLines(quoted.join('\n')) };
}

function startsHistory(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? '';
  if (BANNER.test(line) || APPLE_FORWARD.test(line) || OUTLOOK_RULE.test(line)) return true;
  if (isAttribution(lines, i)) return true;
  if (HEADER_FROM.test(line)) {
    for (let j = i + 1; j <= i + 4 && j < lines.length; j++) if (HEADER_NEXT.test(lines[j] ?? '')) return true;
  }
  return false;
}

/** "On ... wrote:", on one line or split over two. */
function isAttribution(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? '';
  if (WROTE.test(line) && (WROTE_START.test(line) || WROTE_START.test(lines[i - 1] ?? ''))) return true;
  // "On Mon, 3 Mar 2025 at 09:14, Rosa <rosa@example.com>" + "wrote:" on the next line.
  return WROTE_START.test(line) && WROTE.test(lines[i + 1] ?? '') && (lines[i + 1] ?? '').trim().length < 30;
}

function trimBlankLines(text: string): string {
  return text.replace(/^\s*\n/, '').replace(/\s+$/, '');
}
