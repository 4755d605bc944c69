/**
 * The one catalogue of error codes. Codes are stable strings: `instanceof`
 * does not survive a queue hop, a code does.
 */

export const ERROR_CODES = {
  CONFIG_INVALID: 'The configuration folder has problems; nothing starts until they are fixed.',
  CONFIG_NOT_FOUND: 'The configuration folder or a file it needs does not exist.',
  POST_UNKNOWN: 'No post with that id is configured.',
  TEMPLATE_NOT_FOUND: 'A reply template named by the configuration does not exist.',
  TEMPLATE_INVALID: 'A reply template does not parse or render.',
  MESSAGE_UNREADABLE: 'A message file could not be read.',
  MESSAGE_UNPARSABLE: 'A message could not be parsed as MIME.',
  PAYLOAD_INVALID: 'A queue job payload does not match its schema.',
  SMTP_TEMPORARY: 'The SMTP server refused for now (4xx or a connection error); retried.',
  SMTP_PERMANENT: 'The SMTP server refused permanently (5xx); parked.',
  IMAP_CONNECTION: 'The IMAP connection failed or was dropped; reconnecting.',
  REDIS_UNAVAILABLE: 'Redis is unreachable.',
  RAW_MESSAGE_MISSING: 'The raw message a job refers to is no longer stored.',
  REPLY_UNCERTAIN: 'A previous attempt began sending this reply and died; it may have gone out. Parked so that nobody gets two replies: an admin checks the SMTP log, then retries with --resend or removes the job.',
  TICKET_MISSING: 'The ticket a routing job refers to does not exist.',
  TICKET_BUSY: 'The open ticket of a sender changed while a message was being filed under it; retried.',
} as const;

/** Errors that no retry can fix: the job is parked for an admin at once. */
export const PERMANENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SMTP_PERMANENT', 'RAW_MESSAGE_MISSING', 'PAYLOAD_INVALID', 'POST_UNKNOWN', 'TEMPLATE_NOT_FOUND', 'TEMPLATE_INVALID', 'REPLY_UNCERTAIN', 'TICKET_MISSING', 'CONFIG_INVALID',
]);

export function isPermanent(err: unknown): boolean {
  return err instanceof TriageError && PERMANENT_CODES.has(err.code);
}
export type ErrorCode = keyof typeof ERROR_CODES;

export class TriageError extends Error {
  override readonly name = 'TriageError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One problem in a config file, as admins need it: which file, where, why. */
export interface ConfigIssue {
  file: string;
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID' as const;
  readonly issues: ConfigIssue[];
  /** Each problem once: a mistake in the shared rules.yaml is found again in every post that merges it. */
  constructor(issues: ConfigIssue[]) {
    const unique = [...new Map(issues.map((i) => [formatConfigIssue(i), i])).values()];
    super(`configuration has ${unique.length} problem(s):\n${unique.map(formatConfigIssue).join('\n')}`);
    this.issues = unique;
  }
}

export function formatConfigIssue(i: ConfigIssue): string {
  return `  ${i.file}${i.path ? ` at ${i.path}` : ''}: ${i.message}`;
}
