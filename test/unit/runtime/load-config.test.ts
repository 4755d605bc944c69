import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/runtime/errors.js';
import { defaultConfigDir, loadConfig, mergeRules } from '../../../src/runtime/load-config.js';

const dirs: string[] = [];
async function brokenCopy(edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'triage-config-'));
  dirs.push(dir);
  await cp(defaultConfigDir(), dir, { recursive: true });
  await edit(dir);
  return dir;
}
async function replaceIn(file: string, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`test setup: ${String(from)} not found in ${file}`);
  await writeFile(file, next);
}
async function issuesOf(dir: string): Promise<Array<{ file: string; path: string; message: string }>> {
  try {
    await loadConfig(dir);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('loadConfig', () => {
  it('loads the shipped posts with the shared rules merged in', async () => {
    const config = await loadConfig();
    expect([...config.posts.keys()].sort()).toEqual(['BNS', 'GUZ', 'LMA']);
    expect(config.posts.get('GUZ')).toMatchObject({ languages: ['zh', 'en'], timezone: 'Asia/Shanghai', holidays: { countries: ['US', 'CN'] } });
    expect(config.posts.get('LMA')?.rules.subjectConventions.iv_inquiry).toBe('IV Inquiry');
  });

  it('lists every problem with its file and path', async () => {
    const dir = await brokenCopy(async (d) => {
      await replaceIn(join(d, 'posts/LMA.yaml'), 'timezone: America/Lima', 'timezone: America/Lmia');
      await replaceIn(join(d, 'posts/LMA.yaml'), 'iv_inquiry: { queue: iv-status, priority: normal }', 'iv_inquiry: { queue: iv-stauts, priority: normal }');
      await replaceIn(join(d, 'posts/BNS.yaml'), 'mailbox: ivbuenosaires@state.example', 'mailbox: not-an-address');
      await replaceIn(join(d, 'posts/GUZ.yaml'), 'priority: high', 'priority: highest');
    });
    const issues = await issuesOf(dir);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'posts/LMA.yaml', path: 'timezone' }),
        expect.objectContaining({ file: 'posts/LMA.yaml', path: 'routing.iv_inquiry.queue', message: expect.stringContaining('iv-stauts') }),
        expect.objectContaining({ file: 'posts/BNS.yaml', path: 'mailbox' }),
        expect.objectContaining({ file: 'posts/GUZ.yaml', path: 'routing.iv_missed_appointment.priority' }),
      ]),
    );
  });

  it('reports YAML syntax errors with a line, and a bad regular expression by path', async () => {
    const dir = await brokenCopy(async (d) => {
      await replaceIn(join(d, 'posts/LMA.yaml'), 'city: Lima', 'city: [Lima');
      await replaceIn(join(d, 'rules.yaml'), '"/\\\\bkcc\\\\b/"', '"/(kcc/"');
    });
    const issues = await issuesOf(dir);
    expect(issues.some((i) => i.file === 'posts/LMA.yaml' && /^line \d+/.test(i.path))).toBe(true);
    expect(issues.some((i) => i.path.startsWith('intents.dv_lottery.signals') && /regular expression/.test(i.message))).toBe(true);
  });

  it('appends a post’s rule additions to the shared lists', () => {
    expect(mergeRules({ a: [1], b: { c: [2], d: 1 } }, { a: [3], b: { c: [4], d: 2 } })).toEqual({ a: [1, 3], b: { c: [2, 4], d: 2 } });
  });
});
