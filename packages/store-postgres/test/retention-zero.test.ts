import { silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { newJob } from './fixtures.js';
import { dropSchema, freshSchema, PG_AVAILABLE, PG_URL } from './pg-env.js';

const T0 = Date.UTC(2030, 0, 1);
const KEEP_NONE = { completed: 0, failed: null, cancelled: null, dropPayload: false };

describe.runIf(PG_AVAILABLE)('PostgresStore completed retention 0 (delete on complete)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function store(options: { durableAcks?: boolean } = {}): Promise<PostgresStore> {
    const schema = freshSchema('dk_ret0');
    cleanup.push(() => dropSchema(schema));
    const s = new PostgresStore(
      { connectionString: PG_URL },
      { schema, poolSize: 3, logger: silentLogger, ...options },
    );
    cleanup.push(() => s.close());
    await s.setup();
    return s;
  }

  async function claimAll(s: PostgresStore, token: string) {
    return s.claim({ queues: ['default'], limit: 100, now: T0, leaseMs: 60_000, token, workerId: 'w' });
  }

  it('deletes a completed job at once, fenced, on both acknowledgement paths', async () => {
    for (const durableAcks of [true, false]) {
      const s = await store({ durableAcks });
      await s.enqueue({
        now: T0,
        jobs: [
          newJob('a', T0, { retention: KEEP_NONE }),
          newJob('b', T0, { retention: KEEP_NONE }),
          newJob('c', T0),
        ],
      });
      expect(await claimAll(s, 't1')).toHaveLength(3);
      // A stale token changes nothing, retention 0 or not.
      const stale = await s.acknowledge({
        now: T0,
        acks: [{ type: 'complete', id: 'a', token: 'other', result: null }],
      });
      expect(stale).toEqual([false]);
      expect((await s.getJob({ id: 'a', now: T0 }))?.state).toBe('active');
      // Only completes: the complete_jobs() path.
      const done = await s.acknowledge({
        now: T0,
        acks: [
          { type: 'complete', id: 'a', token: 't1', result: '1' },
          { type: 'complete', id: 'c', token: 't1', result: '3' },
        ],
      });
      expect(done).toEqual([true, true]);
      expect(await s.getJob({ id: 'a', now: T0 })).toBeNull();
      const kept = await s.getJob({ id: 'c', now: T0 });
      expect(kept?.state).toBe('completed');
      expect(kept?.result).toBe('3');
      // A batch mixing types: the acknowledge() path.
      await s.enqueue({ now: T0, jobs: [newJob('d', T0)] });
      expect(await claimAll(s, 't2')).toHaveLength(1);
      const mixed = await s.acknowledge({
        now: T0,
        acks: [
          { type: 'complete', id: 'b', token: 't1', result: null },
          {
            type: 'fail',
            id: 'd',
            token: 't2',
            error: { message: 'boom', attempt: 1, at: T0 },
            retryAt: null,
          },
          { type: 'complete', id: 'b', token: 't1', result: null },
        ],
      });
      expect(mixed).toEqual([true, true, false]);
      expect(await s.getJob({ id: 'b', now: T0 })).toBeNull();
      expect((await s.getJob({ id: 'd', now: T0 }))?.state).toBe('failed');
    }
  });

  it('still releases dependents, and keeps a job with a unique key for its period', async () => {
    const s = await store();
    await s.enqueue({
      now: T0,
      jobs: [
        newJob('parent', T0, { retention: KEEP_NONE }),
        newJob('child', T0, { dependsOn: ['parent'] }),
        newJob('u', T0, { retention: KEEP_NONE, unique: { key: 'k', period: 60_000 } }),
      ],
    });
    expect((await s.getJob({ id: 'child', now: T0 }))?.state).toBe('waiting');
    const claimed = await claimAll(s, 't');
    expect(claimed.map((j) => j.id).sort()).toEqual(['parent', 'u']);
    expect(
      await s.acknowledge({
        now: T0,
        acks: claimed.map((j) => ({ type: 'complete', id: j.id, token: 't', result: null })),
      }),
    ).toEqual([true, true]);
    expect(await s.getJob({ id: 'parent', now: T0 })).toBeNull();
    expect((await s.getJob({ id: 'child', now: T0 }))?.state).toBe('ready');
    expect((await s.getJob({ id: 'u', now: T0 }))?.state).toBe('completed');
    const [again] = await s.enqueue({
      now: T0 + 1,
      jobs: [newJob('u2', T0, { retention: KEEP_NONE, unique: { key: 'k', period: 60_000 } })],
    });
    expect(again).toMatchObject({ id: 'u', duplicate: true });
  });
});
