/**
 * The one schema for everything admins edit in `config/`.
 *
 * Pure: zod schemas and the types inferred from them. Reading files and
 * merging the shared rules into each post lives in `src/runtime/load-config.ts`.
 */
import { z } from 'zod';
import { CATEGORIES, IV_CATEGORIES, LANGUAGES, PERSON_CATEGORIES, PRIORITIES } from './types.js';

const language = z.enum(LANGUAGES);
const priority = z.enum(PRIORITIES);
/** One word of letters and digits, lower case (`sita`, `appt`). */
const oneWord = z.string().regex(/^[\p{Ll}\p{Lo}\p{N}]+$/u, 'one word, lower case, letters and digits only');

/** A phrase list per language. A phrase written `/.../` is a regular expression. */
export const phrasesByLanguageSchema = z
  .object({ en: z.array(z.string().min(1)), es: z.array(z.string().min(1)), zh: z.array(z.string().min(1)) })
  .partial()
  .strict();
export type PhrasesByLanguage = z.infer<typeof phrasesByLanguageSchema>;

/**
 * Machine-written mail arrives in every language, not only the three we
 * answer in: `other` holds phrases in any further language (pt, de, fr,
 * it, ja, ko, ru...).
 */
const phrasesAnyLanguageSchema = phrasesByLanguageSchema.extend({ other: z.array(z.string().min(1)).optional() });

const intentSignalSchema = phrasesByLanguageSchema.extend({
  weight: z.number().positive().max(10),
  /** Where the signal is looked for; the body is the sender's new text. */
  in: z.enum(['subject', 'body', 'both']).default('both'),
});

const intentSchema = z
  .object({
    /** The score a category needs before it can win. */
    minScore: z.number().positive(),
    signals: z.array(intentSignalSchema).min(1),
  })
  .strict();

