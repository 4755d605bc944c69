/**
 * `npm run bench`: every stage beside its bare baseline, measured in the
 * same run on this machine. Prints a table; exits non-zero only on error.
 */
import { benchParseClassify, type Figure } from './parse-classify.js';

function print(figures: Figure[]): void {
  const rows = figures.map((f) => [f.name, f.perSecond.toFixed(0), f.baselinePerSecond.toFixed(0), `${((f.baselinePerSecond / f.perSecond - 1) * 100).toFixed(1)}%`]);
  const head = ['stage', 'msg/s', 'bare msg/s', 'added time'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
console.log(`node ${process.version}, ${seconds}s per figure; "bare" = mailparser simpleParser on the same messages\n`);
print(await benchParseClassify(seconds));
