/**
 * Our own hostile corpus (test/fixtures/corpus, see its README), through the
 * real `triage classify` command, against its labels.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actualSummary, classifyWithCli, expectedFromLabel, readLabels } from '../helpers/labelled-corpus.js';

const dir = resolve(import.meta.dirname, '../fixtures/corpus');
const labels = readLabels(dir);

describe('hostile fixture corpus', () => {
  it('has labels', () => expect(labels.length).toBeGreaterThan(50));
  for (const post of [...new Set(labels.map((l) => l.post))]) {
    it(`${post}: every message gets its labelled decision`, async () => {
      const mine = labels.filter((l) => l.post === post);
      const decisions = await classifyWithCli(dir, post, mine.map((l) => l.file));
      const mismatches = [];
      for (const label of mine) {
        const actual = decisions.get(label.file);
        const want = { file: label.file, ...expectedFromLabel(label, actual ?? {}) };
        const got = { file: label.file, ...actualSummary(actual ?? {}) };
        if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push({ want, got });
      }
      expect(mismatches).toEqual([]);
    });
  }
});
