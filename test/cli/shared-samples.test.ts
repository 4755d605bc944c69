/**
 * The labelled sample corpus in ../shared/samples, through the real
 * `triage classify` command (the built CLI, as admins run it).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actualSummary, classifyWithCli, expectedFromLabel, readLabels } from '../helpers/labelled-corpus.js';

const dir = resolve(import.meta.dirname, '../../../shared/samples');
const labels = readLabels(dir);

describe.skipIf(!existsSync(resolve(dir, 'labels.jsonl')))('shared labelled samples', () => {
  for (const post of [...new Set(labels.map((l) => l.post))]) {
    it(`${post}: every message gets its labelled decision`, async () => {
      const mine = labels.filter((l) => l.post === post);
      const decisions = await classifyWithCli(dir, post, mine.map((l) => l.file));
      for (const label of mine) {
        const actual = decisions.get(label.file);
        expect(actual, label.file).toBeDefined();
        expect({ file: label.file, ...actualSummary(actual!) }).toEqual({ file: label.file, ...expectedFromLabel(label, actual!) });
      }
    });
  }
});