export const rulesSchema = z
  .object({
    /** The published subject convention of each IV category, words in order. */
    subjectConventions: z.object(
      Object.fromEntries(IV_CATEGORIES.map((c) => [c, z.string().min(2)])) as Record<
        (typeof IV_CATEGORIES)[number],
        z.ZodString
      >,
    ).strict(),
    /**
     * What people write where `IV Inquiry` belongs ("Consulta IV", "IV
     * Enquiry", "移民签证查询"): a subject made of one of these, the case
     * number and a name is nonconforming, but its name is the last name
     * (and none after the number is a missing last name).
     */
    inquirySubjectLookalikes: phrasesByLanguageSchema.optional(),
    /**
     * Misspellings and abbreviations people write for the words the intent
     * and emergency phrases look for, under the word they stand for
     * (`cita: [sita]`, `appointment: [appt, apointment]`): folded to it
     * before those phrases are read, so each list needs only the right
     * spelling. Whole words; names, case numbers and subjects are read as
     * written.
     */
    spellingVariants: z
      .record(oneWord, z.array(oneWord).min(1))
      .superRefine((byWord, ctx) => {
        const seen = new Map<string, string>();
        for (const [word, variants] of Object.entries(byWord)) {
          for (const [i, variant] of variants.entries()) {
            const other = seen.get(variant);
            if (other !== undefined && other !== word) {
              ctx.addIssue({ code: z.ZodIssueCode.custom, path: [word, i], message: `"${variant}" is already listed under "${other}": a variant stands for one word` });
            }
            if (Object.hasOwn(byWord, variant)) {
              ctx.addIssue({ code: z.ZodIssueCode.custom, path: [word, i], message: `"${variant}" is itself a word with variants: list its variants under "${word}" instead` });
            }
            seen.set(variant, word);
          }
        }
      })
      .optional(),
    /** Reply and forward prefixes stripped from the start of a subject (without the colon). */
    subjectPrefixes: z.array(z.string().min(1)).min(1),
    /** Three-letter words that look like a case prefix but never are (`TEL 2023123456`). */
    notCasePrefixes: z.array(z.string().regex(/^[A-Z]{3}$/, 'three upper-case letters')),
    /** Intent rules; the category with the highest score at or above its minScore wins. */
    intents: z.object(
      Object.fromEntries(PERSON_CATEGORIES.map((c) => [c, intentSchema.optional()])) as Record<
        (typeof PERSON_CATEGORIES)[number],
        z.ZodOptional<typeof intentSchema>
      >,
    ).strict(),
    /** Tie-break between categories with the same score, first wins. */
    intentPriority: z.array(z.enum(PERSON_CATEGORIES)).min(1),
    /** Score added to `iv_inquiry` when an NVC case number is found. */
    caseNumberWeight: z.number().nonnegative(),
    /** A plea of emergency: raises the ticket's priority to `urgent`. */
    emergency: phrasesByLanguageSchema,
    /** Labels that introduce the principal applicant's name (`Solicitante principal:`). */
    applicantNameLabels: phrasesByLanguageSchema,
    /**
     * A note written to thank ("Quería agradecerles...", "感谢信") that asks
     * nothing (no question mark, none of `request`) is `general`, even with a
     * case number in it.
     */
    thanksNote: z
      .object({
        gratitude: phrasesByLanguageSchema,
        request: phrasesByLanguageSchema,
        /**
         * What a bare acknowledgement is made of ("ok", "muchas gracias,
         * quedo atenta", "收到，谢谢！", "Sent from my iPhone"): a reply
         * with nothing else in it (the sender's name aside) asks nothing,
         * whatever its subject, and is `general`.
         */
        acknowledgement: phrasesByLanguageSchema.optional(),
      })
      .strict()
      .optional(),
    machine: z
      .object({
        /** Sender local parts (regular expressions) that only machines use. */
        senderLocalParts: z.array(z.string().min(1)),
        /** Sender display names used by bounce generators. */
        senderNames: z.array(z.string().min(1)),
        /**
         * Sender local parts (plain words) of role mailboxes (`info`, `soporte`):
         * people write from them too, so alone they prove nothing; they only
         * back up another weak sign (a "do not reply" line, a loose subject opening).
         */
        roleSenderLocalParts: z.array(z.string().regex(/^[a-z0-9._-]+$/, 'a lower-case local part')).default([]),
        /**
         * Subject openings of auto-replies, bounces and receipts: only at the
         * very start. A plain phrase followed by the writer's own words
         * ("Returned mail from DHL ...") is only a weak sign; followed by
         * nothing, punctuation or a reply prefix ("Returned mail: see
         * transcript", "Automatic reply: Re: ...") it is enough alone.
         */
        subjectStarts: phrasesAnyLanguageSchema,
        /** Text only delivery-failure, delay and rejection reports contain. */
        bounceBody: z.array(z.string().min(1)),
        /** A message that says of itself that it is automatic. */
        selfDeclaredBody: phrasesAnyLanguageSchema,
        /**
         * "Please do not reply to this e-mail": notifications write it, and so
         * do people ("do not reply here, write to my other address"). Only a
         * weak sign: it needs a second one.
         */
        doNotReplyBody: phrasesAnyLanguageSchema.default({}),
        /**
         * A bulk mail's footer ("unsubscribe", "darte de baja", "退订"):
         * newsletters and notifications without list headers. A weak sign.
         */
        bulkFooterBody: phrasesAnyLanguageSchema.default({}),
        /**
         * Advertising and spam: an offer's words ("oferta válida hasta",
         * "sin receta", "pre-aprobado", "代开发票", "first page of Google").
         * Two different ones in the new text are a weak sign, four a second
         * one: mail sent to any address with no list headers, from a
         * person-looking address as often as not. Not read in a text that
         * asks about the offer (`promotionQuestionBody`).
         */
        promotionBody: phrasesAnyLanguageSchema.default({}),
        /** A person asking whether an offer they got is real ("¿es una estafa?", "is this legit", "是真的吗"): the offer's words are then theirs to report. */
        promotionQuestionBody: phrasesAnyLanguageSchema.default({}),
        /**
         * A service's templated notice to its customer: an appointment
         * reminder or confirmation ("Le recordamos su cita", "Dear patient",
         * "您已预约"), matched on the subject and the text. A weak sign; in a
         * text laid out as a form with no first person singular it is
         * enough alone, whatever case number the notice carries.
         */
        noticeBody: phrasesAnyLanguageSchema.default({}),
        /**
         * `X-Mailer` / `User-Agent` of devices and services that mail on
         * their own (scanners, fax and voicemail systems): a strong sign.
         */
        deviceMailers: z.array(z.string()).default([]),
        /** Away/vacation phrases: a machine only with a short text and a reply context. */
        awayBody: phrasesAnyLanguageSchema,
        /**
         * What only a person writes: reacting to an automatic reply it got
         * ("I got your automatic reply but..."), or thanking for an answer.
         * Cancels weak signs and makes an away text weak (never other strong
         * signs): a person writing from `info@` who adds "please do not
         * reply to this address" is still answered.
         */
        personBody: phrasesAnyLanguageSchema.default({}),
        /** Longest new text (characters) an away message without headers may have. */
        awayMaxChars: z.number().int().positive(),
      })
      .strict(),
  })
  .strict();
