import { InvalidOptionError } from '@docket/core';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../src/checkpointer.js';
import { SqliteStore } from '../src/index.js';
import { newJob, T0, tempDatabase } from './temp-db.js';

/** The store's checkpoint thread, if it started one (private: observed, not driven, by these tests). */
function threadOf(store: SqliteStore): Checkpointer | undefined {
  return (store as unknown as { checkpointer: Checkpointer | undefined }).checkpointer;
}

const NEVER = 3_600_000;

describe('Checkpointer', () => {
  let db: ReturnType<typeof tempDatabase>;
  beforeEach(() => {
    db = tempDatabase();
  });
  afterEach(() => db.remove());

  it('copies the whole WAL into the database file from its own thread', async () => {
    const conn = new Database(db.path);
    conn.pragma('journal_mode = WAL');
    conn.pragma('wal_autocheckpoint = 0');
    conn.exec('CREATE TABLE t (n INTEGER)');
    const insert = conn.prepare('INSERT INTO t (n) VALUES (?)');
    for (let n = 0; n < 50; n++) insert.run(n);
    const errors: unknown[] = [];
    const thread = new Checkpointer(db.path, {
      intervalMs: NEVER,
      busyTimeoutMs: 1000,
      onError: (e) => errors.push(e),
    });
    const result = await thread.checkpoint();
    expect(result.busy).toBe(0);
    expect(result.log).toBeGreaterThanOrEqual(50);
    expect(result.checkpointed).toBe(result.log);
    // Nothing left to copy: the store's own connection finds the work done.
    const [own] = conn.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(own!.checkpointed).toBe(own!.log);
    expect(conn.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 50 });
    await thread.close();
    await expect(thread.checkpoint()).rejects.toThrow(/not running/);
    expect(errors).toEqual([]);
    conn.close();
  });

  it('reports a thread that cannot open the file to onError, and refuses checkpoints', async () => {
    let reported!: (error: unknown) => void;
    const failure = new Promise<unknown>((resolve) => {
      reported = resolve;
    });
    const thread = new Checkpointer(`${db.path}.missing`, {
      intervalMs: NEVER,
      busyTimeoutMs: 1000,
      onError: (e) => reported(e),
    });
    expect(String(await failure)).toMatch(
      /unable to open|does not exist|SQLITE_CANTOPEN|directory does not exist/i,
    );
    await thread.close();
    await expect(thread.checkpoint()).rejects.toThrow(/not running|exited/);
  });
});

describe('SqliteStore background checkpoints', () => {
  let db: ReturnType<typeof tempDatabase>;
  beforeEach(() => {
    db = tempDatabase();
  });
  afterEach(() => db.remove());

  it('starts a checkpoint thread after a few hundred writes on a file it opened, and stops it on close', async () => {
    const store = new SqliteStore({ path: db.path });
    await store.setup();
    const jobs = Array.from({ length: 300 }, () => newJob());
    for (const job of jobs.slice(0, 255)) await store.enqueue({ jobs: [job], now: T0 });
    expect(threadOf(store)).toBeUndefined();
    for (const job of jobs.slice(255)) await store.enqueue({ jobs: [job], now: T0 });
    const thread = threadOf(store);
    expect(thread).toBeDefined();
    const result = await thread!.checkpoint();
    expect(result.checkpointed).toBe(result.log);
    for (const job of [jobs[0]!, jobs[299]!]) {
      expect((await store.getJob({ id: job.id, now: T0 }))?.state).toBe('ready');
    }
    await store.close();
    await expect(thread!.checkpoint()).rejects.toThrow(/not running/);
    // Every job is in the file once both connections closed.
    const reopened = new Database(db.path, { readonly: true });
    expect(reopened.prepare('SELECT COUNT(*) AS n FROM docket_jobs').get()).toEqual({ n: 300 });
    reopened.close();
  });

  it('starts none with backgroundCheckpoint: false, on :memory: or on a handle it was given', async () => {
    const stores = [
      new SqliteStore({ path: db.path }, { backgroundCheckpoint: false }),
      new SqliteStore({ path: ':memory:' }),
      new SqliteStore({ database: new Database(':memory:') }),
    ];
    for (const store of stores) {
      await store.setup();
      for (let i = 0; i < 300; i++) await store.enqueue({ jobs: [newJob()], now: T0 });
      expect(threadOf(store)).toBeUndefined();
      await store.close();
    }
  });

  it('refuses a backgroundCheckpoint that is not a boolean', () => {
    expect(
      () => new SqliteStore({ path: ':memory:' }, { backgroundCheckpoint: 'yes' as unknown as boolean }),
    ).toThrow(InvalidOptionError);
  });
});
