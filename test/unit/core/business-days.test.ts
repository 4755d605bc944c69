import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { addBusinessDays, localDate, slaDueDate } from '../../../src/core/business-days.js';

/** A closed-days predicate from a hand-written list, as the holiday calendar would give it. */
const closedOn = (...dates: string[]): ((date: string) => boolean) => {
  const closed = new Set(dates);
  return (date) => closed.has(date);
};
const neverClosed = (): boolean => false;

// U.S. federal and Peruvian holidays around the end of 2026, written out by hand.
const LIMA_LATE_2026 = closedOn('2026-11-26', '2026-12-08', '2026-12-09', '2026-12-25');

describe('localDate', () => {
  it('a message at 23:30 UTC on a Friday is still Friday in Lima but already Saturday in Guangzhou', () => {
    expect(localDate('2026-11-27T23:30:00Z', 'America/Lima')).toBe('2026-11-27');
    expect(localDate('2026-11-27T23:30:00Z', 'Asia/Shanghai')).toBe('2026-11-28');
  });

  it('honours the offset written in the instant', () => {
    // 20:00 in Lima is 09:00 the next morning in Guangzhou.
    expect(localDate('2026-11-25T20:00:00-05:00', 'America/Lima')).toBe('2026-11-25');
    expect(localDate('2026-11-25T20:00:00-05:00', 'Asia/Shanghai')).toBe('2026-11-26');
    expect(localDate('2026-11-26T01:00:00.000+00:00', 'America/Lima')).toBe('2026-11-25');
  });

  it('follows daylight saving time in zones that have it', () => {
    // 03:30 UTC is 23:30 EDT on 2026-03-08 (DST began that morning), not 22:30 EST.
    expect(localDate('2026-03-09T03:30:00Z', 'America/New_York')).toBe('2026-03-08');
    expect(localDate('2026-03-09T04:30:00Z', 'America/New_York')).toBe('2026-03-09');
  });

  it('rejects a time without an offset, which is not an instant', () => {
    expect(() => localDate('2026-11-25T20:00:00', 'America/Lima')).toThrow(RangeError);
    expect(() => localDate('2026-11-25', 'America/Lima')).toThrow(RangeError);
  });

  it('agrees with luxon on every instant form, across zones with half-hour offsets and DST', () => {
    const zones = ['America/Lima', 'Asia/Shanghai', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Pacific/Kiritimati', 'Europe/London', 'UTC'];
    const forms = (ms: number): string[] => {
      const utc = DateTime.fromMillis(ms, { zone: 'utc' });
      return [utc.toISO()!, utc.toFormat("yyyy-MM-dd'T'HH:mm'Z'"), utc.setZone('UTC-3').toISO()!, utc.setZone('UTC+5:45').toFormat("yyyy-MM-dd'T'HH:mm:ssZZZ")];
    };
    let checked = 0;
    const disagreements: string[] = [];
    // Every 331 minutes over two years: it drifts through every hour and
    // minute-half of the day, and lands on both sides of each DST change.
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 331 * 60_000) {
      for (const zone of zones) {
        for (const instant of forms(ms)) {
          const expected = DateTime.fromISO(instant, { zone }).toISODate();
          const got = localDate(instant, zone);
          if (got !== expected) disagreements.push(`${instant} in ${zone}: ${got}, luxon ${expected}`);
          checked++;
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('rejects a day that does not exist', () => {
    expect(() => localDate('2026-02-30T10:00:00Z', 'America/Lima')).toThrow(RangeError);
  });

  it('rejects an unknown time zone', () => {
    expect(() => localDate('2026-11-25T20:00:00Z', 'America/Atlantis')).toThrow(/America\/Atlantis/);
  });
});

describe('addBusinessDays', () => {
  it('does not count the start day', () => {
    expect(addBusinessDays('2026-12-01', 1, neverClosed)).toBe('2026-12-02');
  });

  it('skips weekends', () => {
    expect(addBusinessDays('2026-11-27', 1, neverClosed)).toBe('2026-11-30'); // Fri -> Mon
    expect(addBusinessDays('2026-12-03', 2, neverClosed)).toBe('2026-12-07'); // Thu -> Mon
    expect(addBusinessDays('2026-11-30', 10, neverClosed)).toBe('2026-12-14'); // two full weeks
  });

  it('counts from a weekend start to the following Monday', () => {
    expect(addBusinessDays('2026-11-28', 1, neverClosed)).toBe('2026-11-30'); // Sat -> Mon
    expect(addBusinessDays('2026-11-29', 2, neverClosed)).toBe('2026-12-01'); // Sun -> Tue
  });

  it('skips a holiday', () => {
    // Wed before Thanksgiving: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3.
    expect(addBusinessDays('2026-11-25', 5, LIMA_LATE_2026)).toBe('2026-12-03');
  });

  it('skips a configured closure next to a holiday and a weekend', () => {
    // 24 (closure) and 25 (Christmas) closed, 26-27 weekend.
    expect(addBusinessDays('2026-12-23', 1, closedOn('2026-12-24', '2026-12-25'))).toBe('2026-12-28');
  });

  it('carries across the year end', () => {
    const closed = closedOn('2026-12-24', '2026-12-25', '2026-12-31', '2027-01-01');
    expect(addBusinessDays('2026-12-14', 10, closed)).toBe('2026-12-30');
    expect(addBusinessDays('2026-12-14', 15, closed)).toBe('2027-01-08');
  });

  it('knows 29 February', () => {
    expect(addBusinessDays('2028-02-28', 1, neverClosed)).toBe('2028-02-29');
    expect(addBusinessDays('2027-02-26', 1, neverClosed)).toBe('2027-03-01');
  });

  describe('days = 0', () => {
    it('is the start day when it is open', () => {
      expect(addBusinessDays('2026-11-25', 0, LIMA_LATE_2026)).toBe('2026-11-25');
    });

    it('is the next open day when the start day is a weekend or holiday', () => {
      expect(addBusinessDays('2026-11-28', 0, neverClosed)).toBe('2026-11-30');
      expect(addBusinessDays('2026-11-26', 0, LIMA_LATE_2026)).toBe('2026-11-27');
      expect(addBusinessDays('2026-12-08', 0, LIMA_LATE_2026)).toBe('2026-12-10');
    });
  });

  it('asks isClosed only about weekdays, as YYYY-MM-DD', () => {
    const asked: string[] = [];
    addBusinessDays('2026-11-27', 1, (date) => (asked.push(date), false));
    expect(asked).toEqual(['2026-11-30']);
  });

  it('gets through a long closure', () => {
    // Closed until 2027-10-01 (a Friday): 303 non-business days in a row, under the guard.
    expect(addBusinessDays('2026-12-01', 1, (date) => date < '2027-10-01')).toBe('2027-10-01');
  });

  it('throws instead of looping forever when every day is closed', () => {
    expect(() => addBusinessDays('2026-12-01', 1, () => true)).toThrow(/more than 370 consecutive closed days/);
  });

  it.each([['2026-02-30'], ['2026-2-3'], ['2026-11-25T00:00:00Z'], ['']])('rejects the start date %j', (date) => {
    expect(() => addBusinessDays(date, 1, neverClosed)).toThrow(RangeError);
  });

  it.each([[-1], [1.5], [Number.NaN]])('rejects days = %s', (days) => {
    expect(() => addBusinessDays('2026-11-25', days, neverClosed)).toThrow(RangeError);
  });
});

describe('slaDueDate', () => {
  it('Lima: an inquiry on Wednesday evening before Thanksgiving, 5 business days', () => {
    // 2026-11-25 20:00 in Lima; already Thursday (Thanksgiving) in UTC.
    expect(slaDueDate('2026-11-26T01:00:00Z', 'America/Lima', 5, LIMA_LATE_2026)).toBe('2026-12-03');
  });

  it('counts from the post’s date, not the UTC date', () => {
    // Tuesday 2026-12-01 20:00 in Lima is Wednesday 01:00 UTC and Wednesday 09:00 in Guangzhou.
    const receivedAt = '2026-12-02T01:00:00Z';
    expect(slaDueDate(receivedAt, 'America/Lima', 1, neverClosed)).toBe('2026-12-02');
    expect(slaDueDate(receivedAt, 'Asia/Shanghai', 1, neverClosed)).toBe('2026-12-03');
  });

  it('a Friday 23:30 UTC message is due the same day in Lima but Monday in Guangzhou (SLA 0)', () => {
    expect(slaDueDate('2026-11-27T23:30:00Z', 'America/Lima', 0, neverClosed)).toBe('2026-11-27');
    expect(slaDueDate('2026-11-27T23:30:00Z', 'Asia/Shanghai', 0, neverClosed)).toBe('2026-11-30');
  });
});
