// Removes everything a run created under its namespace, whatever system made it.
// The orchestrator calls it after each child, so a crashed or killed child leaks nothing.
import fs from 'node:fs';
import Redis from 'ioredis';
import pg from 'pg';
import { PG_URL, REDIS_URL, sqlitePath } from './environment.mjs';

const NS_PATTERN = /^bench_[a-z0-9_]+$/;

export async function dropSchema(ns) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(ns)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Deletes the keys of both layouts: docket's `{ns}:…` and BullMQ's `ns:…`. Never FLUSHALL. */
export async function deleteRedisKeys(ns) {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  try {
    for (const pattern of [`{${ns}}*`, `${ns}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

export function deleteSqliteFiles(ns) {
  const file = sqlitePath(ns);
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

/** Cleans the namespace of one store kind; refuses anything that is not a bench name. */
export async function cleanNamespace(store, ns) {
  if (!NS_PATTERN.test(ns)) throw new Error(`refusing to clean non-bench namespace ${ns}`);
  if (store === 'postgres') await dropSchema(ns);
  else if (store === 'redis') await deleteRedisKeys(ns);
  else if (store === 'sqlite') deleteSqliteFiles(ns);
}
