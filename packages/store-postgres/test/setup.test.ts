import { silentLogger } from '@docket/core';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore, SCHEMA_VERSION } from '../src/index.js';
import { dropSchema, freshSchema, PG_AVAILABLE, PG_URL } from './pg-env.js';

describe.runIf(PG_AVAILABLE)('PostgresStore setup (migrations)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('five stores calling setup() at once on one fresh schema end with one correct schema', async () => {
    const schema = freshSchema('dk_setup');
    cleanup.push(() => dropSchema(schema));
    // Odd ones without prepared statements (the pooler-friendly mode).
    const stores = Array.from(
      { length: 5 },
      (_, i) =>
        new PostgresStore(
          { connectionString: PG_URL },
          { schema, poolSize: 2, logger: silentLogger, preparedStatements: i % 2 === 0 },
        ),
    );
    cleanup.push(async () => {
      for (const store of stores) await store.close();
    });

    await Promise.all(stores.map((store) => store.setup()));

    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const migrations = await client.query(
        `SELECT version FROM ${pg.escapeIdentifier(schema)}.migrations ORDER BY version`,
      );
      // Every version once, whichever store applied it.
      expect(migrations.rows.map((r) => r.version)).toEqual(
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
      const tables = await client.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(['jobs', 'migrations', 'queues', 'schedules']);
      const indexes = await client.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1`, [
        schema,
      ]);
      // jobs: pkey + 6 (claim, lease, unique, delete, deps, queue; migration 3 dropped wake and task,
      // migration 4 seq);
      // queues 1; schedules 2; migrations 1.
      expect(indexes.rows[0].n).toBe(11);
    } finally {
      await client.end();
    }

    // And the schema works: a second round of setup is a no-op, and a job round-trips.
    await Promise.all(stores.map((store) => store.setup()));
    const now = Date.now();
    const [outcome] = await stores[0]!.enqueue({
      now,
      jobs: [
        {
          id: 'j1',
          task: 't',
          queue: 'q',
          payload: '{"a":1}',
          priority: 0,
          runAt: now,
          maxAttempts: 3,
          hold: false,
          dependsOn: [],
          unique: null,
          retention: { completed: null, failed: null, cancelled: null, dropPayload: false },
        },
      ],
    });
    expect(outcome).toEqual({ id: 'j1', duplicate: false, state: 'ready' });
    expect((await stores[4]!.getJob({ id: 'j1', now }))?.payload).toBe('{"a":1}');
    const [claimed] = await stores[1]!.claim({
      queues: ['q'],
      limit: 5,
      now,
      leaseMs: 1000,
      token: 'tk',
      workerId: 'w',
    });
    expect(claimed?.id).toBe('j1');
    expect(
      await stores[3]!.acknowledge({
        now,
        acks: [{ type: 'complete', id: 'j1', token: 'tk', result: '"ok"' }],
      }),
    ).toEqual([true]);
    expect((await stores[0]!.getJob({ id: 'j1', now }))?.result).toBe('"ok"');
  });

  it('warns, and keeps working, on a schema migrated by a newer package', async () => {
    const schema = freshSchema('dk_newer');
    cleanup.push(() => dropSchema(schema));
    const warnings: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (_fields: object, message: string) => void warnings.push(message),
    };
    const store = new PostgresStore({ connectionString: PG_URL }, { schema, logger });
    cleanup.push(() => store.close());
    await store.setup();
    expect(warnings).toEqual([]);
    await store.pool.query(
      `INSERT INTO ${pg.escapeIdentifier(schema)}.migrations (version, name) VALUES (${SCHEMA_VERSION + 1}, 'future')`,
    );
    await store.setup();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/newer/);
    expect(await store.getJob({ id: 'none', now: 0 })).toBeNull();
  });

  it('rejects an invalid schema name before touching the server', () => {
    expect(() => new PostgresStore({ connectionString: PG_URL }, { schema: 'bad"; DROP' })).toThrow(
      expect.objectContaining({ code: 'INVALID_NAME' }),
    );
  });

  it('rejects a non-boolean durableLeases or durableAcks before touching the server', () => {
    for (const options of [{ durableAcks: 'no' }, { durableLeases: 1 }]) {
      expect(() => new PostgresStore({ connectionString: PG_URL }, options as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/true or false/) }),
      );
    }
  });

  it('leaves a user-supplied pool open on close', async () => {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
    const schema = freshSchema('dk_pool');
    cleanup.push(async () => {
      await pool.end();
      await dropSchema(schema);
    });
    const store = new PostgresStore({ pool }, { schema, logger: silentLogger });
    await store.setup();
    await store.subscribe(() => {});
    await store.close();
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await expect(store.getJob({ id: 'x', now: 0 })).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
