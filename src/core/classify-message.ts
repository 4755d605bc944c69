/**
 * The triage decision of one message (see `../shared/triage-contract.md`):
 * machine or person, intent, case number, what is wrong with it, and what
 * to do. Pure: the same message and rules always give the same decision.
 */
import type { CompiledRules } from './compile-rules.js';
import type { Category, NormalizedMessage, PersonCategory, Problem, TriageDecision } from './types.js';
import { isIvCategory, PROBLEMS } from './types.js';
import { detectMachineSignals } from './machine-detect.js';
import { lastNameAfter, lookalikeLastName, matchConvention, stripSubjectPrefixes, subjectOpensAs } from './subject.js';
import { pickCaseNumber } from './case-number.js';
import { prepareNormalized, prepareText, type PreparedText } from './normalize-text.js';
import { scoreIntent, type IntentInput, type IntentResult } from './score-intent.js';
import { aboveSignOff, applicantSignsOwnRequest, bareAcknowledgement, findEmergency, withoutPastParagraphs, hasApplicantName, hasContact } from './message-fields.js';
import { detectLanguage, replyLanguages } from './detect-language.js';
import { decideOutcome } from './decide.js';

/** Below this many characters of new text (a bare forward), the forwarded text is read for intent too. */
const SHORT_NEW_TEXT = 120;

/**
 * A forward: `Fwd:`/`RV:`/`转发:` first, or no sign of a reply at all. In a
 * short reply ("Thanks, the case number is ..."), the quote is our own
 * auto-reply or an earlier mail: its words (every subject convention, "a
 * serious medical emergency") are not the sender's intent.
 */
function readsAsForward(msg: NormalizedMessage): boolean {
  const opens = subjectOpensAs(msg.subject);
  return opens === 'forward' || (opens === null && msg.inReplyTo === null);
}

const SUBJECT = 0;
const NO_TEXT = prepareText('');

/** A request scored this high names it in so many words ("cancel my interview", "expedite"), not by a bare "cancel". */
const SPECIFIC_REQUEST_SCORE = 4;

function isIvRequest(c: Category): boolean {
  return c === 'iv_cancellation' || c === 'iv_missed_appointment' || c === 'iv_early_appointment';
}

