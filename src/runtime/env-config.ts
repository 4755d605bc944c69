/**
 * The process configuration from the environment: the only module that
 * reads `process.env`. Secrets may come from files (`<NAME>_FILE`, as
 * Docker and Kubernetes secrets are mounted).
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `REDIS_URL` | `redis://127.0.0.1:6379` | Redis for queues, tickets and state |
 * | `REDIS_CLUSTER_NODES` | none | `host:port,host:port`: seed nodes of a Redis Cluster; user, password and `rediss` (TLS) then come from `REDIS_URL` |
 * | `IMAP_URL` | none | `imap[s]://user:pass@host:port/INBOX` of `TRIAGE_POST`'s mailbox |
 * | `IMAP_URL_<POST>` | none | one per further mailbox, e.g. `IMAP_URL_GUZ` |
 * | `SMTP_URL` | `smtp://127.0.0.1:1025` | outgoing mail (replies and staff e-mail) |
 * | `SMTP_MAX_CONNECTIONS` | `18` | SMTP connections the process may open, shared by its pipeline threads (at least one each) |
 * | `TRIAGE_POST` | `LMA` | the post whose mailbox `IMAP_URL` is |
 * | `HTTP_PORT` | `8080` | `/healthz`, `/readyz`, `/metrics`; `0` = off |
 * | `TRIAGE_CONFIG_DIR`, `TRIAGE_TEMPLATES_DIR` | shipped folders | admin config |
 * | `TRIAGE_FOLDER_PROCESSED` / `_IGNORED` / `_FAILED` | `Triage/Processed`, `Triage/Ignored`, `Triage/Failed` | IMAP folders messages are moved to |
 * | `TRIAGE_POLL_INTERVAL_MS` | `30000` | poll even without IDLE news |
 * | `TRIAGE_THREADS` | CPU cores (at most 8) | worker threads running the triage, reply and route workers; `0` runs them on the main thread |
 * | `LOG_LEVEL` | `info` | pino level |
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import type { FolderNames, ImapAccount } from '../adapters/imap/imap-intake.js';
import { parseClusterNode } from '../adapters/redis/connect.js';
import { ConfigError, type ConfigIssue } from './errors.js';

export interface MailboxSetting {
  post: string;
  account: ImapAccount;
}

export interface EnvConfig {
  redisUrl: string;
  /** Seed nodes (`host:port`) of a Redis Cluster; absent or empty: `redisUrl` is a single node. */
  redisClusterNodes?: string[];
  smtpUrl: string;
  /** SMTP connections this process may open in all (its pipeline threads share them). */
  smtpMaxConnections: number;
  mailboxes: MailboxSetting[];
  httpPort: number;
  configDir: string | undefined;
  templatesDir: string | undefined;
  folders: FolderNames;
  pollIntervalMs: number;
  logLevel: string;
  /** Worker threads running the worker roles (the main thread keeps intake and HTTP); 0 = all on the main thread. */
  threads: number;
  /** Identifies this replica in locks and logs. */
  instance: string;
}

