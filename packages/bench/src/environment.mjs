// Connection settings shared by every bench process (same variables as the tests).
import os from 'node:os';
import path from 'node:path';

export const PG_URL = process.env.DOCKET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.DOCKET_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The SQLite file of a namespace; -wal and -shm live next to it. */
export function sqlitePath(ns) {
  return path.join(os.tmpdir(), `${ns}.db`);
}

/** A fresh namespace name: valid as a Postgres schema, a Redis prefix and a file name. */
export function freshNamespace() {
  return `bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
