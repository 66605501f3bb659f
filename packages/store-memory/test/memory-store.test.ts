import { InvalidOptionError, JobNotFoundError, NotSupportedError } from '@docket/core';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { attemptError, claimOf, claimOne, newJob, T0 } from './fixtures.js';

describe('MemoryStore: lifecycle', () => {
  it('declares its capabilities', () => {
    expect(new MemoryStore().capabilities).toEqual({
      transactions: false,
      pushNotifications: true,
      multiProcess: false,
      timePrecisionMs: 1,
    });
  });

  it('setup and close are idempotent; serverTime reads the given clock', async () => {
    const store = new MemoryStore({ clock: { now: () => 1234 } });
    await store.setup();
    await store.setup();
    expect(await store.serverTime()).toBe(1234);
    await store.close();
    await store.close();
  });

  it('rejects unknown options and a clock without now()', () => {
    expect(() => new MemoryStore({ nope: 1 } as never)).toThrow(InvalidOptionError);
    expect(() => new MemoryStore({ clock: {} as never })).toThrow(InvalidOptionError);
    expect(() => new MemoryStore(null as never)).toThrow(InvalidOptionError);
  });

  it('serverTime defaults to Date.now()', async () => {
    const before = Date.now();
    const time = await new MemoryStore().serverTime();
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });
});

