/** Everything a stage needs to know about one post, built once at start from config. */
import type { PostConfig } from '../core/config-schema.js';
import { compileRules, type CompiledRules } from '../core/compile-rules.js';
import { buildClosedDays } from '../adapters/holidays/holiday-calendar.js';
import { addBusinessDays, localDate } from '../core/business-days.js';

export interface PostRuntime {
  config: PostConfig;
  rules: CompiledRules;
  isClosed: (date: string) => boolean;
  /** The post's calendar date of an instant (`YYYY-MM-DD`). */
  localDate: (isoInstant: string) => string;
  /** When an answer is due: `businessDays` business days after the post's date of `receivedAt`. */
  dueDate: (receivedAt: string, businessDays: number) => string;
}

/** Due dates are asked for the same few days over and over: remember them (bounded). */
const DUE_DATE_MEMO_LIMIT = 4_096;

export function buildPostRuntimes(posts: Iterable<PostConfig>, nowYear: number): Map<string, PostRuntime> {
  const out = new Map<string, PostRuntime>();
  for (const config of posts) {
    const calendar = buildClosedDays({ countries: config.holidays.countries, closures: config.holidays.closures, years: [nowYear, nowYear + 1] });
    const isClosed = (d: string): boolean => calendar.isClosed(d);
    const memo = new Map<string, string>();
    const dueDate = (receivedAt: string, businessDays: number): string => {
      const key = `${localDate(receivedAt, config.timezone)}|${businessDays}`;
      let due = memo.get(key);
      if (due === undefined) {
        due = addBusinessDays(key.slice(0, 10), businessDays, isClosed);
        if (memo.size >= DUE_DATE_MEMO_LIMIT) memo.clear();
        memo.set(key, due);
      }
      return due;
    };
    out.set(config.id, { config, rules: compileRules(config), isClosed, localDate: (i) => localDate(i, config.timezone), dueDate });
  }
  return out;
}
