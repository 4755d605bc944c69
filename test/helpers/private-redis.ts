/** A private redis-server for one test file, with a state store on it; started before the file's tests, stopped after. */
import { afterAll, beforeAll } from 'vitest';
import { connectRedis, type RedisClient } from '../../src/adapters/redis/connect.js';
import { TriageStore } from '../../src/adapters/redis/triage-store.js';
import { startRedis, type RedisHandle } from '../../src/devstack/redis-server.js';

export interface PrivateRedis {
  readonly redis: RedisHandle;
  readonly conn: RedisClient;
  readonly store: TriageStore;
}

export function usePrivateRedis(): PrivateRedis {
  const s = {} as { redis: RedisHandle; conn: RedisClient; store: TriageStore };
  beforeAll(async () => {
    s.redis = await startRedis();
    s.conn = connectRedis({ redisUrl: s.redis.url }, { maxRetriesPerRequest: 3 });
    s.store = new TriageStore(s.conn);
  });
  afterAll(async () => {
    s.conn?.disconnect();
    await s.redis?.stop();
  });
  return s;
}
