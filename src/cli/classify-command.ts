/**
 * `triage classify [--post LMA] [--json] [--config DIR] FILE|DIR...`: the
 * decision each message would get, without running the pipeline.
 */
import { readFile } from 'node:fs/promises';
import { compileRules } from '../core/compile-rules.js';
import { classifyMessage } from '../core/classify-message.js';
import type { TriageDecision } from '../core/types.js';
import { parseMessage } from '../adapters/mime/parse-message.js';
import { loadConfig } from '../runtime/load-config.js';
import { TriageError } from '../runtime/errors.js';
import { expandInputs } from './read-inputs.js';

export interface ClassifyOptions {
  post: string;
  json: boolean;
  config?: string;
}

/** Contract fields first, in the contract's order; the extras after. */
export type ClassifyLine = { file: string } & TriageDecision;

export async function runClassify(paths: string[], opts: ClassifyOptions, out: NodeJS.WritableStream): Promise<number> {
  const config = await loadConfig(opts.config);
  const post = config.posts.get(opts.post.toUpperCase());
  if (!post) throw new TriageError('POST_UNKNOWN', `no post "${opts.post}" in ${config.dir} (have: ${[...config.posts.keys()].join(', ')})`);
  const rules = compileRules(post);
  const files = await expandInputs(paths);
  let failures = 0;
  const rows: Array<ClassifyLine | { file: string; error: string }> = [];
  for (const file of files) {
    let row: ClassifyLine | { file: string; error: string };
    try {
      const raw = await readFile(file);
      const decision = classifyMessage(await parseMessage(raw), rules);
      row = { file, ...decision };
    } catch (e) {
      failures++;
      row = { file, error: `${(e as NodeJS.ErrnoException).code ?? 'MESSAGE_UNREADABLE'}: ${(e as Error).message}` };
    }
    if (opts.json) out.write(`${JSON.stringify(contractOrder(row))}\n`);
    else rows.push(row);
  }
  if (!opts.json) out.write(formatTable(rows));
  return failures > 0 ? 1 : 0;
}

function contractOrder(row: ClassifyLine | { file: string; error: string }): object {
  if ('error' in row) return row;
  const { file, messageId, category, caseNumber, lastName, problems, autoReply, route, ...extra } = row;
  return { file, messageId, category, caseNumber, lastName, problems, autoReply, route, ...extra };
}

function formatTable(rows: Array<ClassifyLine | { file: string; error: string }>): string {
  const header = ['FILE', 'CATEGORY', 'CASE', 'LAST NAME', 'PROBLEMS', 'REPLY', 'QUEUE/PRIORITY'];
  const lines = rows.map((r) =>
    'error' in r
      ? [r.file, 'ERROR', '', '', r.error, '', '']
      : [
          r.file,
          r.category,
          r.caseNumber ?? '-',
          r.lastName ?? '-',
          r.problems.join(',') || '-',
          r.autoReply ?? '-',
          r.route ? `${r.route.queue}/${r.route.priority}` : '-',
        ],
  );
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length))));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [fmt(header), ...lines.map(fmt)].join('\n') + '\n';
}