export function classifyMessage(msg: NormalizedMessage, rules: CompiledRules): TriageDecision {
  const post = rules.post;
  // Full-width letters and digits (`ＩＶ Ｉｎｑｕｉｒｙ ＧＵＺ２０２３...`, typed with a CJK input method) read as ASCII.
  const subject = stripSubjectPrefixes(msg.subject.normalize('NFKC'), rules.subject);
  const hit = pickCaseNumber([subject, msg.newText, msg.quotedText], post.casePrefixes, rules.notCasePrefixes);
  const caseNumber = hit?.caseNumber ?? null;
  const language = detectLanguage(msg.newText.trim() ? msg.newText : `${msg.subject}\n${msg.quotedText}`);
  const base = {
    messageId: msg.messageId,
    caseNumber,
    language,
    replyLanguages: replyLanguages(language, post.languages),
  };

  const newText = prepareText(msg.newText);
  const machineSignals = detectMachineSignals(msg, rules.machine, newText);
  if (machineSignals.length > 0) {
    return {
      ...base,
      category: 'auto_generated',
      lastName: null,
      problems: [],
      autoReply: null,
      route: null,
      machineSignals,
      emergency: false,
      scores: {},
    };
  }

  const convention = matchConvention(subject, rules.subject);
  // A bare forward ("FYI") is read through what it forwards; a short reply is not read through its quote.
  // Someone's own mail forwarded for them is their errand: its words are the sender's.
  const errand = msg.quotedText !== '' && readsAsForward(msg) && forwardsOnBehalf(msg.newText) ? `${msg.newText}\n${firstForwardedLayer(msg.quotedText)}` : null;
  // What the sender asks in their own words (their errand included); `senderText` may also hold what they forward.
  const ownText = errand ?? msg.newText;
  const senderText = msg.newText.trim().length < SHORT_NEW_TEXT && readsAsForward(msg) ? `${msg.newText}\n${msg.quotedText}` : ownText;
  const body = senderText === msg.newText ? newText : prepareText(senderText);
  const preparedSubject = prepareText(subject);
  const ownBody = ownText === senderText ? undefined : ownText === msg.newText ? newText : prepareText(ownText);
  // Intents and pleas are read with misspellings folded ("cansela la sita"); names and fields as written.
  const spelled = (text: PreparedText): PreparedText => (rules.spelling ? rules.spelling(text) : text);
  const intentInput: IntentInput = {
    subject: spelled(preparedSubject),
    body: spelled(body),
    ownBody: ownBody && spelled(ownBody),
    hasCaseNumber: caseNumber !== null,
    thanksOnly: thanksOnly(preparedSubject, senderText, body, rules),
  };
  const intent = scoreIntent(intentInput, rules);
  // What the text alone asks, without the subject's words: scored only when a rule below needs it.
  let textOnly: IntentResult | undefined;
  const textIntent = (): IntentResult => (textOnly ??= scoreIntent({ ...intentInput, subject: NO_TEXT }, rules));
  const requested = convention ? (requestAgainstSubject(convention.category, intent, textIntent) ?? otherVisaUnderSubject(convention.category, caseNumber, textIntent)) : null;
  const bareAck = isBareAcknowledgement(msg, rules);
  // A scam forwarded under its own subject ("Fwd: Early appointment garantizada en 15 días"):
  // the convention's words are the scammer's, the report is the sender's.
  const forwardedScam = convention !== null && intent.category === 'fraud_report' && subjectOpensAs(msg.subject) === 'forward';
  const category: Category = bareAck ? 'general' : forwardedScam ? 'fraud_report' : (requested ?? convention?.category ?? intent.category);

  const problems = new Set<Problem>();
  let lastName: string | null = null;
  if (isIvCategory(category)) {
    const caseInSubject = hit !== null && hit.place === SUBJECT;
    // The inquiry's convention carries the case number: without one in the subject (none valid anywhere, or only in the body) it is broken.
    if (!convention || requested !== null || (category === 'iv_inquiry' && !caseInSubject)) {
      problems.add('nonconforming_subject');
    }
    if (caseNumber === null) problems.add('missing_case_number');
    else if (!post.casePrefixes.includes(hit?.prefix ?? '')) problems.add('foreign_case_number');
    if (category === 'iv_inquiry' && convention && caseInSubject && hit) {
      // After the case number, and after the convention's words when the number comes first.
      lastName = lastNameAfter(subject.slice(Math.max(hit.end, subject.length - convention.rest.length)));
      if (lastName === null) problems.add('missing_last_name');
    } else if (category === 'iv_inquiry' && !convention && caseInSubject && hit) {
      // "Consulta IV LMA2023123456 Huamán": not the convention, but its name is the last name.
      const lookalike = lookalikeLastName(subject, hit.index, hit.end, rules.inquiryLookalikes);
      if (lookalike) {
        lastName = lookalike.lastName;
        if (lastName === null) problems.add('missing_last_name');
      }
    }
    if (category === 'iv_cancellation' || category === 'iv_missed_appointment') {
      // What the sender forwards or attaches (their appointment confirmation) is theirs to give
      // staff; a quote in a reply (often our own auto-reply, with its blank form) is not.
      const forwarded = readsAsForward(msg) && msg.quotedText.trim() !== '' && senderText === msg.newText;
      const fieldsText = forwarded ? `${msg.newText}\n${msg.quotedText}` : senderText;
      const fieldsBody = forwarded ? prepareText(fieldsText) : body;
      if (!hasContact(fieldsText, rules.machine.ownAddresses)) problems.add('missing_contact');
      if (!hasApplicantName(fieldsText, fieldsBody, rules.applicantNameLabels) && !applicantSignsOwnRequest(msg.newText)) problems.add('missing_applicant_name');
    }
  }

  const year = msg.date ? Number(msg.date.slice(0, 4)) : null;
  // A plea is the writer's: a physician's signature ("Jefe del Servicio de
  // Emergencia") or a clinic's legal notice below the sign-off pleads nothing.
  const ownWords = aboveSignOff(senderText);
  const plea = ownWords === senderText && !/\n[ \t]*\n/.test(ownWords) ? body : prepareNormalized(withoutPastParagraphs(ownWords, year));
  const emergency = findEmergency(spelled(preparedSubject), spelled(plea), rules.emergency, year) !== null;
  const sortedProblems = PROBLEMS.filter((p) => problems.has(p)).sort();
  // A cancellation's emergency (the applicant died, the father is in intensive
  // care) is the reason to stop, not a plea to hurry: its ticket is not urgent.
  const outcome = decideOutcome(category, sortedProblems, emergency && category !== 'iv_cancellation', post);
  return {
    ...base,
    category,
    lastName,
    problems: sortedProblems,
    ...outcome,
    machineSignals: [],
    emergency,
    scores: intent.scores,
    ...(bareAck ? { acknowledgementOnly: true as const } : {}),
  };
}

/**
 * The request a message makes against its subject's convention, or null.
 * "IV Inquiry" is the subject people use for everything: a text that asks,
 * in so many words, to cancel, make up or move an appointment is that
 * request. So is a reply under one request's subject whose text asks for
 * another ("ya no hace falta que adelanten nada ... cancelen el turno"):
 * scored on the text alone, it must ask for it more than for the subject's.
 */
