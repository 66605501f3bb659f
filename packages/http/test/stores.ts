import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Storage, silentLogger } from '@docket/core';
import { PostgresStore } from '@docket/store-postgres';
import { SqliteStore } from '@docket/store-sqlite';
import { dropSchema, freshSchema, PG_URL } from './pg-env.js';

/** A fresh, isolated store and how to delete what it made (after the store is closed). */
export interface StoreFixture {
  store: Storage;
  destroy(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreFixture>;

/** A store on a new SQLite file in a temp directory. */
export const sqliteStore: StoreFactory = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-http-'));
  return {
    store: new SqliteStore({ path: join(dir, 'docket.db') }),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

/** A store in a new random Postgres schema, dropped afterwards. */
export const postgresStore: StoreFactory = async () => {
  const schema = freshSchema();
  return {
    store: new PostgresStore({ connectionString: PG_URL }, { schema, logger: silentLogger }),
    destroy: () => dropSchema(schema),
  };
};
