import { silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { newJob } from './fixtures.js';
import { dropSchema, freshSchema, PG_AVAILABLE, PG_URL } from './pg-env.js';

const T0 = Date.UTC(2030, 0, 1);

describe.runIf(PG_AVAILABLE)('PostgresStore under concurrency', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  /** `n` store instances (own pools, as separate processes would have) on one fresh, set-up schema. */
  async function stores(n: number, poolSize = 3): Promise<PostgresStore[]> {
    const schema = freshSchema('dk_conc');
    cleanup.push(() => dropSchema(schema));
    // The first instance commits claims and heartbeats durably, the others asynchronously (the default).
    const list = Array.from(
      { length: n },
      (_, i) =>
        new PostgresStore(
          { connectionString: PG_URL },
          { schema, poolSize, logger: silentLogger, durableLeases: i === 0 },
        ),
    );
    cleanup.push(async () => {
      for (const store of list) await store.close();
    });
    await list[0]!.setup();
    return list;
  }

  it('20 concurrent enqueuers of one unique key on separate connections create exactly one job', async () => {
    const [a, b] = await stores(2, 10);
    for (let round = 0; round < 3; round++) {
      const key = `k${round}`;
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a! : b!).enqueue({
            now: T0,
            jobs: [newJob(`r${round}-${i}`, T0, { unique: { key, period: null } })],
          }),
        ),
      );
      const flat = outcomes.map((o) => o[0]!);
      expect(flat.filter((o) => !o.duplicate)).toHaveLength(1);
      expect(new Set(flat.map((o) => o.id)).size).toBe(1);
    }
    const page = await a!.listJobs({ now: T0, limit: 100 });
    expect(page.jobs).toHaveLength(3);
  });

  it('20 concurrent enqueuers of one caller-supplied id create exactly one job, with or without dependencies', async () => {
    const [a, b] = await stores(2, 10);
    await a!.enqueue({ now: T0, jobs: [newJob('parent', T0)] });
    for (const dependsOn of [[], ['parent']]) {
      const id = `same-${dependsOn.length}`;
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a! : b!).enqueue({
            now: T0,
            jobs: [newJob(id, T0, { dependsOn, payload: `{"i":${i}}` })],
          }),
        ),
      );
      expect(outcomes.map((o) => o[0]!.id)).toEqual(Array(20).fill(id));
      expect(outcomes.filter((o) => !o[0]!.duplicate)).toHaveLength(1);
      const winner = outcomes.findIndex((o) => !o[0]!.duplicate);
      expect((await a!.getJob({ id, now: T0 }))?.payload).toBe(`{"i":${winner}}`);
    }
  });

  it('bulk batches (schema-wide lock) and single-key enqueues racing keep one job per key', async () => {
    const [a, b] = await stores(2, 10);
    const keys = Array.from({ length: 100 }, (_, i) => `key-${i}`);
    const calls = [
      ...Array.from({ length: 4 }, (_, c) =>
        a!.enqueue({
          now: T0,
          jobs: keys.map((key, i) => newJob(`bulk${c}-${i}`, T0, { unique: { key, period: null } })),
        }),
      ),
      ...keys
        .slice(0, 20)
        .map((key, i) =>
          b!.enqueue({ now: T0, jobs: [newJob(`single-${i}`, T0, { unique: { key, period: null } })] }),
        ),
    ];
    await Promise.all(calls);
    const counts = await a!.countJobs({ now: T0 });
    expect(counts).toEqual([{ queue: 'default', state: 'ready', count: 100 }]);
  });

  it('a dependent enqueued while its dependency completes is released, never left waiting', async () => {
    const [worker, client] = await stores(2, 4);
    for (let i = 0; i < 25; i++) {
      await worker!.enqueue({ now: T0, jobs: [newJob(`dep${i}`, T0)] });
      const [claimed] = await worker!.claim({
        queues: ['default'],
        limit: 1,
        now: T0,
        leaseMs: 60_000,
        token: `tok${i}`,
        workerId: 'w',
      });
      expect(claimed?.id).toBe(`dep${i}`);
      const [acked] = await Promise.all([
        worker!.acknowledge({
          now: T0,
          acks: [{ type: 'complete', id: `dep${i}`, token: `tok${i}`, result: null }],
        }),
        client!.enqueue({
          now: T0,
          jobs: [newJob(`child${i}`, T0, { dependsOn: [`dep${i}`], queue: 'children' })],
        }),
      ]);
      expect(acked).toEqual([true]);
      expect((await client!.getJob({ id: `child${i}`, now: T0 }))?.state).toBe('ready');
    }
  });

  it('a dependent enqueued while its dependency fails is cancelled, naming it', async () => {
    const [worker, client] = await stores(2, 4);
    for (let i = 0; i < 25; i++) {
      await worker!.enqueue({ now: T0, jobs: [newJob(`dep${i}`, T0)] });
      await worker!.claim({
        queues: ['default'],
        limit: 1,
        now: T0,
        leaseMs: 60_000,
        token: `t${i}`,
        workerId: 'w',
      });
      await Promise.all([
        worker!.acknowledge({
          now: T0,
          acks: [
            {
              type: 'fail',
              id: `dep${i}`,
              token: `t${i}`,
              retryAt: null,
              error: { attempt: 1, at: T0, message: 'boom' },
            },
          ],
        }),
        client!.enqueue({
          now: T0,
          jobs: [newJob(`child${i}`, T0, { dependsOn: [`dep${i}`], queue: 'children' })],
        }),
      ]);
      const child = await client!.getJob({ id: `child${i}`, now: T0 });
      expect(child?.state).toBe('cancelled');
      expect(child?.cancelReason).toBe(`dependency "dep${i}" failed`);
    }
  });
});