function requestAgainstSubject(subjectCategory: Category, intent: IntentResult, textIntent: () => IntentResult): Category | null {
  if (subjectCategory === 'iv_inquiry') {
    return isIvRequest(intent.category) && (intent.scores[intent.category] ?? 0) >= SPECIFIC_REQUEST_SCORE ? intent.category : null;
  }
  if (!isIvRequest(subjectCategory)) return null;
  const text = textIntent();
  const score = (c: Category): number => text.scores[c as PersonCategory] ?? 0;
  const asked = text.category;
  return isIvRequest(asked) && asked !== subjectCategory && score(asked) >= SPECIFIC_REQUEST_SCORE && score(asked) > score(subjectCategory) ? asked : null;
}

/**
 * An IV subject over a message about another kind of visa, with no NVC case
 * number anywhere: a DV selectee cancelling their interview (a KCC number),
 * a tourist renewing a B1/B2 under "IV Inquiry". What the text alone asks
 * decides.
 */
function otherVisaUnderSubject(subjectCategory: Category, caseNumber: string | null, textIntent: () => IntentResult): Category | null {
  if (caseNumber !== null || !isIvCategory(subjectCategory)) return null;
  const asked = textIntent().category;
  return asked === 'dv_lottery' || asked === 'niv' ? asked : null;
}

/** "ok", "Muchas gracias, quedo atenta" in answer to our reply: it asks nothing, whatever subject it keeps. */
function isBareAcknowledgement(msg: NormalizedMessage, rules: CompiledRules): boolean {
  const filler = rules.thanksNote?.acknowledgement;
  const opens = subjectOpensAs(msg.subject);
  const reply = opens === 'reply' || (opens === null && msg.inReplyTo !== null);
  return filler != null && reply && bareAcknowledgement(msg.newText, msg.from?.name ?? null, filler);
}

/**
 * The sender forwards someone else's own mail for them ("les reenvío el
 * correo de mi tía", "下面是我爷爷的邮件，我帮他转发"): that person's request
 * is the sender's errand, so it is read as the sender's own words.
 */
const FORWARD_VERB = /(?<![\p{L}])(reenv[ií]\p{L}*|forward\p{L}*|paso el correo)(?![\p{L}])|转发|轉發|转给|帮(他|她)发/iu;
const THIRD_PERSON =
  /(?<![\p{L}])(mi|my|our|nuestr[oa])\s+(t[ií][oa]|madre|padre|mam[aá]|pap[aá]|abuel[oa]|herman[oa]|hij[oa]|espos[oa]|suegr[oa]|sobrin[oa]|prim[oa]|amig[oa]|vecin[oa]|cliente|aunt|uncle|mother|father|mom|dad|grand\p{L}+|brother|sister|son|daughter|wife|husband|cousin|friend|neighbou?r|client)(?![\p{L}])|我(的)?(爷爷|奶奶|外公|外婆|姥爷|姥姥|父亲|母亲|爸爸|妈妈|叔叔|阿姨|舅舅|姑姑|哥哥|姐姐|弟弟|妹妹|儿子|女儿|朋友|邻居|客户)/iu;

function forwardsOnBehalf(ownText: string): boolean {
  return ownText.length < 600 && FORWARD_VERB.test(ownText) && THIRD_PERSON.test(ownText);
}

/** Header lines of a forwarded message ("De:", "Subject:", "发件人："). */
const FORWARDED_HEADER = /^\s*(de|from|date|fecha|enviado|sent|para|to|cc|asunto|subject|发件人|發件人|发送日期|發送日期|发送时间|收件人|主题|主旨|寄件者|日期|时间|時間)\s*[:：]/iu;
/** Where the next forwarded or quoted message begins. */
const LAYER_BREAK = /^\s*(-{3,}.*-{3,}|_{5,}|-{5,}|>)\s*/u;

/** The text of the first forwarded message: after its header lines, up to the next forwarded message. */
function firstForwardedLayer(quoted: string): string {
  const lines = quoted.split('\n');
  let at = 0;
  while (at < lines.length && (FORWARDED_HEADER.test(lines[at]!) || lines[at]!.trim() === '' || LAYER_BREAK.test(lines[at]!))) at++;
  const out: string[] = [];
  for (; at < lines.length; at++) {
    const line = lines[at]!;
    if (LAYER_BREAK.test(line) || (FORWARDED_HEADER.test(line) && out.length > 0)) break;
    out.push(line);
  }
  return out.join('\n');
}

/** A note written to thank that asks nothing: no question mark, no request. */
function thanksOnly(subject: PreparedText, text: string, body: PreparedText, rules: CompiledRules): boolean {
  const t = rules.thanksNote;
  if (!t || /[?？¿]/u.test(text)) return false;
  return (t.gratitude.find(body) !== null || t.gratitude.find(subject) !== null) && t.request.find(body) === null;
}
