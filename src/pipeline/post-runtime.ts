/** Everything a stage needs to know about one post, built once at start from config. */
import type { PostConfig } from '../core/config-schema.js';
import { compileRules, type CompiledRules } from '../core/compile-rules.js';
import { buildClosedDays } from '../adapters/holidays/holiday-calendar.js';

export interface PostRuntime {
  config: PostConfig;
  rules: CompiledRules;
  isClosed: (date: string) => boolean;
}

export function buildPostRuntimes(posts: Iterable<PostConfig>, nowYear: number): Map<string, PostRuntime> {
  const out = new Map<string, PostRuntime>();
  for (const config of posts) {
    const calendar = buildClosedDays({ countries: config.holidays.countries, closures: config.holidays.closures, years: [nowYear, nowYear + 1] });
    out.set(config.id, { config, rules: compileRules(config), isClosed: (d) => calendar.isClosed(d) });
  }
  return out;
}
