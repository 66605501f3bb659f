import { silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { newJob } from './fixtures.js';
import { dropSchema, freshSchema, PG_AVAILABLE, PG_URL } from './pg-env.js';

const T0 = Date.UTC(2030, 0, 1);

describe.runIf(PG_AVAILABLE)('PostgresStore with clocks a little apart', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('a ready job not yet due on a lagging worker clock is its next wake-up, not a missed job', async () => {
    const schema = freshSchema('dk_skew');
    cleanup.push(() => dropSchema(schema));
    const store = new PostgresStore({ connectionString: PG_URL }, { schema, logger: silentLogger });
    cleanup.push(() => store.close());
    await store.setup();

    // Enqueued ready by a process whose clock reads T0 + 5.
    const [outcome] = await store.enqueue({ now: T0 + 5, jobs: [newJob('j', T0 + 5)] });
    expect(outcome?.state).toBe('ready');

    // A worker whose clock reads T0 cannot claim it yet, and must wake at T0 + 5, not at its next poll.
    const claim = (now: number) =>
      store.claim({ queues: ['default'], limit: 1, now, leaseMs: 1000, token: `t${now}`, workerId: 'w' });
    expect(await claim(T0)).toEqual([]);
    expect(await store.nextRunAt({ queues: ['default'], now: T0 })).toBe(T0 + 5);
    expect((await claim(T0 + 5)).map((job) => job.id)).toEqual(['j']);
    expect(await store.nextRunAt({ queues: ['default'], now: T0 + 5 })).toBeNull();
  });
});
