/**
 * Business-day arithmetic for service levels: which calendar day a message
 * arrived on at the post, and the day an answer is due. Pure: no clock, no
 * I/O, no environment. Which weekdays are closed is a predicate passed in;
 * the one built from holiday data lives in
 * `src/adapters/holidays/holiday-calendar.ts`.
 *
 * Dates are `YYYY-MM-DD` strings throughout: a day on the post's wall
 * calendar, with no time and no zone, so they compare and key maps safely
 * and mean the same thing in every worker whatever its TZ.
 */
import { DateTime } from 'luxon';

/**
 * A longer run of non-business days means `isClosed` is broken (for example
 * returns `true` for every date), not that the post is shut: a whole year of
 * closures plus a few days of slack still fits under it.
 */
export const MAX_CONSECUTIVE_CLOSED_DAYS = 370;

/** Exactly `YYYY-MM-DD`; luxon then rejects days that do not exist (`2026-02-30`). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An instant must carry `Z` or an offset after its time: without one, luxon
 * would read it as wall time in the target zone and quietly answer a
 * different question.
 */
const ISO_INSTANT_WITH_OFFSET = /T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * The post's calendar date of an instant. Intake stamps messages in UTC; a
 * message sent at 23:30 UTC on a Friday is still Friday in Lima but already
 * Saturday in Guangzhou, and the SLA counts from the post's day.
 *
 * @param isoInstant ISO 8601 with `Z` or an offset, e.g. `2026-11-26T01:00:00Z`.
 * @param timeZone IANA zone, e.g. `America/Lima`.
 * @throws RangeError if the instant has no offset or either argument is invalid.
 */
export function localDate(isoInstant: string, timeZone: string): string {
  if (!ISO_INSTANT_WITH_OFFSET.test(isoInstant)) {
    throw new RangeError(`localDate: "${isoInstant}" is not an ISO instant with Z or a UTC offset`);
  }
  const fast = localDateFast(isoInstant, timeZone);
  if (fast !== null) return fast;
  const local = DateTime.fromISO(isoInstant, { zone: timeZone });
  const date = local.isValid ? local.toISODate() : null;
  if (date === null) {
    throw new RangeError(
      `localDate: cannot read "${isoInstant}" in time zone "${timeZone}": ${local.invalidExplanation ?? local.invalidReason ?? 'invalid'}`,
    );
  }
  return date;
}

/** One formatter per zone: building one costs far more than using it. */
const dayFormatters = new Map<string, Intl.DateTimeFormat | null>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = dayFormatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'gregory', numberingSystem: 'latn' });
    } catch {
      f = null; // unknown zone: luxon's path explains it
    }
    if (dayFormatters.size < 1_000) dayFormatters.set(timeZone, f);
  }
  return f;
}

/**
 * The common case, without luxon (which costs ~0.1 ms per call on the hot
 * path): a well-formed instant on a real calendar day, in a zone ICU knows.
 * Anything else returns null and takes luxon's path, which reads or explains it.
 */
function localDateFast(isoInstant: string, timeZone: string): string | null {
  const ms = Date.parse(isoInstant);
  if (!Number.isFinite(ms)) return null;
  const [y, m, d] = isoInstant.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
  const f = dayFormatter(timeZone);
  if (!f) return null;
  let year = '';
  let month = '';
  let date = '';
  for (const part of f.formatToParts(ms)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') date = part.value;
  }
  return /^\d{4}$/.test(year) && month.length === 2 && date.length === 2 ? `${year}-${month}-${date}` : null;
}

/**
 * The date `days` business days after `startDate`. The start day itself
 * never counts: a message that arrives at 17:59 has not had a business day
 * of attention yet. So 1 business day after a Friday (or a Saturday) is the
 * following Monday, if that Monday is open.
 *
 * `days = 0` means "the first business day on or after `startDate`": the
 * start day when it is open, otherwise the next open day.
 *
 * Saturdays and Sundays are never business days, whatever a country's
 * statutory rest day: the posts work Monday to Friday. `isClosed` is only
 * asked about weekdays.
 *
 * @param startDate `YYYY-MM-DD`.
 * @param days A non-negative integer.
 * @param isClosed Whether a weekday (`YYYY-MM-DD`) is a holiday or closure.
 * @throws RangeError for a malformed date or a negative or fractional `days`.
 * @throws Error if more than {@link MAX_CONSECUTIVE_CLOSED_DAYS} days in a row are not business days.
 */
export function addBusinessDays(startDate: string, days: number, isClosed: (date: string) => boolean): string {
  const start = parseDate(startDate, 'addBusinessDays');
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`addBusinessDays: days must be a non-negative integer, got ${days}`);
  }

  let current = days === 0 ? start : start.plus({ days: 1 });
  let stillNeeded = Math.max(days, 1);
  let notOpenInARow = 0;
  for (;;) {
    const date = formatDate(current);
    if (isWeekday(current) && !isClosed(date)) {
      stillNeeded -= 1;
      if (stillNeeded === 0) return date;
      notOpenInARow = 0;
    } else if (++notOpenInARow > MAX_CONSECUTIVE_CLOSED_DAYS) {
      throw new Error(
        `addBusinessDays: more than ${MAX_CONSECUTIVE_CLOSED_DAYS} consecutive closed days up to ${date} ` +
          `(counting from ${startDate}); the closed-days calendar is probably wrong`,
      );
    }
    current = current.plus({ days: 1 });
  }
}

/**
 * When an answer to a message is due: the post's calendar date of
 * `receivedAt`, then `businessDays` business days after it.
 *
 * @param receivedAt ISO instant with `Z` or an offset (when intake saw the message).
 * @param timeZone The post's IANA zone.
 * @param businessDays The queue's SLA (`slaBusinessDays`).
 * @param isClosed Whether a weekday is a holiday or closure at the post.
 * @returns `YYYY-MM-DD` in the post's calendar.
 */
export function slaDueDate(
  receivedAt: string,
  timeZone: string,
  businessDays: number,
  isClosed: (date: string) => boolean,
): string {
  return addBusinessDays(localDate(receivedAt, timeZone), businessDays, isClosed);
}

/** Calendar arithmetic in UTC, where every day has 24 hours and there is no DST to skip a date. */
function parseDate(date: string, caller: string): DateTime<true> {
  const parsed = ISO_DATE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : null;
  if (!parsed?.isValid) throw new RangeError(`${caller}: "${date}" is not a YYYY-MM-DD calendar date`);
  return parsed;
}

function formatDate(day: DateTime<true>): string {
  return day.toFormat('yyyy-MM-dd');
}

/** Luxon weekdays are ISO: 1 = Monday ... 6 = Saturday, 7 = Sunday. */
function isWeekday(day: DateTime<true>): boolean {
  return day.weekday <= 5;
}