export type Rules = z.infer<typeof rulesSchema>;

const queueSchema = z
  .object({
    /** The unit's name as staff know it. */
    unit: z.string().min(1),
    /** Where new tickets of this queue are e-mailed. */
    email: z.email(),
    /** Service level: business days to answer. */
    slaBusinessDays: z.number().int().min(0).max(60),
  })
  .strict();

const routeSchema = z.object({ queue: z.string().min(1), priority }).strict();

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD');

export const REPLY_OUTCOMES = [
  ...CATEGORIES.filter((c) => c !== 'auto_generated'),
  'missing_case_number',
  'foreign_case_number',
] as const;

export const postSchema = z
  .object({
    id: z.string().regex(/^[A-Z]{3}$/, 'three upper-case letters, e.g. LMA'),
    /** The post's name in each of its languages, as signed in replies. */
    name: z.object(Object.fromEntries(LANGUAGES.map((l) => [l, z.string().min(1)])) as Record<
      (typeof LANGUAGES)[number],
      z.ZodString
    >).partial(),
    city: z.string().min(1),
    /** NVC case prefixes whose cases are at this post; the first is the post's own. */
    casePrefixes: z.array(z.string().regex(/^[A-Z]{3}$/, 'three upper-case letters')).min(1),
    mailbox: z.email(),
    /** Reply languages, primary first. */
    languages: z.array(language).min(1),
    timezone: z.string().refine(isValidTimeZone, 'an IANA time zone such as America/Lima'),
    holidays: z
      .object({
        /** ISO 3166 country codes whose public holidays are not business days. */
        countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code')).min(1),
        /** Extra days the section is closed. */
        closures: z.array(z.object({ date: isoDate, reason: z.string().min(1) }).strict()).default([]),
      })
      .strict(),
    contacts: z
      .object({
        nvc: z.string().min(1),
        kcc: z.string().min(1),
        dvEsc: z.string().min(1),
        niv: z.string().min(1),
        fraud: z.string().min(1),
        general: z.string().min(1),
      })
      .strict(),
    queues: z.record(z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'), queueSchema),
    /** Which queue (and priority) gets a ticket per category; null = no ticket. */
    routing: z.object(
      Object.fromEntries(PERSON_CATEGORIES.map((c) => [c, routeSchema.nullable()])) as Record<
        (typeof PERSON_CATEGORIES)[number],
        z.ZodNullable<typeof routeSchema>
      >,
    ).strict(),
    /** Reply template per outcome; null = send nothing for that outcome. */
    replies: z.object(
      Object.fromEntries(REPLY_OUTCOMES.map((c) => [c, z.string().regex(/^[a-z0-9_]+$/).nullable()])) as Record<
        (typeof REPLY_OUTCOMES)[number],
        z.ZodNullable<z.ZodString>
      >,
    ).strict(),
    replyLimits: z
      .object({
        /** At most `max` replies per sender and case number within `windowHours`. */
        perSenderAndCase: z.object({ max: z.number().int().min(0), windowHours: z.number().positive() }).strict(),
        /**
         * At most `max` replies per sender, all cases together, within
         * `windowHours`: the loop guard for a machine that passes for a
         * person and writes about ever new cases.
         */
        perSender: z.object({ max: z.number().int().min(0), windowHours: z.number().positive() }).strict().default({ max: 10, windowHours: 24 }),
      })
      .strict()
      .default({ perSenderAndCase: { max: 1, windowHours: 24 }, perSender: { max: 10, windowHours: 24 } }),
    /** Additions to the shared rules (lists are appended, values replaced). */
    rules: z.unknown().optional(),
  })
  .strict()
  .superRefine((post, ctx) => {
    for (const [category, route] of Object.entries(post.routing)) {
      if (route && !(route.queue in post.queues)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routing', category, 'queue'],
          message: `queue "${route.queue}" is not defined under queues (defined: ${Object.keys(post.queues).join(', ') || 'none'})`,
        });
      }
    }
    for (const lang of post.languages) {
      if (!post.name[lang]) {
        ctx.addIssue({ code: 'custom', path: ['name', lang], message: `the post's name in "${lang}" is required because languages lists it` });
      }
    }
    if (post.casePrefixes[0] !== post.id) {
      ctx.addIssue({ code: 'custom', path: ['casePrefixes', 0], message: `the first case prefix must be the post's own id "${post.id}"` });
    }
  });
export type PostFile = z.infer<typeof postSchema>;

/** A post with the shared rules merged in: what the core is given. */
export interface PostConfig extends Omit<PostFile, 'rules'> {
  rules: Rules;
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
