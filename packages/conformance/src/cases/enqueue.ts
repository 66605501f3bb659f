import { expect } from 'vitest';
import { defineCases } from '../case.js';

/** Rule 6 and the enqueue contract: initial states, stored fields, all-or-nothing batches. */
export const enqueueCases = defineCases('enqueue', [
  {
    name: 'returns one outcome per job, in order, with the initial state of each',
    async run({ store, fx, t0 }) {
      const jobs = [
        fx.job(),
        fx.job({ runAt: t0 + 1_000 }),
        fx.job({ hold: true }),
        fx.job({ runAt: t0 - 60_000 }),
        fx.job({ hold: true, runAt: t0 + 1_000 }),
      ];
      const outcomes = await store.enqueue({ jobs, now: t0 });
      expect(outcomes).toEqual([
        { id: jobs[0]!.id, duplicate: false, state: 'ready' },
        { id: jobs[1]!.id, duplicate: false, state: 'scheduled' },
        { id: jobs[2]!.id, duplicate: false, state: 'waiting' },
        { id: jobs[3]!.id, duplicate: false, state: 'ready' },
        { id: jobs[4]!.id, duplicate: false, state: 'waiting' },
      ]);
    },
  },
  {
    name: 'jobs of one batch that differ only in runAt are each stored in their own state',
    async run({ store, fx, t0 }) {
      // Same task, queue and options: a store may send such a batch as one shape (Postgres, Redis),
      // and the state of each row must still follow its own runAt.
      const jobs = [fx.job(), fx.job({ runAt: t0 + 5_000 }), fx.job({ runAt: t0 - 5_000 })];
      await store.enqueue({ jobs, now: t0 });
      const states = [];
      for (const job of jobs) states.push((await store.getJob({ id: job.id, now: t0 }))?.state);
      expect(states).toEqual(['ready', 'scheduled', 'ready']);
      const claimed = await store.claim({
        queues: [jobs[0]!.queue],
        limit: 10,
        now: t0,
        leaseMs: 1_000,
        token: 't',
        workerId: 'w',
      });
      expect(claimed.map((j) => j.id).sort()).toEqual([jobs[0]!.id, jobs[2]!.id].sort());
    },
  },
  {
    name: 'stores every field of the new job verbatim',
    async run({ store, fx, t0 }) {
      const payload = '{"text": "é ☃ 𝄞 \\"quoted\\" \'single\'",  "n":[1, 2.5,null]}';
      const job = fx.job({
        task: 'send.mail:v2',
        queue: 'mail-out_1',
        payload,
        priority: -7,
        runAt: t0 + 12_345,
        maxAttempts: 9,
        unique: { key: 'k-1', period: 5_000 },
        retention: { completed: 1, failed: null, cancelled: 2, dropPayload: true },
      });
      await store.enqueue({ jobs: [job], now: t0 });
      const stored = await store.getJob({ id: job.id, now: t0 });
      expect(stored).toMatchObject({
        id: job.id,
        task: 'send.mail:v2',
        queue: 'mail-out_1',
        state: 'scheduled',
        payload,
        result: null,
        priority: -7,
        runAt: t0 + 12_345,
        createdAt: t0,
        startedAt: null,
        finishedAt: null,
        attempts: 0,
        maxAttempts: 9,
        errors: [],
        leaseToken: null,
        leaseExpiresAt: null,
        workerId: null,
        held: false,
        dependsOn: [],
        uniqueKey: 'k-1',
        cancelReason: null,
        retention: { completed: 1, failed: null, cancelled: 2, dropPayload: true },
        deleteAt: null,
      });
    },
  },
  {
    name: 'a held job is waiting and reports held',
    async run({ fx, t0 }) {
      const job = await fx.enqueue({ hold: true, runAt: t0 - 1_000 });
      expect(job).toMatchObject({ state: 'waiting', held: true });
    },
  },
  {
    name: 'a job whose dependency is not completed waits, also for a dependency earlier in the batch',
    async run({ store, fx, t0 }) {
      const stored = await fx.enqueue();
      const first = fx.job();
      const second = fx.job({ dependsOn: [first.id, stored.id] });
      const outcomes = await store.enqueue({ jobs: [first, second], now: t0 });
      expect(outcomes.map((o) => o.state)).toEqual(['ready', 'waiting']);
      expect(await fx.get(second.id)).toMatchObject({
        state: 'waiting',
        held: false,
        dependsOn: [first.id, stored.id],
      });
    },
  },
  {
    name: 'a job whose dependencies are all completed starts ready, or scheduled when runAt is ahead',
    async run({ store, fx, t0 }) {
      const dep = await fx.active();
      await fx.complete(dep);
      const now = t0 + 1_000;
      const ready = fx.job({ dependsOn: [dep.job.id] });
      const later = fx.job({ dependsOn: [dep.job.id], runAt: now + 5_000 });
      const outcomes = await store.enqueue({ jobs: [ready, later], now });
      expect(outcomes.map((o) => o.state)).toEqual(['ready', 'scheduled']);
    },
  },
  {
    name: 'a job depending on a failed or cancelled job starts cancelled, even held, the reason naming it',
    async run({ store, fx, t0 }) {
      const failed = await fx.active({ maxAttempts: 1 });
      await fx.fail(failed);
      const cancelled = await fx.enqueue();
      await store.cancelJob({ id: cancelled.id, reason: 'operator', now: t0 });
      const running = await fx.active();
      const now = t0 + 1_000;
      const onFailed = fx.job({ dependsOn: [failed.job.id] });
      const onCancelled = fx.job({ dependsOn: [cancelled.id], runAt: now + 5_000 });
      // Held, and with a dependency still pending: it could never run all the same.
      const held = fx.job({
        hold: true,
        dependsOn: [running.job.id, cancelled.id],
        retention: { completed: 1, failed: 2, cancelled: 3_000, dropPayload: false },
      });
      const outcomes = await store.enqueue({ jobs: [onFailed, onCancelled, held], now });
      expect(outcomes.map((o) => o.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
      const a = await fx.get(onFailed.id, now);
      const b = await fx.get(onCancelled.id, now);
      const c = await fx.get(held.id, now);
      expect(a.cancelReason).toContain(failed.job.id);
      expect(b.cancelReason).toContain(cancelled.id);
      expect(c.cancelReason).toContain(cancelled.id);
      expect(a).toMatchObject({ finishedAt: now, deleteAt: now + a.retention.cancelled! });
      expect(b).toMatchObject({ finishedAt: now, deleteAt: now + b.retention.cancelled! });
      expect(c).toMatchObject({ state: 'cancelled', finishedAt: now, deleteAt: now + 3_000 });
      // Born terminal: the pending dependency completing does not revive it.
      await fx.complete(running, now + 1);
      expect((await fx.get(held.id, now + 1)).state).toBe('cancelled');
    },
  },
  {
    name: 'a batch is all or nothing: one bad job writes none of the others',
    async run({ store, fx, t0 }) {
      const jobs = [fx.job(), fx.job({ queue: 'other' }), fx.job({ hold: true })];
      jobs.push(fx.job({ dependsOn: [jobs[0]!.id, 'no-such-job'] }));
      await expect(store.enqueue({ jobs, now: t0 })).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
      for (const job of jobs) expect(await store.getJob({ id: job.id, now: t0 })).toBeNull();
      expect(await fx.total()).toBe(0);
      expect(await store.listQueues()).toEqual([]);
    },
  },
  {
    name: 'createdAt is the enqueue time and a runAt in the past is kept as given',
    async run({ fx, t0 }) {
      const job = await fx.enqueue({ runAt: t0 - 3_600_000 }, t0 + 500);
      expect(job).toMatchObject({ createdAt: t0 + 500, runAt: t0 - 3_600_000, state: 'ready' });
    },
  },
]);
