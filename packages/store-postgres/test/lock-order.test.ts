import { silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { newJob } from './fixtures.js';
import { dropSchema, freshSchema, PG_AVAILABLE, PG_URL } from './pg-env.js';

const T0 = Date.UTC(2030, 0, 1);

describe.runIf(PG_AVAILABLE)('PostgresStore lock order', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('heartbeats, acknowledgements and dependent enqueues over the same jobs in opposite orders never deadlock', async () => {
    const schema = freshSchema('dk_locks');
    cleanup.push(() => dropSchema(schema));
    const store = new PostgresStore(
      { connectionString: PG_URL },
      { schema, poolSize: 6, logger: silentLogger },
    );
    cleanup.push(() => store.close());
    await store.setup();

    for (let round = 0; round < 10; round++) {
      const ids = Array.from({ length: 200 }, (_, i) => `r${round}-${String(i).padStart(3, '0')}`);
      await store.enqueue({ now: T0, jobs: ids.map((id) => newJob(id, T0)) });
      const claimed = await store.claim({
        queues: ['default'],
        limit: 200,
        now: T0,
        leaseMs: 60_000,
        token: `t${round}`,
        workerId: 'w',
      });
      expect(claimed).toHaveLength(200);
      const leases = claimed.map((job) => ({ id: job.id, token: `t${round}` }));
      const reversed = [...leases].reverse();
      const shuffled = [...leases].sort(() => Math.random() - 0.5);
      await Promise.all([
        store.heartbeat({ leases: reversed, now: T0, leaseMs: 60_000 }),
        store.heartbeat({ leases: shuffled, now: T0, leaseMs: 60_000 }),
        store.enqueue({
          now: T0,
          jobs: [newJob(`child-${round}`, T0, { dependsOn: reversed.slice(0, 50).map((l) => l.id) })],
        }),
        store.acknowledge({
          now: T0,
          acks: leases.map((l) => ({ type: 'complete', id: l.id, token: l.token, result: null })),
        }),
        store.acknowledge({
          now: T0,
          acks: shuffled.map((l) => ({ type: 'complete', id: l.id, token: l.token, result: null })),
        }),
      ]);
      const child = await store.getJob({ id: `child-${round}`, now: T0 });
      expect(child?.state).toBe('ready');
    }
  }, 60_000);
});
