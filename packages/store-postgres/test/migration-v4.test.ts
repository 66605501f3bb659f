import { silentLogger } from '@docket/core';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { MIGRATIONS } from '../src/migrations.js';
import { dropSchema, freshSchema, PG_AVAILABLE, PG_URL } from './pg-env.js';

describe.runIf(PG_AVAILABLE)('PostgresStore migration 4 on a schema holding version 3 data', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('keeps every job where it was: the rescuer finds v3 leases, claims take only ready jobs, acks apply', async () => {
    const schema = freshSchema('dk_v3data');
    cleanup.push(() => dropSchema(schema));
    const s = pg.escapeIdentifier(schema);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    cleanup.push(() => client.end());
    await client.query(`CREATE SCHEMA ${s}`);
    await client.query(
      `CREATE TABLE ${s}.migrations (version integer PRIMARY KEY, name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    for (const migration of MIGRATIONS.filter((m) => m.version <= 3)) {
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    const now = 1_700_000_000_000;
    // As a version 3 store leaves them: a job claimed by a worker that died, a ready one, a held one, a completed one.
    await client.query(
      `INSERT INTO ${s}.jobs (id, task, queue, state, payload, priority, run_at, created_at, max_attempts, held,
         attempts, started_at, lease_token, lease_expires_at, worker_id, finished_at, delete_at, result)
       VALUES ('lost', 't', 'q', 'active', '{}', 0, $1::int8, $1, 3, false, 1, $1, 'tk', $1::int8 + 1000, 'w', NULL, NULL, NULL),
              ('ready', 't', 'q', 'ready', '{}', 0, $1, $1, 3, false, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              ('held', 't', 'q', 'waiting', '{}', 0, $1, $1, 3, true, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              ('done', 't', 'q', 'completed', '{}', 0, $1, $1, 3, false, 1, $1, NULL, NULL, NULL, $1, NULL, '7')`,
      [now],
    );

    const store = new PostgresStore({ connectionString: PG_URL }, { schema, logger: silentLogger });
    cleanup.push(() => store.close());
    await store.setup();

    const versions = await client.query(`SELECT version FROM ${s}.migrations ORDER BY version`);
    expect(versions.rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
    const indexes = await client.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1`, [schema]);
    expect(indexes.rows.map((r) => r.indexname)).not.toContain('jobs_lease_idx');

    expect(await store.listExpiredLeases({ now: now + 999, limit: 10 })).toEqual([]);
    const expired = await store.listExpiredLeases({ now: now + 1000, limit: 10 });
    expect(expired.map((j) => [j.id, j.state, j.leaseToken])).toEqual([['lost', 'active', 'tk']]);

    const claimed = await store.claim({
      queues: ['q'],
      limit: 10,
      now: now + 5,
      leaseMs: 500,
      token: 'tk2',
      workerId: 'w2',
    });
    expect(claimed.map((j) => j.id)).toEqual(['ready']);
    expect(claimed[0]).toMatchObject({
      state: 'active',
      attempts: 1,
      startedAt: now + 5,
      leaseToken: 'tk2',
      leaseExpiresAt: now + 505,
      workerId: 'w2',
      held: false,
      dependsOn: [],
      errors: [],
      finishedAt: null,
      deleteAt: null,
    });
    expect(await store.getJob({ id: 'ready', now: now + 5 })).toEqual(claimed[0]);

    // The old lease is still fenced by its token; the new claim's ack applies.
    expect(
      await store.acknowledge({
        now: now + 10,
        acks: [
          { type: 'complete', id: 'lost', token: 'wrong', result: null },
          { type: 'complete', id: 'ready', token: 'tk2', result: '1' },
        ],
      }),
    ).toEqual([false, true]);
    expect((await store.getJob({ id: 'held', now: now + 10 }))?.state).toBe('waiting');
    expect((await store.getJob({ id: 'done', now: now + 10 }))?.result).toBe('7');
    expect(await store.nextRunAt({ queues: ['q'], now: now + 10 })).toBeNull();
  });
});
