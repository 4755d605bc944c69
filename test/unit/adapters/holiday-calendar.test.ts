import { describe, expect, it } from 'vitest';
import { buildClosedDays } from '../../../src/adapters/holidays/holiday-calendar.js';
import { slaDueDate } from '../../../src/core/business-days.js';

const calendar = (countries: string[], closures: Array<{ date: string; reason: string }> = []) =>
  buildClosedDays({ countries, closures, years: [2026] });

describe('buildClosedDays: United States (federal holidays)', () => {
  const us = calendar(['US']);

  it.each([
    ['2026-01-01', /New Year/],
    ['2026-01-19', /Martin Luther King/],
    ['2026-02-16', /Washington/],
    ['2026-05-25', /Memorial Day/],
    ['2026-06-19', /Juneteenth/],
    ['2026-07-03', /Independence Day/], // observed: the 4th is a Saturday
    ['2026-09-07', /Labou?r Day/],
    ['2026-10-12', /Columbus Day/],
    ['2026-11-11', /Veterans Day/],
    ['2026-11-26', /Thanksgiving/],
    ['2026-12-25', /Christmas/],
  ])('closes on %s', (date, reason) => {
    expect(us.isClosed(date)).toBe(true);
    expect(us.reasonFor(date)).toMatch(reason);
    expect(us.reasonFor(date)).toContain('(US)');
  });

  it.each([
    ['2026-11-27', 'the day after Thanksgiving (an observance)'],
    ['2026-12-24', 'Christmas Eve (optional)'],
    ['2026-12-31', 'New Year’s Eve (an observance)'],
    ['2026-02-14', 'Valentine’s Day'],
    ['2026-04-15', 'Tax Day'],
    ['2026-11-25', 'an ordinary Wednesday'],
  ])('stays open on %s, %s', (date) => {
    expect(us.isClosed(date)).toBe(false);
    expect(us.reasonFor(date)).toBeNull();
  });

  it.each([
    ['2027-07-05', 'Independence Day on a Sunday, observed Monday'],
    ['2027-06-18', 'Juneteenth on a Saturday, observed Friday'],
    ['2027-12-24', 'Christmas on a Saturday, observed Friday'],
    ['2027-12-31', 'New Year’s Day 2028 on a Saturday, observed in the year before'],
    ['2028-11-10', 'Veterans Day on a Saturday, observed Friday'],
  ])('closes on the observed day %s: %s', (date) => {
    expect(buildClosedDays({ countries: ['US'], closures: [], years: [] }).isClosed(date)).toBe(true);
  });

  it('computes years it was not warmed up for', () => {
    const cold = buildClosedDays({ countries: ['US'], closures: [], years: [] });
    expect(cold.reasonFor('2030-11-28')).toMatch(/Thanksgiving/);
    expect(cold.isClosed('2030-11-29')).toBe(false);
  });
});