describe('MemoryStore: enqueue', () => {
  it('sets the initial state from hold, runAt and dependencies', async () => {
    const store = new MemoryStore();
    const [ready, scheduled, held] = await store.enqueue({
      now: T0,
      jobs: [newJob(), newJob({ runAt: T0 + 1 }), newJob({ hold: true, runAt: T0 + 5 })],
    });
    expect([ready!.state, scheduled!.state, held!.state]).toEqual(['ready', 'scheduled', 'waiting']);
    const record = await store.getJob({ id: held!.id, now: T0 });
    expect(record).toMatchObject({ state: 'waiting', held: true, attempts: 0, createdAt: T0, runAt: T0 + 5 });
    expect(await store.getJob({ id: scheduled!.id, now: T0 + 1 })).toMatchObject({ state: 'ready' });
  });

  it('rejects a transaction handle', async () => {
    await expect(new MemoryStore().enqueue({ now: T0, jobs: [newJob()], tx: {} })).rejects.toBeInstanceOf(
      NotSupportedError,
    );
  });

  it('returns the existing job for a duplicate id, writing nothing', async () => {
    const store = new MemoryStore();
    const first = newJob();
    await store.enqueue({ now: T0, jobs: [first] });
    const [dup] = await store.enqueue({ now: T0, jobs: [{ ...first, payload: '"other"' }] });
    expect(dup).toEqual({ id: first.id, duplicate: true, state: 'ready' });
    expect((await store.getJob({ id: first.id, now: T0 }))!.payload).toBe(first.payload);
  });

  it('deduplicates by task and unique key while not terminal, then within period', async () => {
    const store = new MemoryStore();
    const unique = { key: 'k', period: 1000 };
    const [a] = await store.enqueue({ now: T0, jobs: [newJob({ unique })] });
    const [b, other] = await store.enqueue({
      now: T0,
      jobs: [newJob({ unique }), newJob({ unique, task: 'task-b' })],
    });
    expect(b).toEqual({ id: a!.id, duplicate: true, state: 'ready' });
    expect(other!.duplicate).toBe(false);

    const claimed = await claimOne(store);
    expect(claimed.id).toBe(a!.id);
    await store.acknowledge({
      now: T0 + 10,
      acks: [{ type: 'complete', id: a!.id, token: 'tok-1', result: null }],
    });
    const [within] = await store.enqueue({ now: T0 + 1009, jobs: [newJob({ unique })] });
    expect(within).toEqual({ id: a!.id, duplicate: true, state: 'completed' });
    const [after] = await store.enqueue({ now: T0 + 1010, jobs: [newJob({ unique })] });
    expect(after!.duplicate).toBe(false);
  });

  it('without a period, a terminal holder no longer blocks its key', async () => {
    const store = new MemoryStore();
    const unique = { key: 'k', period: null };
    const [a] = await store.enqueue({ now: T0, jobs: [newJob({ unique })] });
    await store.cancelJob({ id: a!.id, reason: 'x', now: T0 });
    const [b] = await store.enqueue({ now: T0, jobs: [newJob({ unique })] });
    expect(b!.duplicate).toBe(false);
    expect(b!.id).not.toBe(a!.id);
  });

  it('gives a later duplicate of the same batch the earlier job id', async () => {
    const store = new MemoryStore();
    const unique = { key: 'same', period: null };
    const [a, b] = await store.enqueue({ now: T0, jobs: [newJob({ unique }), newJob({ unique })] });
    expect(b).toEqual({ id: a!.id, duplicate: true, state: 'ready' });
  });

  it('throws JobNotFoundError for an unknown dependency and writes nothing of the batch', async () => {
    const store = new MemoryStore();
    const good = newJob();
    const bad = newJob({ dependsOn: ['nope'] });
    const error = await store.enqueue({ now: T0, jobs: [good, bad] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobNotFoundError);
    expect((error as JobNotFoundError).jobId).toBe('nope');
    expect(await store.getJob({ id: good.id, now: T0 })).toBeNull();
    expect(await store.listQueues()).toEqual([]);
  });

  it('allows a dependency on an earlier job of the batch, not a later one', async () => {
    const store = new MemoryStore();
    const parent = newJob();
    const child = newJob({ dependsOn: [parent.id] });
    await expect(store.enqueue({ now: T0, jobs: [child, parent] })).rejects.toBeInstanceOf(JobNotFoundError);
    const outcomes = await store.enqueue({ now: T0, jobs: [parent, child] });
    expect(outcomes.map((o) => o.state)).toEqual(['ready', 'waiting']);
  });

  it('a dependency on a batch duplicate waits on the job it resolved to', async () => {
    const store = new MemoryStore();
    const unique = { key: 'u', period: null };
    const [existing] = await store.enqueue({ now: T0, jobs: [newJob({ unique, hold: true })] });
    const dup = newJob({ unique });
    const child = newJob({ dependsOn: [dup.id] });
    const [, childOutcome] = await store.enqueue({ now: T0, jobs: [dup, child] });
    expect(childOutcome!.state).toBe('waiting');
    expect((await store.getJob({ id: child.id, now: T0 }))!.dependsOn).toEqual([existing!.id]);
  });

  it('copies its input: mutating the NewJob afterwards changes nothing', async () => {
    const store = new MemoryStore();
    const parent = newJob();
    const job = newJob({ dependsOn: [parent.id] });
    await store.enqueue({ now: T0, jobs: [parent, job] });
    job.dependsOn.push('mutated');
    job.retention.dropPayload = true;
    const record = await store.getJob({ id: job.id, now: T0 });
    expect(record!.dependsOn).toEqual([parent.id]);
    expect(record!.retention.dropPayload).toBe(false);
  });
});

describe('MemoryStore: claim', () => {
  it('orders by priority desc, runAt asc, enqueue order', async () => {
    const store = new MemoryStore();
    const jobs = [
      newJob({ id: 'low', priority: -1, runAt: T0 - 100 }),
      newJob({ id: 'late', runAt: T0 - 1 }),
      newJob({ id: 'early-2', runAt: T0 - 10 }),
      newJob({ id: 'early-1', runAt: T0 - 10 }),
      newJob({ id: 'high', priority: 5 }),
      newJob({ id: 'future', priority: 9, runAt: T0 + 1 }),
    ];
    await store.enqueue({ now: T0 - 200, jobs });
    const claimed = await store.claim(claimOf(['default'], T0, 10));
    expect(claimed.map((j) => j.id)).toEqual(['high', 'early-2', 'early-1', 'late', 'low']);
  });

  it('promotes scheduled jobs when due, in rule-2 order with ready ones', async () => {
    const store = new MemoryStore();
    await store.enqueue({
      now: T0,
      jobs: [newJob({ id: 'now' }), newJob({ id: 'soon', runAt: T0 + 50, priority: 1 })],
    });
    expect(await store.nextRunAt({ queues: ['default'], now: T0 })).toBe(T0 + 50);
    const claimed = await store.claim(claimOf(['default'], T0 + 50, 2));
    expect(claimed.map((j) => j.id)).toEqual(['soon', 'now']);
    expect(await store.nextRunAt({ queues: ['default'], now: T0 + 50 })).toBeNull();
  });

  it('activates with attempts+1, token, lease and startedAt', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob()] });
    const job = await claimOne(store, 'default', T0 + 5);
    expect(job).toMatchObject({
      state: 'active',
      attempts: 1,
      leaseToken: 'tok-1',
      leaseExpiresAt: T0 + 5 + 30_000,
      startedAt: T0 + 5,
      workerId: 'worker-1',
    });
    expect(await store.claim(claimOf(['default'], T0 + 5))).toEqual([]);
  });

  it('serves queues in the order given and skips paused ones', async () => {
    const store = new MemoryStore();
    await store.enqueue({
      now: T0,
      jobs: [
        newJob({ id: 'a1', queue: 'a' }),
        newJob({ id: 'b1', queue: 'b' }),
        newJob({ id: 'a2', queue: 'a' }),
      ],
    });
    const first = await store.claim(claimOf(['b', 'a'], T0, 2));
    expect(first.map((j) => j.id)).toEqual(['b1', 'a1']);
    await store.setQueuePaused({ queue: 'a', paused: true, now: T0 });
    expect(await store.claim(claimOf(['a'], T0, 5))).toEqual([]);
    expect(await store.nextRunAt({ queues: ['a'], now: T0 })).toBeNull();
    await store.setQueuePaused({ queue: 'a', paused: false, now: T0 });
    expect((await store.claim(claimOf(['a'], T0, 5))).map((j) => j.id)).toEqual(['a2']);
  });

  it('gives concurrent claimers disjoint sets', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: Array.from({ length: 50 }, () => newJob()) });
    const batches = await Promise.all(
      Array.from({ length: 7 }, (_, i) => store.claim(claimOf(['default'], T0, 8, `t${i}`))),
    );
    const ids = batches.flat().map((j) => j.id);
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
  });

  it('stops at limit across queues and ignores unknown and repeated queue names', async () => {
    const store = new MemoryStore();
    await store.enqueue({
      now: T0,
      jobs: [
        newJob({ id: 'a1', queue: 'a' }),
        newJob({ id: 'a2', queue: 'a' }),
        newJob({ id: 'b1', queue: 'b' }),
      ],
    });
    const first = await store.claim(claimOf(['nope', 'a', 'a', 'b'], T0, 2));
    expect(first.map((j) => j.id)).toEqual(['a1', 'a2']);
    const rest = await store.claim(claimOf(['a', 'b', 'b'], T0, 5));
    expect(rest.map((j) => j.id)).toEqual(['b1']);
  });

  it('never claims a job not yet due even when the caller clock goes backwards', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x', runAt: T0 })] });
    expect(await store.claim(claimOf(['default'], T0 - 1))).toEqual([]);
    expect(await store.nextRunAt({ queues: ['default'], now: T0 - 1 })).toBe(T0);
    expect((await claimOne(store)).id).toBe('x');
  });
});

