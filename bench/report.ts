/** The table `npm run bench` prints: one row per figure, beside its bare baseline from the same run. */

export interface Row {
  /** What was measured, and what the bare column is. */
  stage: string;
  value: number;
  unit: 'msg/s' | 'ms' | 'MB' | 's';
  /** Shown after the value, e.g. "(3.2 MB/s)". */
  extra?: string;
  /** The bare baseline in the same unit; null when there is none (the note says why). */
  bare: number | null;
  bareExtra?: string;
  /** Target, e.g. ">= 600"; checked against `value`. */
  target?: { op: '>=' | '<'; value: number };
}

const fmt = (v: number, unit: string): string => {
  if (!Number.isFinite(v)) return 'n/a';
  const digits = unit === 's' ? 1 : Math.abs(v) < 10 && unit !== 'msg/s' ? 1 : 0;
  return `${v.toFixed(digits)} ${unit}`;
};

export function printTable(rows: Row[]): void {
  const body = rows.map((r) => [
    r.stage,
    `${fmt(r.value, r.unit)}${r.extra ? ` ${r.extra}` : ''}`,
    r.bare === null ? '—' : `${fmt(r.bare, r.unit)}${r.bareExtra ? ` ${r.bareExtra}` : ''}`,
    r.bare === null || !r.bare ? '—' : `${(r.value / r.bare).toFixed(2)}x`,
    r.target ? `${r.target.op} ${r.target.value} ${(r.target.op === '>=' ? r.value >= r.target.value : r.value < r.target.value) ? 'ok' : 'MISSED'}` : '',
  ]);
  const head = ['stage (bare baseline in brackets)', 'figure', 'bare', 'ratio', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : i === 4 ? c : c.padStart(widths[i]!))).join('  ').trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
}

export const MB = 1024 * 1024;
