import { InvalidNameError, InvalidOptionError } from '@docket/core';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore, withTransaction } from '../src/index.js';
import { newJob, T0, tempDatabase } from './temp-db.js';

async function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SqliteStore on a shared connection and file', () => {
  let file: ReturnType<typeof tempDatabase>;
  let db: Database.Database;
  let store: SqliteStore;
  beforeEach(async () => {
    file = tempDatabase();
    db = new Database(file.path);
    db.pragma('journal_mode = WAL');
    store = new SqliteStore({ database: db });
    await store.setup();
  });
  afterEach(async () => {
    await store.close();
    db.close();
    file.remove();
  });

  it('joins the application transaction: rollback leaves nothing, commit wakes without another call', async () => {
    db.exec('CREATE TABLE orders (id TEXT)');
    const woken: string[][] = [];
    await store.subscribe((queues) => woken.push(queues));

    const rolledBack = newJob({ queue: 'mail' });
    expect(() =>
      db.transaction(() => {
        db.prepare('INSERT INTO orders VALUES (?)').run('o1');
        void store.enqueue({ jobs: [rolledBack], now: T0, tx: db });
        throw new Error('abort');
      })(),
    ).toThrow('abort');
    expect(await store.getJob({ id: rolledBack.id, now: T0 })).toBeNull();

    const committed = newJob({ queue: 'mail' });
    db.transaction(() => {
      db.prepare('INSERT INTO orders VALUES (?)').run('o2');
      void store.enqueue({ jobs: [committed], now: T0, tx: db });
    })();
    expect((await store.getJob({ id: committed.id, now: T0 }))!.state).toBe('ready');
    await until(() => woken.some((qs) => qs.includes('mail')), 'a wake-up after commit');
    expect(woken).toHaveLength(1);
    expect(db.prepare('SELECT id FROM orders').pluck().all()).toEqual(['o2']);
  });

  it('works across awaits with BEGIN/COMMIT, and the store waits for that transaction before its own writes', async () => {
    db.exec('BEGIN IMMEDIATE');
    const job = newJob();
    await store.enqueue({ jobs: [job], now: T0, tx: db });
    let claimed: unknown[] | undefined;
    const claim = store
      .claim({ queues: ['default'], limit: 5, now: T0, leaseMs: 1_000, token: 't', workerId: 'w' })
      .then((jobs) => {
        claimed = jobs;
      });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(claimed).toBeUndefined();
    db.exec('COMMIT');
    await claim;
    expect(claimed).toHaveLength(1);
  });

  it('withTransaction commits or rolls back an async body', async () => {
    const kept = newJob();
    const dropped = newJob();
    await withTransaction(db, async (tx) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await store.enqueue({ jobs: [kept], now: T0, tx });
    });
    await expect(
      withTransaction(db, async (tx) => {
        await store.enqueue({ jobs: [dropped], now: T0, tx });
        await new Promise((resolve) => setTimeout(resolve, 1));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(db.inTransaction).toBe(false);
    expect(await store.getJob({ id: kept.id, now: T0 })).not.toBeNull();
    expect(await store.getJob({ id: dropped.id, now: T0 })).toBeNull();
  });

  it('rejects a foreign handle or a tx outside a transaction', async () => {
    const other = new Database(':memory:');
    other.exec('BEGIN');
    await expect(store.enqueue({ jobs: [newJob()], now: T0, tx: other })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
    other.close();
    await expect(store.enqueue({ jobs: [newJob()], now: T0, tx: db })).rejects.toThrow(
      /not inside a transaction/,
    );
    expect((await store.listJobs({ now: T0, limit: 10 })).jobs).toEqual([]);
  });

  it('keeps two prefixes in one file apart and rejects an unsafe prefix', async () => {
    const other = new SqliteStore({ database: db }, { prefix: 'app2_' });
    await other.setup();
    await store.enqueue({ jobs: [newJob({ queue: 'a' })], now: T0 });
    await other.enqueue({ jobs: [newJob({ queue: 'b' })], now: T0 });
    expect(await store.listQueues()).toEqual([{ name: 'a', paused: false }]);
    expect(await other.listQueues()).toEqual([{ name: 'b', paused: false }]);
    await other.close();
    expect(db.open).toBe(true);
    expect(() => new SqliteStore({ database: db }, { prefix: 'x"; DROP TABLE y; --' })).toThrow(
      InvalidNameError,
    );
  });

  it('hears enqueues from another connection through data_version', async () => {
    const peer = new SqliteStore({ path: file.path }, { pollIntervalMs: 20 });
    await peer.setup();
    const woken: string[][] = [];
    const unsubscribe = await store.subscribe((queues) => woken.push(queues));
    await peer.enqueue({ jobs: [newJob({ queue: 'remote' })], now: T0 });
    await until(() => woken.some((qs) => qs.includes('remote')), 'a cross-connection wake-up');
    await unsubscribe();
    await peer.close();
  });

  it('hands out disjoint claims to connections racing on one file', async () => {
    const peers = await Promise.all(
      [0, 1, 2].map(async () => {
        const peer = new SqliteStore({ path: file.path });
        await peer.setup();
        return peer;
      }),
    );
    await store.enqueue({ jobs: Array.from({ length: 60 }, () => newJob()), now: T0 });
    const claimed = await Promise.all(
      [store, ...peers].flatMap((s, i) =>
        [0, 1, 2, 3, 4].map((k) =>
          s.claim({
            queues: ['default'],
            limit: 4,
            now: T0,
            leaseMs: 1_000,
            token: `t${i}-${k}`,
            workerId: `w${i}`,
          }),
        ),
      ),
    );
    const ids = claimed.flat().map((j) => j.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    for (const peer of peers) await peer.close();
  });
});

describe('SqliteStore options', () => {
  it('needs a path or a database', () => {
    expect(() => new SqliteStore({} as never)).toThrow(InvalidOptionError);
  });

  it('runs on :memory: and rejects calls after close', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.setup();
    await store.setup();
    expect(Math.abs((await store.serverTime()) - Date.now())).toBeLessThan(1_000);
    await store.close();
    await store.close();
    await expect(store.getJob({ id: 'x', now: T0 })).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
