/**
 * Reads `config/` (rules.yaml + posts/*.yaml), merges each post's rule
 * additions into the shared rules, validates everything with the one zod
 * schema, and reports every problem at once with its file and path.
 * The only module that reads the config folder.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { postSchema, rulesSchema, type PostConfig, type Rules } from '../core/config-schema.js';
import { projectRoot } from './paths.js';
import { ConfigError, TriageError, type ConfigIssue } from './errors.js';

export interface LoadedConfig {
  dir: string;
  posts: Map<string, PostConfig>;
}

export async function loadConfig(dir: string = defaultConfigDir()): Promise<LoadedConfig> {
  const issues: ConfigIssue[] = [];
  const rulesFile = join(dir, 'rules.yaml');
  const rulesRaw = await readYaml(rulesFile, dir, issues);
  const postsDir = join(dir, 'posts');
  let postFiles: string[] = [];
  try {
    postFiles = (await readdir(postsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch (cause) {
    throw new TriageError('CONFIG_NOT_FOUND', `no posts folder at ${postsDir}`, { cause });
  }
  if (postFiles.length === 0) issues.push({ file: relative(dir, postsDir) || 'posts', path: '', message: 'no post files (*.yaml)' });

  const posts = new Map<string, PostConfig>();
  for (const name of postFiles) {
    const file = join(postsDir, name);
    const raw = await readYaml(file, dir, issues);
    if (raw === undefined) continue;
    const parsed = postSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error, relative(dir, file)));
      continue;
    }
    const post = parsed.data;
    if (name.replace(/\.ya?ml$/, '') !== post.id) {
      issues.push({ file: relative(dir, file), path: 'id', message: `the file name must be the post id (${post.id}.yaml)` });
    }
    if (posts.has(post.id)) issues.push({ file: relative(dir, file), path: 'id', message: `post ${post.id} is defined twice` });
    const merged = rulesSchema.safeParse(mergeRules(rulesRaw, post.rules));
    if (!merged.success) {
      const where = post.rules === undefined ? relative(dir, rulesFile) : `${relative(dir, rulesFile)} + ${relative(dir, file)} (rules)`;
      issues.push(...zodIssues(merged.error, where));
      continue;
    }
    const regexIssues = checkRegexes(merged.data, where(dir, rulesFile, file, post.rules));
    issues.push(...regexIssues);
    const { rules: _ignored, ...rest } = post;
    posts.set(post.id, { ...rest, rules: merged.data });
  }
  if (rulesRaw !== undefined && postFiles.length > 0 && posts.size === 0 && issues.length === 0) {
    issues.push({ file: 'posts', path: '', message: 'no valid post' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { dir, posts };
}

/** The config folder shipped with the project. */
export function defaultConfigDir(): string {
  return join(projectRoot(), 'config');
}

function where(dir: string, rulesFile: string, postFile: string, postRules: unknown): string {
  return postRules === undefined ? relative(dir, rulesFile) : `${relative(dir, rulesFile)} + ${relative(dir, postFile)}`;
}

async function readYaml(file: string, dir: string, issues: ConfigIssue[]): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    issues.push({ file: relative(dir, file), path: '', message: 'cannot be read (missing?)' });
    return undefined;
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) issues.push({ file: relative(dir, file), path: e.linePos ? `line ${e.linePos[0].line}` : '', message: e.message.split('\n')[0] ?? e.message });
    return undefined;
  }
  return doc.toJS();
}

/** Lists in `extra` are appended to the shared lists; objects merge; other values replace. */
export function mergeRules(shared: unknown, extra: unknown): unknown {
  if (extra === undefined || extra === null) return shared;
  if (Array.isArray(shared) && Array.isArray(extra)) return [...shared, ...extra];
  if (isObject(shared) && isObject(extra)) {
    const out: Record<string, unknown> = { ...shared };
    for (const [k, v] of Object.entries(extra)) out[k] = k in shared ? mergeRules(shared[k], v) : v;
    return out;
  }
  return extra;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function zodIssues(error: z.ZodError, file: string): ConfigIssue[] {
  return error.issues.map((i) => ({ file, path: i.path.map(String).join('.'), message: i.message }));
}

/** Every `/.../` phrase and sender pattern must compile; say which one does not. */
function checkRegexes(rules: Rules, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, path: string[]): void => {
    if (typeof value === 'string') {
      const isSlashRegex = /^\/.+\/m?$/s.test(value);
      const isSenderPattern = path[0] === 'machine' && path[1] === 'senderLocalParts';
      if (!isSlashRegex && !isSenderPattern) return;
      const source = isSlashRegex ? value.replace(/^\/|\/m?$/g, '') : value;
      try {
        new RegExp(source, 'iu');
      } catch (e) {
        issues.push({ file, path: path.join('.'), message: `not a valid regular expression: ${(e as Error).message}` });
      }
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, String(i)]));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(rules, []);
  return issues;
}
