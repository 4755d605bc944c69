/**
 * The triage decision of one message (see `../shared/triage-contract.md`):
 * machine or person, intent, case number, what is wrong with it, and what
 * to do. Pure: the same message and rules always give the same decision.
 */
import type { CompiledRules } from './compile-rules.js';
import type { Category, NormalizedMessage, Problem, TriageDecision } from './types.js';
import { isIvCategory, PROBLEMS } from './types.js';
import { detectMachineSignals } from './machine-detect.js';
import { lastNameAfter, matchConvention, stripSubjectPrefixes } from './subject.js';
import { pickCaseNumber } from './case-number.js';
import { prepareText } from './normalize-text.js';
import { scoreIntent } from './score-intent.js';
import { findEmergency, hasApplicantName, hasContact } from './message-fields.js';
import { detectLanguage, replyLanguages } from './detect-language.js';
import { decideOutcome } from './decide.js';

/** Below this many characters of new text (a bare forward), the forwarded text is read for intent too. */
const SHORT_NEW_TEXT = 120;

const SUBJECT = 0;

export function classifyMessage(msg: NormalizedMessage, rules: CompiledRules): TriageDecision {
  const post = rules.post;
  const subject = stripSubjectPrefixes(msg.subject, rules.subject);
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
  // A bare forward ("FYI") is read through what it forwards.
  const senderText = msg.newText.trim().length < SHORT_NEW_TEXT ? `${msg.newText}\n${msg.quotedText}` : msg.newText;
  const body = senderText === msg.newText ? newText : prepareText(senderText);
  const preparedSubject = prepareText(subject);
  const intent = scoreIntent({ subject: preparedSubject, body, hasCaseNumber: caseNumber !== null }, rules);
  const category: Category = convention?.category ?? intent.category;

  const problems = new Set<Problem>();
  let lastName: string | null = null;
  if (isIvCategory(category)) {
    const caseInSubject = hit !== null && hit.place === SUBJECT;
    if (!convention || (category === 'iv_inquiry' && caseNumber !== null && !caseInSubject)) {
      problems.add('nonconforming_subject');
    }
    if (caseNumber === null) problems.add('missing_case_number');
    else if (!post.casePrefixes.includes(hit?.prefix ?? '')) problems.add('foreign_case_number');
    if (category === 'iv_inquiry' && convention && caseInSubject && hit) {
      lastName = lastNameAfter(subject.slice(hit.end));
      if (lastName === null) problems.add('missing_last_name');
    }
    if (category === 'iv_cancellation' || category === 'iv_missed_appointment') {
      if (!hasContact(senderText, rules.machine.ownAddresses)) problems.add('missing_contact');
      if (!hasApplicantName(senderText, body, rules.applicantNameLabels)) problems.add('missing_applicant_name');
    }
  }

  const emergency = findEmergency(preparedSubject, body, rules.emergency) !== null;
  const sortedProblems = PROBLEMS.filter((p) => problems.has(p)).sort();
  const outcome = decideOutcome(category, sortedProblems, emergency, post);
  return {
    ...base,
    category,
    lastName,
    problems: sortedProblems,
    ...outcome,
    machineSignals: [],
    emergency,
    scores: intent.scores,
  };
}
