/**
 * Connections to Redis: one node (`REDIS_URL`) or a Redis Cluster
 * (`REDIS_CLUSTER_NODES`, with user, password and TLS from `REDIS_URL`).
 *
 * Every key the pipeline writes, BullMQ's and ours, carries the `{triage}`
 * hash tag (see keys.ts), so on a Cluster they all live in one slot: the
 * multi-key scripts and transactions run unchanged, and the client follows
 * MOVED/ASK redirections when the slot changes hands.
 */
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** Where Redis is; `EnvConfig` is one. */
export interface RedisTarget {
  /** `redis[s]://[user:pass@]host:port[/db]`: the node, or the Cluster's credentials and scheme. */
  redisUrl: string;
  /** `host:port` seed nodes of a Redis Cluster; empty or absent: a single node. */
  redisClusterNodes?: readonly string[];
}

/**
 * A client for the target. `maxRetriesPerRequest: null` unless overridden:
 * BullMQ's workers block on their connections and must wait out an outage.
 */
export function connectRedis(target: RedisTarget, opts: RedisOptions = {}): RedisClient {
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...opts };
  const seeds = target.redisClusterNodes ?? [];
  if (seeds.length === 0) return new Redis(target.redisUrl, options);
  const u = new URL(target.redisUrl);
  const { enableAutoPipelining, ...nodeOptions } = options;
  return new Cluster(seeds.map(parseClusterNode), {
    enableReadyCheck: true,
    ...(enableAutoPipelining ? { enableAutoPipelining } : {}),
    redisOptions: {
      ...nodeOptions,
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

/** `host:port` (or `[v6]:port`) -> ioredis's node; throws a readable error otherwise. */
export function parseClusterNode(text: string): ClusterNode {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/i.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) throw new Error(`"${text}" is not host:port`);
  return { host: m[1] ?? m[2]!, port };
}
