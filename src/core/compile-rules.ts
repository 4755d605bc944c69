/**
 * Turns a validated post configuration into matchers, once at start (or
 * once per `triage classify` run), so that classifying a message does no
 * regex compilation. Pure.
 */
import type { PhrasesByLanguage, PostConfig } from './config-schema.js';
import type { PersonCategory } from './types.js';
import { compileFiller, compilePhrases, compileSpellingVariants, normalizeForMatch, parseRegexPhrase, type PhraseMatcher, type SpellingFolder } from './normalize-text.js';
import { compileSubjectRules, type SubjectRules } from './subject.js';
import type { MachineRules, StartRule } from './machine-detect.js';

export interface IntentSignal {
  weight: number;
  inSubject: boolean;
  inBody: boolean;
  matcher: PhraseMatcher;
}

export interface CompiledIntent {
  category: PersonCategory;
  minScore: number;
  signals: IntentSignal[];
}

export interface CompiledRules {
  post: PostConfig;
  subject: SubjectRules;
  notCasePrefixes: ReadonlySet<string>;
  intents: CompiledIntent[];
  intentPriority: readonly PersonCategory[];
  caseNumberWeight: number;
  emergency: PhraseMatcher;
  applicantNameLabels: PhraseMatcher;
  thanksNote: { gratitude: PhraseMatcher; request: PhraseMatcher; acknowledgement: RegExp | null } | null;
  /** `inquirySubjectLookalikes` as one expression (see compileFiller); null when none are configured. */
  inquiryLookalikes: RegExp | null;
  /** `spellingVariants` (see compileSpellingVariants); null when none are configured. */
  spelling: SpellingFolder | null;
  machine: MachineRules;
}

export function allPhrases(p: PhrasesByLanguage & { other?: string[] | undefined }): string[] {
  return [...(p.en ?? []), ...(p.es ?? []), ...(p.zh ?? []), ...(p.other ?? [])];
}

export function compileRules(post: PostConfig): CompiledRules {
  const r = post.rules;
  const intents: CompiledIntent[] = [];
  for (const [category, intent] of Object.entries(r.intents) as Array<[PersonCategory, (typeof r.intents)[PersonCategory]]>) {
    if (!intent) continue;
    intents.push({
      category,
      minScore: intent.minScore,
      signals: intent.signals.map((s) => ({
        weight: s.weight,
        inSubject: s.in !== 'body',
        inBody: s.in !== 'subject',
        matcher: compilePhrases(allPhrases(s)),
      })),
    });
  }
  const subjectStarts: StartRule[] = allPhrases(r.machine.subjectStarts).map((source) => {
    const re = parseRegexPhrase(source);
    return re ? { source, re } : { source, plain: normalizeForMatch(source) };
  });
  return {
    post,
    subject: compileSubjectRules(r.subjectPrefixes, r.subjectConventions),
    notCasePrefixes: new Set(r.notCasePrefixes),
    intents,
    intentPriority: r.intentPriority,
    caseNumberWeight: r.caseNumberWeight,
    emergency: compilePhrases(allPhrases(r.emergency)),
    applicantNameLabels: compilePhrases(allPhrases(r.applicantNameLabels)),
    inquiryLookalikes: r.inquirySubjectLookalikes ? compileFiller(allPhrases(r.inquirySubjectLookalikes)) : null,
    spelling: r.spellingVariants ? compileSpellingVariants(r.spellingVariants) : null,
    thanksNote: r.thanksNote
      ? {
          gratitude: compilePhrases(allPhrases(r.thanksNote.gratitude)),
          request: compilePhrases(allPhrases(r.thanksNote.request)),
          acknowledgement: r.thanksNote.acknowledgement ? compileFiller(allPhrases(r.thanksNote.acknowledgement)) : null,
        }
      : null,
    machine: {
      senderLocalParts: r.machine.senderLocalParts.map((s) => new RegExp(s, 'iu')),
      roleSenderLocalParts: new Set(r.machine.roleSenderLocalParts),
      senderNames: compilePhrases(r.machine.senderNames),
      subjectStarts,
      // Line-anchored expressions (`^Diagnostic-Code: ...`) need the text's
      // line breaks; everything else is matched once, on the folded text.
      bounceBody: compilePhrases(r.machine.bounceBody.filter((p) => !isLineAnchored(p))),
      bounceLines: compilePhrases(r.machine.bounceBody.filter(isLineAnchored)),
      selfDeclaredBody: compilePhrases(allPhrases(r.machine.selfDeclaredBody)),
      doNotReplyBody: compilePhrases(allPhrases(r.machine.doNotReplyBody)),
      bulkFooterBody: compilePhrases(allPhrases(r.machine.bulkFooterBody)),
      promotionBody: compilePhrases(allPhrases(r.machine.promotionBody)),
      promotionQuestionBody: compilePhrases(allPhrases(r.machine.promotionQuestionBody)),
      noticeBody: compilePhrases(allPhrases(r.machine.noticeBody)),
      deviceMailers: compilePhrases(r.machine.deviceMailers),
      awayBody: compilePhrases(allPhrases(r.machine.awayBody)),
      awayMaxChars: r.machine.awayMaxChars,
      personBody: compilePhrases(allPhrases(r.machine.personBody)),
      ownAddresses: new Set([post.mailbox.toLowerCase()]),
      casePrefixes: post.casePrefixes,
    },
  };
}

/** A `/.../m` phrase anchored at line starts or ends. */
function isLineAnchored(phrase: string): boolean {
  return /^\/.*\/[a-z]*m[a-z]*$/s.test(phrase) && /(^\/\^|[^\\]\^|\$\/[a-z]*$)/.test(phrase);
}
