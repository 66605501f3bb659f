import { InvalidStateError, JobNotFoundError } from '@docket/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { newJob, T0, tempDatabase } from './temp-db.js';

const LEASE = 30_000;

describe('SqliteStore job transitions', () => {
  let db: ReturnType<typeof tempDatabase>;
  let store: SqliteStore;
  beforeEach(async () => {
    db = tempDatabase();
    store = new SqliteStore({ path: db.path });
    await store.setup();
  });
  afterEach(async () => {
    await store.close();
    db.remove();
  });

  it('applies a batch of completes per ack: fenced, in order with other acks, releasing dependents', async () => {
    const [a, b, c, d] = [newJob(), newJob(), newJob(), newJob()];
    const waiter = newJob({ dependsOn: [a.id, b.id] });
    const [dupe] = await store
      .enqueue({ jobs: [a, b, c, d, waiter, { ...newJob(), id: a.id }], now: T0 })
      .then((o) => o.slice(5));
    expect(dupe).toEqual({ id: a.id, duplicate: true, state: 'ready' });
    const claimed = await store.claim({
      queues: ['default'],
      limit: 4,
      now: T0,
      leaseMs: LEASE,
      token: 't',
      workerId: 'w',
    });
    expect(claimed.map((j) => j.id).sort()).toEqual([a.id, b.id, c.id, d.id].sort());
    const results = await store.acknowledge({
      acks: [
        { type: 'complete', id: a.id, token: 't', result: '{"r":1}' },
        { type: 'complete', id: b.id, token: 'stale', result: null },
        { type: 'complete', id: c.id, token: 't', result: null },
        { type: 'complete', id: a.id, token: 't', result: null },
        { type: 'release', id: d.id, token: 't' },
        { type: 'complete', id: b.id, token: 't', result: null },
        { type: 'complete', id: d.id, token: 't', result: null },
      ],
      now: T0 + 1,
    });
    expect(results).toEqual([true, false, true, false, true, true, false]);
    expect((await store.getJob({ id: a.id, now: T0 + 1 }))!.result).toBe('{"r":1}');
    expect((await store.getJob({ id: d.id, now: T0 + 1 }))!.state).toBe('ready');
    expect((await store.getJob({ id: waiter.id, now: T0 + 1 }))!.state).toBe('ready');
  });

  it('inserts large plain batches by the hundred, with the outcomes of one insert per job', async () => {
    const stored = newJob();
    await store.enqueue({ jobs: [stored], now: T0 });
    const jobs = Array.from({ length: 250 }, (_, i) =>
      newJob({ hold: i % 7 === 0, runAt: i % 5 === 0 ? T0 + 1_000 : T0, queue: i % 2 ? 'odd' : 'even' }),
    );
    // An id stored before (second chunk) and one repeated across chunks (third chunk).
    jobs[150] = { ...jobs[150]!, id: stored.id };
    jobs[220] = { ...jobs[220]!, id: jobs[10]!.id };
    const outcomes = await store.enqueue({ jobs, now: T0 });
    expect(outcomes).toHaveLength(250);
    for (const [i, job] of jobs.entries()) {
      if (i === 150) expect(outcomes[i]).toEqual({ id: stored.id, duplicate: true, state: 'ready' });
      else if (i === 220)
        expect(outcomes[i]).toEqual({ id: jobs[10]!.id, duplicate: true, state: 'scheduled' });
      else {
        const state = i % 7 === 0 ? 'waiting' : i % 5 === 0 ? 'scheduled' : 'ready';
        expect(outcomes[i]).toEqual({ id: job.id, duplicate: false, state });
        const record = (await store.getJob({ id: job.id, now: T0 }))!;
        expect(record).toMatchObject({ state, queue: job.queue, payload: job.payload, held: job.hold });
        expect(record.retention).toEqual(job.retention);
      }
    }
    const counts = await store.countJobs({ now: T0 });
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(249);
  });

  it('sets the initial state from hold, dependencies and runAt', async () => {
    const dep = newJob();
    const out = await store.enqueue({
      jobs: [dep, newJob({ runAt: T0 + 5_000 }), newJob({ hold: true }), newJob({ dependsOn: [dep.id] })],
      now: T0,
    });
    expect(out.map((o) => o.state)).toEqual(['ready', 'scheduled', 'waiting', 'waiting']);
    // A scheduled job reports ready once its time has come.
    expect((await store.getJob({ id: out[1]!.id, now: T0 + 5_000 }))!.state).toBe('ready');
  });

  it('rejects an unknown dependency and writes nothing of the batch', async () => {
    const first = newJob();
    await expect(
      store.enqueue({ jobs: [first, newJob({ dependsOn: ['nope'] })], now: T0 }),
    ).rejects.toBeInstanceOf(JobNotFoundError);
    expect(await store.getJob({ id: first.id, now: T0 })).toBeNull();
  });

  it('returns duplicates by id and by unique key, honouring the period', async () => {
    const a = newJob({ unique: { key: 'k', period: 10_000 } });
    const [first] = await store.enqueue({ jobs: [a], now: T0 });
    const [byId] = await store.enqueue({ jobs: [{ ...newJob(), id: a.id }], now: T0 });
    const [byKey] = await store.enqueue({
      jobs: [newJob({ unique: { key: 'k', period: 10_000 } })],
      now: T0,
    });
    expect(first).toEqual({ id: a.id, duplicate: false, state: 'ready' });
    expect(byId).toEqual({ id: a.id, duplicate: true, state: 'ready' });
    expect(byKey).toEqual({ id: a.id, duplicate: true, state: 'ready' });

    const [claimed] = await store.claim({
      queues: ['default'],
      limit: 1,
      now: T0,
      leaseMs: LEASE,
      token: 't',
      workerId: 'w',
    });
    await store.acknowledge({
      acks: [{ type: 'complete', id: claimed!.id, token: 't', result: null }],
      now: T0 + 1,
    });
    const within = await store.enqueue({
      jobs: [newJob({ unique: { key: 'k', period: 10_000 } })],
      now: T0 + 5_000,
    });
    expect(within[0]).toMatchObject({ id: a.id, duplicate: true, state: 'completed' });
    const after = await store.enqueue({
      jobs: [newJob({ unique: { key: 'k', period: 10_000 } })],
      now: T0 + 20_000,
    });
    expect(after[0]).toMatchObject({ duplicate: false });
  });

  it('claims by priority, then runAt, then enqueue order, and never the same job twice', async () => {
    const low = newJob({ priority: 0 });
    const late = newJob({ priority: 5, runAt: T0 - 10 });
    const early = newJob({ priority: 5, runAt: T0 - 20 });
    const tie = newJob({ priority: 5, runAt: T0 - 20 });
    await store.enqueue({ jobs: [low, late, early, tie], now: T0 });
    const claim = (token: string) =>
      store.claim({ queues: ['default'], limit: 3, now: T0, leaseMs: LEASE, token, workerId: 'w' });
    const first = await claim('a');
    expect(first.map((j) => j.id)).toEqual([early.id, tie.id, late.id]);
    expect(first[0]).toMatchObject({
      state: 'active',
      attempts: 1,
      leaseToken: 'a',
      leaseExpiresAt: T0 + LEASE,
      startedAt: T0,
    });
    expect((await claim('b')).map((j) => j.id)).toEqual([low.id]);
    expect(await claim('c')).toEqual([]);
  });

  it('does not claim from a paused queue', async () => {
    await store.enqueue({ jobs: [newJob({ queue: 'q' })], now: T0 });
    await store.setQueuePaused({ queue: 'q', paused: true, now: T0 });
    const claim = () =>
      store.claim({ queues: ['q'], limit: 5, now: T0, leaseMs: LEASE, token: 't', workerId: 'w' });
    expect(await claim()).toEqual([]);
    expect(await store.listQueues()).toEqual([{ name: 'q', paused: true }]);
    await store.setQueuePaused({ queue: 'q', paused: false, now: T0 });
    expect(await claim()).toHaveLength(1);
  });

  it('fences acknowledgements by token and releases or cancels dependents', async () => {
    const parent = newJob();
    const child = newJob({ dependsOn: [parent.id] });
    const grandchild = newJob({ dependsOn: [child.id] });
    await store.enqueue({ jobs: [parent, child, grandchild], now: T0 });
    await store.claim({
      queues: ['default'],
      limit: 1,
      now: T0,
      leaseMs: LEASE,
      token: 'old',
      workerId: 'w',
    });
    // The lease expires and another worker claims it: the old token is stale.
    const [again] = await store.claim({
      queues: ['default'],
      limit: 1,
      now: T0 + LEASE + 1,
      leaseMs: LEASE,
      token: 'new',
      workerId: 'w2',
    });
    expect(again).toBeUndefined();
    const expired = await store.listExpiredLeases({ now: T0 + LEASE, limit: 10 });
    expect(expired.map((j) => j.id)).toEqual([parent.id]);
    const error = { attempt: 1, at: T0 + LEASE, message: 'lease expired' };
    const applied = await store.acknowledge({
      acks: [{ type: 'fail', id: parent.id, token: 'old', error, retryAt: T0 + LEASE, requireExpired: true }],
      now: T0 + LEASE,
    });
    expect(applied).toEqual([true]);
    const [reclaimed] = await store.claim({
      queues: ['default'],
      limit: 1,
      now: T0 + LEASE,
      leaseMs: LEASE,
      token: 'new',
      workerId: 'w2',
    });
    expect(reclaimed).toMatchObject({ id: parent.id, attempts: 2, errors: [error] });
    const acks = await store.acknowledge({
      acks: [
        { type: 'complete', id: parent.id, token: 'old', result: '"stale"' },
        {
          type: 'fail',
          id: parent.id,
          token: 'new',
          error: { ...error, attempt: 2, message: 'boom' },
          retryAt: null,
        },
      ],
      now: T0 + LEASE + 1,
    });
    expect(acks).toEqual([false, true]);
    const failed = (await store.getJob({ id: parent.id, now: T0 + LEASE + 1 }))!;
    expect(failed).toMatchObject({
      state: 'failed',
      result: null,
      finishedAt: T0 + LEASE + 1,
      deleteAt: null,
    });
    expect(failed.errors.map((e) => e.message)).toEqual(['lease expired', 'boom']);
    const c = (await store.getJob({ id: child.id, now: T0 + LEASE + 1 }))!;
    const g = (await store.getJob({ id: grandchild.id, now: T0 + LEASE + 1 }))!;
    expect(c).toMatchObject({ state: 'cancelled', deleteAt: T0 + LEASE + 1 + 1_000 });
    expect(c.cancelReason).toContain(parent.id);
    expect(g.state).toBe('cancelled');
    expect(g.cancelReason).toContain(parent.id);
  });

  it('completes a job, stores its result and readies its dependent', async () => {
    const parent = newJob();
    const child = newJob({ dependsOn: [parent.id], runAt: T0 + 100 });
    await store.enqueue({ jobs: [parent, child], now: T0 });
    await store.claim({ queues: ['default'], limit: 5, now: T0, leaseMs: LEASE, token: 't', workerId: 'w' });
    await store.acknowledge({
      acks: [{ type: 'complete', id: parent.id, token: 't', result: '{"ok":true}' }],
      now: T0 + 10,
    });
    expect(await store.getJob({ id: parent.id, now: T0 + 10 })).toMatchObject({
      state: 'completed',
      result: '{"ok":true}',
      leaseToken: null,
      deleteAt: T0 + 10 + 60_000,
    });
    expect((await store.getJob({ id: child.id, now: T0 + 10 }))!.state).toBe('scheduled');
    expect(await store.nextRunAt({ queues: ['default'], now: T0 + 10 })).toBe(T0 + 100);
  });

  it('applies operator transitions with their preconditions', async () => {
    const held = newJob({ hold: true });
    const plain = newJob();
    await store.enqueue({ jobs: [held, plain], now: T0 });
    await expect(store.releaseHold({ id: plain.id, now: T0 })).rejects.toBeInstanceOf(InvalidStateError);
    expect((await store.releaseHold({ id: held.id, now: T0 }))!.state).toBe('ready');
    expect(await store.cancelJob({ id: 'missing', reason: 'x', now: T0 })).toBeNull();
    expect(await store.cancelJob({ id: plain.id, reason: 'not needed', now: T0 })).toMatchObject({
      state: 'cancelled',
      cancelReason: 'not needed',
    });
    await expect(store.cancelJob({ id: plain.id, reason: 'x', now: T0 })).rejects.toBeInstanceOf(
      InvalidStateError,
    );
    expect(await store.retryJob({ id: plain.id, now: T0 + 1 })).toMatchObject({
      state: 'ready',
      runAt: T0 + 1,
      finishedAt: null,
      deleteAt: null,
      maxAttempts: 3,
    });
    const [active] = await store.claim({
      queues: ['default'],
      limit: 1,
      now: T0 + 1,
      leaseMs: LEASE,
      token: 't',
      workerId: 'w',
    });
    await expect(store.removeJob({ id: active!.id, now: T0 })).rejects.toBeInstanceOf(InvalidStateError);
    expect(await store.removeJob({ id: 'missing', now: T0 })).toBe(false);
  });

  it('lists jobs with a stable cursor and counts by reported state', async () => {
    const jobs = Array.from({ length: 5 }, (_, i) => newJob({ runAt: T0 + i * 10 }));
    await store.enqueue({ jobs, now: T0 });
    const page1 = await store.listJobs({ now: T0, limit: 2 });
    expect(page1.jobs.map((j) => j.id)).toEqual([jobs[4]!.id, jobs[3]!.id]);
    await store.removeJob({ id: jobs[2]!.id, now: T0 });
    const extra = newJob();
    await store.enqueue({ jobs: [extra], now: T0 });
    const page2 = await store.listJobs({ now: T0, limit: 2, cursor: page1.nextCursor! });
    expect(page2.jobs.map((j) => j.id)).toEqual([jobs[1]!.id, jobs[0]!.id]);
    expect(page2.nextCursor).toBeNull();
    const ready = await store.listJobs({ now: T0 + 10, limit: 10, state: 'ready', order: 'asc' });
    expect(ready.jobs.map((j) => j.id)).toEqual([jobs[0]!.id, jobs[1]!.id, extra.id]);
    await store.setQueuePaused({ queue: 'a-paused-empty-queue', paused: true, now: T0 });
    await store.enqueue({ jobs: [newJob({ queue: 'b', hold: true })], now: T0 });
    // By queue, then states in lifecycle order (scheduled before ready).
    expect(await store.countJobs({ now: T0 + 10 })).toEqual([
      { queue: 'b', state: 'waiting', count: 1 },
      { queue: 'default', state: 'scheduled', count: 2 },
      { queue: 'default', state: 'ready', count: 3 },
    ]);
  });

  it('deletes expired terminal jobs in bounded batches', async () => {
    const jobs = [newJob(), newJob(), newJob()];
    await store.enqueue({ jobs, now: T0 });
    for (const job of jobs) await store.cancelJob({ id: job.id, reason: 'x', now: T0 });
    await store.enqueue({ jobs: [newJob()], now: T0 });
    expect(await store.deleteExpired({ now: T0 + 999, limit: 10 })).toBe(0);
    expect(await store.deleteExpired({ now: T0 + 1_000, limit: 2 })).toBe(2);
    expect(await store.deleteExpired({ now: T0 + 1_000, limit: 2 })).toBe(1);
    expect((await store.listJobs({ now: T0, limit: 10 })).jobs).toHaveLength(1);
  });

  it('fires each schedule tick once', async () => {
    const schedule = {
      name: 's',
      rule: '{"every":1000}',
      task: 'test-task',
      queue: 'default',
      payload: '{}',
      options: '{}',
      nextRunAt: T0,
    };
    await store.upsertSchedule({ schedule, now: T0 });
    await store.setSchedulePaused({ name: 's', paused: true, now: T0 });
    // An update keeps the pause flag.
    expect(
      await store.upsertSchedule({ schedule: { ...schedule, payload: '{"v":2}' }, now: T0 }),
    ).toMatchObject({ paused: true });
    await store.setSchedulePaused({ name: 's', paused: false, now: T0 });
    expect((await store.dueSchedules({ now: T0, limit: 10 })).map((s) => s.name)).toEqual(['s']);
    const fire = () =>
      store.fireSchedule({ name: 's', expectedNextRunAt: T0, nextRunAt: T0 + 1000, job: newJob(), now: T0 });
    expect(await fire()).toMatchObject({ duplicate: false, state: 'ready' });
    expect(await fire()).toBeNull();
    expect(await store.getSchedule({ name: 's' })).toMatchObject({ lastRunAt: T0, nextRunAt: T0 + 1000 });
  });
});