export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const issues: ConfigIssue[] = [];
  const get = (name: string): string | undefined => {
    const file = env[`${name}_FILE`];
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch (e) {
        issues.push({ file: 'environment', path: `${name}_FILE`, message: `cannot read ${file}: ${(e as Error).message}` });
        return undefined;
      }
    }
    return env[name]?.trim() || undefined;
  };
  const post = (get('TRIAGE_POST') ?? 'LMA').toUpperCase();
  const mailboxes: MailboxSetting[] = [];
  const mainImap = get('IMAP_URL');
  if (mainImap) pushMailbox(post, mainImap, 'IMAP_URL');
  for (const name of Object.keys(env)) {
    const m = /^IMAP_URL_([A-Z]{3})(_FILE)?$/.exec(name);
    if (!m || !m[1] || m[1] === post) continue;
    const url = get(`IMAP_URL_${m[1]}`);
    if (url && !mailboxes.some((b) => b.post === m[1])) pushMailbox(m[1], url, `IMAP_URL_${m[1]}`);
  }
  const num = (name: string, dflt: number): number => {
    const v = get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) issues.push({ file: 'environment', path: name, message: `must be a whole number, got "${v}"` });
    return n;
  };
  const config: EnvConfig = {
    redisUrl: get('REDIS_URL') ?? 'redis://127.0.0.1:6379',
    redisClusterNodes: (get('REDIS_CLUSTER_NODES') ?? '').split(',').map((n) => n.trim()).filter(Boolean),
    smtpUrl: get('SMTP_URL') ?? 'smtp://127.0.0.1:1025',
    smtpMaxConnections: num('SMTP_MAX_CONNECTIONS', DEFAULT_SMTP_CONNECTIONS),
    mailboxes,
    httpPort: num('HTTP_PORT', 8080),
    configDir: get('TRIAGE_CONFIG_DIR'),
    templatesDir: get('TRIAGE_TEMPLATES_DIR'),
    folders: {
      processed: get('TRIAGE_FOLDER_PROCESSED') ?? 'Triage/Processed',
      ignored: get('TRIAGE_FOLDER_IGNORED') ?? 'Triage/Ignored',
      failed: get('TRIAGE_FOLDER_FAILED') ?? 'Triage/Failed',
    },
    pollIntervalMs: num('TRIAGE_POLL_INTERVAL_MS', 30_000),
    logLevel: get('LOG_LEVEL') ?? 'info',
    threads: num('TRIAGE_THREADS', defaultThreads()),
    instance: `${hostname()}:${process.pid}`,
  };
  for (const [name, url] of [['REDIS_URL', config.redisUrl], ['SMTP_URL', config.smtpUrl]] as const) {
    if (!/^(rediss?|smtps?):\/\//.test(url)) issues.push({ file: 'environment', path: name, message: `not a ${name.split('_')[0]!.toLowerCase()} URL` });
  }
  for (const node of config.redisClusterNodes ?? []) {
    try {
      parseClusterNode(node);
    } catch (e) {
      issues.push({ file: 'environment', path: 'REDIS_CLUSTER_NODES', message: (e as Error).message });
    }
  }
  // A Cluster has database 0 only.
  if (config.redisClusterNodes?.length && /^rediss?:\/\/[^/]*\/(?!0?$)/.test(config.redisUrl)) {
    issues.push({ file: 'environment', path: 'REDIS_URL', message: 'names a database; a Redis Cluster (REDIS_CLUSTER_NODES) has database 0 only' });
  }
  if (config.smtpMaxConnections < 1) issues.push({ file: 'environment', path: 'SMTP_MAX_CONNECTIONS', message: 'must be at least 1' });
  if (config.threads > MAX_THREADS) issues.push({ file: 'environment', path: 'TRIAGE_THREADS', message: `must be between 0 and ${MAX_THREADS}, got ${config.threads}` });
  if (issues.length > 0) throw new ConfigError(issues);
  return config;

  function pushMailbox(postId: string, url: string, name: string): void {
    try {
      mailboxes.push({ post: postId, account: parseImapUrl(url) });
    } catch (e) {
      issues.push({ file: 'environment', path: name, message: (e as Error).message });
    }
  }
}

/**
 * Nine per pipeline thread on 2 cores (five for replies, four for staff
 * mail), the pool each event loop had before threads; far below the
 * per-client limits of common relays (Postfix allows 50 by default).
 */
const DEFAULT_SMTP_CONNECTIONS = 18;

/** More threads than this only add Redis and SMTP connections: beyond a few cores the work waits on Redis and SMTP. */
const MAX_THREADS = 8;

/** One worker thread per core: a pipeline thread saturates one core at full load. */
function defaultThreads(): number {
  return Math.min(MAX_THREADS, Math.max(1, availableParallelism()));
}

/** `imap[s]://user:pass@host:port/INBOX` -> account; user and password URL-decoded. */
export function parseImapUrl(url: string): ImapAccount {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('not a URL; expected imap[s]://user:pass@host:port/INBOX');
  }
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw new Error(`scheme must be imap or imaps, got ${u.protocol}`);
  if (!u.username) throw new Error('the URL has no user name');
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    folder: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX',
  };
}
