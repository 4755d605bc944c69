/**
 * Runs a labelled corpus (labels.jsonl in the format of
 * ../shared/samples/README.md) through the real `triage classify --json`
 * command and compares each decision with its label.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const TRIAGE_BIN = resolve(import.meta.dirname, '../../bin/triage.js');

export interface Label {
  file: string;
  post: string;
  category: string;
  caseNumber: string | null;
  lastName?: string;
  problems: string[];
  machine: boolean;
  routed: boolean | null;
  urgent?: boolean;
}

export function readLabels(dir: string): Label[] {
  const file = join(dir, 'labels.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Label);
}

export async function classifyWithCli(dir: string, post: string, files: string[]): Promise<Map<string, Record<string, unknown>>> {
  const { stdout } = await run(process.execPath, [TRIAGE_BIN, 'classify', '--json', '--post', post, ...files.map((f) => join(dir, f))], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = new Map<string, Record<string, unknown>>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const row = JSON.parse(line) as Record<string, unknown>;
    out.set(String(row.file).slice(dir.length + 1), row);
  }
  return out;
}

/** What a label expects, in the decision's own terms, for one readable diff per message. */
export function expectedFromLabel(label: Label, actual: Record<string, unknown>): Record<string, unknown> {
  const route = actual.route as { priority: string } | null;
  return {
    category: label.category,
    caseNumber: label.caseNumber,
    lastName: label.lastName ?? null,
    problems: label.problems,
    answered: !label.machine,
    routed: label.routed === null ? route !== null : label.routed,
    urgent: label.urgent === true,
  };
}

export function actualSummary(actual: Record<string, unknown>): Record<string, unknown> {
  const route = actual.route as { priority: string } | null;
  return {
    category: actual.category,
    caseNumber: actual.caseNumber,
    lastName: actual.lastName,
    problems: actual.problems,
    answered: actual.autoReply !== null,
    routed: route !== null,
    urgent: route?.priority === 'urgent',
  };
}
