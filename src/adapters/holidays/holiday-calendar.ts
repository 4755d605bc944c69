/**
 * Which days a post is closed: the public holidays of its countries, from the
 * `date-holidays` data set, plus the closures listed in the post's config.
 * The result is the `isClosed` predicate that the pure business-day
 * arithmetic in `src/core/business-days.ts` takes; this is the only module
 * that knows `date-holidays`.
 *
 * No I/O after import: the library's data is bundled JSON. Holidays are
 * computed per year on first use and kept, so a long-running worker pays for
 * a year once and never needs a restart at New Year.
 */
import Holidays, { type HolidaysTypes } from 'date-holidays';
import { TriageError } from '../../runtime/errors.js';

export interface Closure {
  /** `YYYY-MM-DD` in the post's calendar. */
  date: string;
  /** Shown to staff, e.g. `Christmas Eve administrative closure`. */
  reason: string;
}

export interface ClosedDaysOptions {
  /** ISO 3166-1 alpha-2 codes, e.g. `['US', 'PE']`: a U.S. post closes on both countries' holidays. */
  countries: string[];
  /** Extra days from the post's config (administrative closures, local bridge days, ...). */
  closures: Array<Closure>;
  /** Years to compute now rather than on first use; any other year still works. */
  years: number[];
}

export interface ClosedDays {
  /** Whether the post is closed on `date` (`YYYY-MM-DD`) for a holiday or a closure; weekends are not this module's business. */
  isClosed(date: string): boolean;
  /** Why the post is closed on `date`, e.g. `Thanksgiving Day (US)`; `null` when it is open. */
  reasonFor(date: string): string | null;
}

/**
 * Holiday types on which offices close. date-holidays defines `public` as a
 * public holiday and `bank` as "banks and offices are closed"; `optional`
 * (many people take the day off), `school` and `observance` leave offices
 * open. `bank` matters even for the U.S.: the library types the Friday or
 * Monday on which Veterans Day is observed (e.g. 2028-11-10) as `bank`, and
 * Argentina's Maundy Thursday (a non-working day for the public
 * administration) is `bank` too.
 */
const CLOSING_TYPES: ReadonlySet<HolidaysTypes.HolidayType> = new Set(['public', 'bank']);

/**
 * Days the library types `public` that only some people get off, keyed by
 * country and the library's rule. China's Children's Day is a full day for
 * children under 14 only; offices are open. (Women's Day, Youth Day and Army
 * Day are half days for a group and are dropped anyway as partial days; they
 * are listed so that the intent does not depend on that.)
 */
const GROUP_ONLY_RULES: Readonly<Record<string, ReadonlySet<string>>> = {
  CN: new Set(['03-08 12:00', '05-04 12:00', '06-01', '08-01 12:00']),
};

/** Holiday names in reasons are for staff, who share English. */
const NAME_LANGUAGE = 'en';

const ISO_DATE = /^(\d{4})-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

/**
 * Builds the closed-days calendar of a post.
 *
 * A holiday counts on the day the library dates it, which for observed
 * holidays is the observed day: the library lists both Independence Day
 * 2026-07-04 (a Saturday) and its substitute 2026-07-03 (`substitute: true`).
 * A holiday that starts after midnight (a half day, such as Christmas Eve
 * from 12:00 in some countries) does not close the day: the morning is
 * worked. A holiday lasting several days closes each of them.
 *
 * Dates are the country's local calendar dates, taken from the library's
 * `date` string (`YYYY-MM-DD hh:mm:ss`, local), not from `start`, which is an
 * instant in the country's first time zone.
 *
 * @throws TriageError `CONFIG_INVALID` for a country the library does not
 * know or a closure whose date is not `YYYY-MM-DD`.
 */
export function buildClosedDays(opts: ClosedDaysOptions): ClosedDays {
  const known = new Holidays().getCountries();
  const unknown = opts.countries.filter((c) => !(c in known));
  if (unknown.length > 0) {
    throw new TriageError('CONFIG_INVALID', `holidays.countries: no holiday data for ${unknown.join(', ')}`);
  }
  const calendars = opts.countries.map((country) => ({ country, holidays: new Holidays(country) }));

  // Reasons per date; closures are added first so staff read the post's own reason first.
  const reasons = new Map<string, string[]>();
  const addReason = (date: string, reason: string): void => {
    const list = reasons.get(date);
    if (!list) reasons.set(date, [reason]);
    else if (!list.includes(reason)) list.push(reason);
  };
  for (const closure of opts.closures) {
    if (!ISO_DATE.test(closure.date)) {
      throw new TriageError('CONFIG_INVALID', `holidays.closures: "${closure.date}" is not a YYYY-MM-DD date`);
    }
    addReason(closure.date, closure.reason);
  }

  const loadedYears = new Set<number>();
  const loadYear = (year: number): void => {
    if (loadedYears.has(year)) return;
    loadedYears.add(year);
    for (const { country, holidays } of calendars) {
      for (const holiday of holidays.getHolidays(year, NAME_LANGUAGE)) {
        if (!closesOffices(holiday, country)) continue;
        for (const date of datesCovered(holiday)) addReason(date, `${holiday.name} (${country})`);
      }
    }
  };
  // The library lists a holiday under the year of its date, observed days
  // included (New Year's Day 2028 observed on 2027-12-31 is in 2027's list),
  // but a holiday of several days that starts in late December runs into
  // January (Eswatini's Incwala, 2026-12-28 for six days), so a year is
  // answered with the year before it loaded too.
  const ensureYear = (year: number): void => {
    loadYear(year - 1);
    loadYear(year);
  };
  for (const year of opts.years) ensureYear(year);

  const reasonFor = (date: string): string | null => {
    const match = ISO_DATE.exec(date);
    if (!match) throw new RangeError(`holiday calendar: "${date}" is not a YYYY-MM-DD date`);
    ensureYear(Number(match[1]));
    return reasons.get(date)?.join('; ') ?? null;
  };
  return {
    isClosed: (date) => reasonFor(date) !== null,
    reasonFor,
  };
}

function closesOffices(holiday: HolidaysTypes.Holiday, country: string): boolean {
  return (
    CLOSING_TYPES.has(holiday.type) &&
    startsAtMidnight(holiday) &&
    !(GROUP_ONLY_RULES[country]?.has(holiday.rule) ?? false)
  );
}

/** `date` is `YYYY-MM-DD hh:mm:ss`, sometimes followed by an offset. */
function startsAtMidnight(holiday: HolidaysTypes.Holiday): boolean {
  return holiday.date.slice(11, 19) === '00:00:00';
}

/**
 * The local dates a holiday covers. Most last one day; some are defined with
 * a duration (`P3D`). Rounding absorbs the 23- or 25-hour day of a DST change.
 */
function datesCovered(holiday: HolidaysTypes.Holiday): string[] {
  const first = holiday.date.slice(0, 10);
  const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / MS_PER_DAY));
  if (days === 1) return [first];
  const [y, m, d] = first.split('-').map(Number) as [number, number, number];
  return Array.from({ length: days }, (_, i) => new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10));
}
