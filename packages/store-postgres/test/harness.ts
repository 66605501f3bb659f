import type { StorageHarness } from '@docket/conformance';
import { silentLogger } from '@docket/core';
import pg from 'pg';
import { PostgresStore } from '../src/index.js';
import { dropSchema, freshSchema, PG_URL } from './pg-env.js';

/** A pool the test owns (the store must leave it open), with idle-connection errors absorbed. */
export function testPool(max = 5): pg.Pool {
  const pool = new pg.Pool({ connectionString: PG_URL, max });
  pool.on('error', () => {});
  return pool;
}

const pools = new WeakMap<PostgresStore, pg.Pool[]>();

/**
 * The conformance harness: each store gets a fresh random schema on its own
 * pool; `connect` opens a second store with its own pool on the same schema,
 * as another process would; `destroy` drops the schema and ends the pools.
 */
export const postgresHarness: StorageHarness<PostgresStore> = {
  async create() {
    const pool = testPool();
    const store = new PostgresStore({ pool }, { schema: freshSchema(), logger: silentLogger });
    pools.set(store, [pool]);
    return store;
  },
  async connect(store) {
    const pool = testPool();
    pools.get(store)!.push(pool);
    return new PostgresStore({ pool }, { schema: store.schema, logger: silentLogger });
  },
  async destroy(store) {
    for (const pool of pools.get(store) ?? []) await pool.end();
    await dropSchema(store.schema);
  },
  async transaction(store, fn) {
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        await fn(client);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  },
};