describe('buildClosedDays: host countries', () => {
  it('Peru: Fiestas Patrias and December holidays', () => {
    const lima = calendar(['US', 'PE']);
    for (const date of ['2026-07-28', '2026-07-29', '2026-08-06', '2026-12-08', '2026-12-09']) {
      expect(lima.reasonFor(date), date).toContain('(PE)');
    }
  });

  it('Argentina: fixed and moved holidays, Maundy Thursday', () => {
    const buenosAires = calendar(['US', 'AR']);
    expect(buenosAires.reasonFor('2026-05-25')).toMatch(/May Revolution/);
    expect(buenosAires.isClosed('2026-04-02')).toBe(true);
    // Sovereignty Day (20 Nov, a Friday in 2026) is moved to Monday 23 Nov.
    expect(buenosAires.isClosed('2026-11-23')).toBe(true);
    expect(buenosAires.isClosed('2026-11-20')).toBe(false);
    // "Días no laborables con fines turísticos" are typed optional by the library.
    expect(buenosAires.isClosed('2026-03-23')).toBe(false);
  });

  it('China: Spring Festival and National Day as the library has them', () => {
    const guangzhou = calendar(['US', 'CN']);
    for (const date of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-10-01', '2026-10-02']) {
      expect(guangzhou.reasonFor(date), date).toContain('(CN)');
    }
    // The library models the rest of Golden Week only for years it has notices for (2021), not 2026:
    // a post that closes for it must list the days as closures.
    expect(guangzhou.isClosed('2026-10-05')).toBe(false);
  });

  it('China: days off for one group only do not close the post', () => {
    const guangzhou = calendar(['US', 'CN']);
    expect(guangzhou.isClosed('2026-06-01')).toBe(false); // Children's Day, a Monday
    expect(guangzhou.isClosed('2026-05-04')).toBe(false); // Youth Day, half a day, a Monday
  });

  it('closes every day of a holiday that lasts several days, into the next year', () => {
    // Eswatini's Incwala: six days from 2026-12-28, listed by the library under 2026 only.
    const mbabane = buildClosedDays({ countries: ['SZ'], closures: [], years: [] });
    expect(mbabane.reasonFor('2027-01-02')).toMatch(/Incwala/);
    expect(mbabane.isClosed('2027-01-04')).toBe(false);
  });

  it('names every country that closes on a shared holiday', () => {
    const reason = calendar(['US', 'PE']).reasonFor('2026-12-25');
    expect(reason).toContain('(US)');
    expect(reason).toContain('(PE)');
  });
});

describe('buildClosedDays: closures from config', () => {
  it('closes on a configured day and gives its reason', () => {
    const lima = calendar(['US', 'PE'], [{ date: '2026-12-24', reason: 'Christmas Eve administrative closure' }]);
    expect(lima.isClosed('2026-12-24')).toBe(true);
    expect(lima.reasonFor('2026-12-24')).toBe('Christmas Eve administrative closure');
  });

  it('puts the post’s reason first when a closure falls on a holiday', () => {
    const lima = calendar(['US'], [{ date: '2026-11-26', reason: 'Section closed' }]);
    expect(lima.reasonFor('2026-11-26')).toMatch(/^Section closed; Thanksgiving/);
  });

  it('rejects a malformed closure date', () => {
    expect(() => calendar(['US'], [{ date: '2026-12-4', reason: 'typo' }])).toThrow(/2026-12-4/);
  });
});

describe('buildClosedDays: configuration errors', () => {
  it('rejects a country the library does not know', () => {
    expect(() => calendar(['US', 'XX'])).toThrow(/XX/);
  });

  it('rejects a lookup that is not a YYYY-MM-DD date', () => {
    expect(() => calendar(['US']).isClosed('26/11/2026')).toThrow(RangeError);
  });
});

describe('due dates with real holiday data', () => {
  it('Lima: Wednesday evening before Thanksgiving, SLA 5 → Thursday 3 December', () => {
    const lima = calendar(['US', 'PE']);
    expect(slaDueDate('2026-11-26T01:00:00Z', 'America/Lima', 5, lima.isClosed)).toBe('2026-12-03');
  });

  it('Guangzhou: before National Day, SLA 3, with and without Golden Week closures', () => {
    // Wednesday 2026-09-30 10:00 in Guangzhou. Oct 1-2 National Day, 3-4 weekend.
    const receivedAt = '2026-09-30T02:00:00Z';
    expect(slaDueDate(receivedAt, 'Asia/Shanghai', 3, calendar(['US', 'CN']).isClosed)).toBe('2026-10-07');
    const goldenWeek = ['2026-10-05', '2026-10-06', '2026-10-07'].map((date) => ({ date, reason: 'Golden Week' }));
    // Then Thu 8, Fri 9, (weekend, Columbus Day Mon 12), Tue 13.
    expect(slaDueDate(receivedAt, 'Asia/Shanghai', 3, calendar(['US', 'CN'], goldenWeek).isClosed)).toBe('2026-10-13');
  });
});
