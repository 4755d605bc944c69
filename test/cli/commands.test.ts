/** The admin commands as admins run them: exit codes and messages. */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TRIAGE_BIN, readLabels } from '../helpers/labelled-corpus.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tmp = await mkdtemp(join(tmpdir(), 'triage-cli-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function triage(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TRIAGE_BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('triage check-config', () => {
  it('passes on the shipped config', async () => {
    const r = await triage('check-config');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/config OK: 3 post\(s\)/);
  });

  it('fails on a broken copy, naming file, path and reason', async () => {
    const dir = join(tmp, 'config');
    await cp(join(root, 'config'), dir, { recursive: true });
    const file = join(dir, 'posts/BNS.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('slaBusinessDays: 5', 'slaBusinessDays: five'));
    const r = await triage('check-config', '--config', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/posts\/BNS\.yaml at queues\.iv-status\.slaBusinessDays: .*number/i);
  });

  it('refuses a misspelling listed under two words, once, though every post merges the shared rules', async () => {
    const dir = join(tmp, 'config-spelling');
    await cp(join(root, 'config'), dir, { recursive: true });
    const file = join(dir, 'rules.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('  turno: [truno]', '  turno: [truno, sita]'));
    const r = await triage('check-config', '--config', dir);
    expect(r.code).toBe(1);
    const problem = 'rules.yaml at spellingVariants.turno.1: "sita" is already listed under "cita"';
    expect(r.stdout).toContain(problem);
    expect(r.stdout.split(problem).length - 1).toBe(1);
  });

  it('fails when a template the config names is missing', async () => {
    const dir = join(tmp, 'templates');
    await cp(join(root, 'templates'), dir, { recursive: true });
    await rm(join(dir, 'zh', 'niv_info.liquid'));
    const r = await triage('check-config', '--templates', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('posts/GUZ.yaml at replies.niv: template templates/zh/niv_info.liquid does not exist');
  });
});

describe('triage classify', () => {
  it('prints an error line for an unreadable file, decides the rest, and exits 1', async () => {
    const sample = join(root, 'test/fixtures/corpus/LMA');
    const r = await triage('classify', '--json', '--post', 'LMA', join(tmp, 'missing.eml'), sample);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ file: join(tmp, 'missing.eml'), error: expect.stringContaining('ENOENT') });
    expect(lines.length).toBeGreaterThan(10);
    expect(Object.keys(lines[1]!).slice(0, 8)).toEqual(['file', 'messageId', 'category', 'caseNumber', 'lastName', 'problems', 'autoReply', 'route']);
  });

  it('stops quietly when its reader goes away (`| head`)', async () => {
    const child = spawn(process.execPath, [TRIAGE_BIN, 'classify', '--json', join(root, 'test/fixtures/corpus'), join(root, 'test/fixtures/holdout')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Read the first line, then close the pipe as `head -1` does.
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it('rejects an unknown post clearly', async () => {
    const r = await triage('classify', '--post', 'XYZ', join(root, 'test/fixtures/corpus/LMA'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/POST_UNKNOWN: no post "XYZ"/);
  });
});

describe('triage render', () => {
  it('prints the subject and a bilingual body', async () => {
    const r = await triage('render', '--post', 'GUZ', '--template', 'dv_info');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Subject: .+\n\n/);
    expect(r.stdout).toMatch(/[\u4e00-\u9fff]/);
    expect(r.stdout).toMatch(/Kentucky Consular Center/);
  });
});

describe('worker entry points', () => {
  it('refuse to start on a bad environment or config, saying what and where, exit 2', async () => {
    const worker = resolve(root, 'dist/workers/route.js');
    const runWorker = async (env: Record<string, string>) => {
      try {
        await run(process.execPath, [worker], { env: { ...process.env, HTTP_PORT: '0', ...env } });
        return { code: 0, stderr: '' };
      } catch (e) {
        return e as { code: number; stderr: string };
      }
    };
    const badUrl = await runWorker({ REDIS_URL: 'localhost:6379' });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('environment at REDIS_URL: not a redis URL');
    const noConfig = await runWorker({ TRIAGE_CONFIG_DIR: join(tmp, 'nowhere') });
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/CONFIG_NOT_FOUND: no posts folder/);
    const noTemplates = await runWorker({ TRIAGE_TEMPLATES_DIR: join(tmp, 'no-templates') });
    expect(noTemplates.code).toBe(2);
    expect(noTemplates.stderr).toMatch(/TEMPLATE_NOT_FOUND: cannot read the templates folder .*no-templates/);
    const badThreads = await runWorker({ TRIAGE_THREADS: 'many' });
    expect(badThreads.code).toBe(2);
    expect(badThreads.stderr).toContain('environment at TRIAGE_THREADS');
  });
});

describe('triage dev --once (the README quick start)', () => {
  it('runs the whole flow on private servers: every demo message filed, persons answered, machines ignored, tickets opened', { timeout: 120_000 }, async () => {
    const labels = readLabels(join(root, 'test/fixtures/corpus')).filter((l) => l.post === 'LMA');
    const machines = labels.filter((l) => l.machine).length;
    const r = await triage('dev', '--once', '--http-port', '0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`triage dev: ${labels.length} demo messages appended`);
    expect(r.stdout).toContain(`processed: ${labels.length - machines} person messages, ignored: ${machines} machine messages`);
    const sent = /auto-replies sent: (\d+); staff e-mails: (\d+); tickets: (\d+)/.exec(r.stdout);
    expect(sent, r.stdout.slice(-2000)).not.toBeNull();
    const [replies, staff, tickets] = sent!.slice(1).map(Number) as [number, number, number];
    // Persons are answered at most once each; machines never.
    expect(replies).toBeGreaterThan(0);
    expect(replies).toBeLessThanOrEqual(labels.length - machines);
    // One staff e-mail per new ticket; duplicates attach to a ticket instead of opening one.
    expect(staff).toBe(tickets);
    expect(tickets).toBeGreaterThan(0);
    expect(tickets).toBeLessThanOrEqual(labels.length - machines);
    expect(r.stdout).toMatch(/first reply, as the applicant sees it:\nSubject: Re: /);
  });
});

describe('triage tickets', () => {
  it('refuses a bad --status or --limit with a clear message, before reaching Redis', async () => {
    const status = await triage('tickets', 'list', '--status', 'pending');
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('--status must be one of open, closed, all, not "pending"');
    const limit = await triage('tickets', 'list', '--limit', 'ten');
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit must be a whole number of at least 1, not "ten"');
  });
});