describe('MemoryStore: heartbeat and acknowledge (fenced)', () => {
  it('renews only leases still held under their token', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x' })] });
    await claimOne(store);
    const renewed = await store.heartbeat({
      now: T0 + 100,
      leaseMs: 1000,
      leases: [
        { id: 'x', token: 'tok-1' },
        { id: 'x', token: 'stale' },
        { id: 'missing', token: 'tok-1' },
      ],
    });
    expect(renewed).toEqual([true, false, false]);
    expect((await store.getJob({ id: 'x', now: T0 }))!.leaseExpiresAt).toBe(T0 + 1100);
  });

  it('applies each ack on its own: a stale one changes nothing and fails no other', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'a' }), newJob({ id: 'b' })] });
    await store.claim(claimOf(['default'], T0, 2));
    const results = await store.acknowledge({
      now: T0 + 1,
      acks: [
        { type: 'complete', id: 'a', token: 'wrong', result: '1' },
        { type: 'complete', id: 'b', token: 'tok-1', result: '{"ok":true}' },
        { type: 'complete', id: 'b', token: 'tok-1', result: '2' },
      ],
    });
    expect(results).toEqual([false, true, false]);
    expect((await store.getJob({ id: 'a', now: T0 + 1 }))!.state).toBe('active');
    expect(await store.getJob({ id: 'b', now: T0 + 1 })).toMatchObject({
      state: 'completed',
      result: '{"ok":true}',
      finishedAt: T0 + 1,
      leaseToken: null,
      leaseExpiresAt: null,
    });
  });

  it('complete sets deleteAt from retention and drops the payload when asked', async () => {
    const store = new MemoryStore();
    const retention = { completed: 500, failed: null, cancelled: null, dropPayload: true };
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x', retention })] });
    await claimOne(store);
    await store.acknowledge({
      now: T0 + 7,
      acks: [{ type: 'complete', id: 'x', token: 'tok-1', result: null }],
    });
    expect(await store.getJob({ id: 'x', now: T0 + 7 })).toMatchObject({ payload: null, deleteAt: T0 + 507 });
  });

  it('fail records the error, then retrying at retryAt or failed', async () => {
    const store = new MemoryStore();
    const retention = { completed: null, failed: 100, cancelled: null, dropPayload: true };
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x', retention })] });
    await claimOne(store);
    await store.acknowledge({
      now: T0,
      acks: [{ type: 'fail', id: 'x', token: 'tok-1', error: attemptError(1), retryAt: T0 + 60 }],
    });
    expect(await store.getJob({ id: 'x', now: T0 })).toMatchObject({
      state: 'retrying',
      runAt: T0 + 60,
      attempts: 1,
      leaseToken: null,
      errors: [attemptError(1)],
    });
    expect(await store.nextRunAt({ queues: ['default'], now: T0 })).toBe(T0 + 60);
    expect((await store.getJob({ id: 'x', now: T0 + 60 }))!.state).toBe('ready');
    await claimOne(store, 'default', T0 + 60, 'tok-2');
    await store.acknowledge({
      now: T0 + 61,
      acks: [{ type: 'fail', id: 'x', token: 'tok-2', error: attemptError(2), retryAt: null }],
    });
    const failed = await store.getJob({ id: 'x', now: T0 + 61 });
    expect(failed).toMatchObject({ state: 'failed', attempts: 2, finishedAt: T0 + 61, deleteAt: T0 + 161 });
    expect(failed!.errors.map((e) => e.attempt)).toEqual([1, 2]);
    expect(failed!.payload).not.toBeNull();
  });

  it('fail with requireExpired applies only once the lease has expired', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x' })] });
    await claimOne(store);
    const rescue = (now: number) =>
      store.acknowledge({
        now,
        acks: [
          {
            type: 'fail',
            id: 'x',
            token: 'tok-1',
            error: attemptError(1, 'lease expired'),
            retryAt: now,
            requireExpired: true,
          },
        ],
      });
    expect(await store.listExpiredLeases({ now: T0 + 29_999, limit: 10 })).toEqual([]);
    expect(await rescue(T0 + 29_999)).toEqual([false]);
    const [expired] = await store.listExpiredLeases({ now: T0 + 30_000, limit: 10 });
    expect(expired).toMatchObject({ id: 'x', state: 'active', leaseToken: 'tok-1' });
    expect(await rescue(T0 + 30_000)).toEqual([true]);
    expect((await store.getJob({ id: 'x', now: T0 + 30_000 }))!.state).toBe('ready');
  });

  it('listExpiredLeases returns the oldest expiry first, at most limit', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'a' }), newJob({ id: 'b' }), newJob({ id: 'c' })] });
    await store.claim(claimOf(['default'], T0, 3));
    await store.heartbeat({ now: T0, leaseMs: 10, leases: [{ id: 'b', token: 'tok-1' }] });
    await store.heartbeat({ now: T0, leaseMs: 20, leases: [{ id: 'a', token: 'tok-1' }] });
    const expired = await store.listExpiredLeases({ now: T0 + 40_000, limit: 2 });
    expect(expired.map((j) => j.id)).toEqual(['b', 'a']);
  });

  it('snooze and release give the attempt back', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 's' }), newJob({ id: 'r' })] });
    await store.claim(claimOf(['default'], T0, 2));
    await store.acknowledge({
      now: T0,
      acks: [
        { type: 'snooze', id: 's', token: 'tok-1', runAt: T0 + 10 },
        { type: 'release', id: 'r', token: 'tok-1' },
      ],
    });
    expect(await store.getJob({ id: 's', now: T0 })).toMatchObject({
      state: 'scheduled',
      attempts: 0,
      runAt: T0 + 10,
    });
    expect(await store.getJob({ id: 'r', now: T0 })).toMatchObject({
      state: 'ready',
      attempts: 0,
      runAt: T0,
      leaseToken: null,
    });
  });

  it('cancel by the handler ends the job cancelled with its reason', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x' })] });
    await claimOne(store);
    await store.acknowledge({
      now: T0,
      acks: [{ type: 'cancel', id: 'x', token: 'tok-1', reason: 'no need' }],
    });
    expect(await store.getJob({ id: 'x', now: T0 })).toMatchObject({
      state: 'cancelled',
      cancelReason: 'no need',
    });
  });

  it('rejects the stale ack of a rescued and re-claimed job', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x' })] });
    await claimOne(store);
    const later = T0 + 30_000;
    await store.acknowledge({
      now: later,
      acks: [
        {
          type: 'fail',
          id: 'x',
          token: 'tok-1',
          error: attemptError(1),
          retryAt: later,
          requireExpired: true,
        },
      ],
    });
    await claimOne(store, 'default', later, 'tok-2');
    const stale = await store.acknowledge({
      now: later,
      acks: [{ type: 'complete', id: 'x', token: 'tok-1', result: null }],
    });
    expect(stale).toEqual([false]);
    expect(await store.getJob({ id: 'x', now: later })).toMatchObject({ state: 'active', attempts: 2 });
  });

  it('renews a lease that expired but was not rescued yet', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x' })] });
    await claimOne(store);
    const late = T0 + 60_000;
    expect(
      await store.heartbeat({ now: late, leaseMs: 1000, leases: [{ id: 'x', token: 'tok-1' }] }),
    ).toEqual([true]);
    expect(await store.listExpiredLeases({ now: late, limit: 5 })).toEqual([]);
  });
});
