import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { newJob, T0, tempDatabase } from './temp-db.js';

describe('SqliteStore migrations', () => {
  const file = tempDatabase();
  afterEach(() => file.remove());

  it('records each version once, keeps data across setups, and refuses a newer schema', async () => {
    const first = new SqliteStore({ path: file.path });
    await first.setup();
    const job = newJob();
    await first.enqueue({ jobs: [job], now: T0 });
    const second = new SqliteStore({ path: file.path });
    await second.setup();
    await second.setup();
    expect((await second.getJob({ id: job.id, now: T0 }))!.id).toBe(job.id);

    const db = new Database(file.path);
    expect(db.prepare('SELECT version FROM docket_migrations').pluck().all()).toEqual([1, 2]);
    db.prepare("INSERT INTO docket_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    const third = new SqliteStore({ path: file.path });
    await expect(third.setup()).rejects.toThrow(/schema version 99, newer than/);
    for (const store of [first, second, third]) await store.close();
  });
});
