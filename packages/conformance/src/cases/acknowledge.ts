import { expect } from 'vitest';
import { defineCases } from '../case.js';

/** The fenced outcomes of a claimed job: complete, fail, retry, snooze, cancel, release. */
export const acknowledgeCases = defineCases('acknowledge', [
  {
    name: 'complete stores the result, finishedAt and deleteAt from retention, and ends the lease',
    async run({ fx, t0 }) {
      const job = await fx.active();
      const now = t0 + 2_500;
      const done = await fx.complete(job, now, '{"messageId":"m-1","n":[1,2]}');
      expect(done).toMatchObject({
        state: 'completed',
        result: '{"messageId":"m-1","n":[1,2]}',
        attempts: 1,
        finishedAt: now,
        deleteAt: now + job.job.retention.completed!,
        leaseToken: null,
        payload: job.job.payload,
        errors: [],
      });
    },
  },
  {
    name: 'complete with a null result and retention kept forever',
    async run({ fx, t0 }) {
      const job = await fx.active({
        retention: { completed: null, failed: null, cancelled: null, dropPayload: false },
      });
      const done = await fx.complete(job, t0 + 1, null);
      expect(done).toMatchObject({ state: 'completed', result: null, finishedAt: t0 + 1, deleteAt: null });
    },
  },
  {
    name: 'fail with retryAt records the error and reports retrying until due, then ready',
    async run({ store, fx, t0, tick }) {
      const job = await fx.active();
      const now = t0 + 1_000;
      const error = fx.error(1, now, 'boom');
      expect(
        await fx.ack({ type: 'fail', id: job.job.id, token: job.token, error, retryAt: now + 5_000 }, now),
      ).toBe(true);
      expect(await fx.get(job.job.id, now)).toMatchObject({
        state: 'retrying',
        runAt: now + 5_000,
        attempts: 1,
        errors: [error],
        leaseToken: null,
        finishedAt: null,
        deleteAt: null,
      });
      expect((await fx.get(job.job.id, now + 5_000 - tick)).state).toBe('retrying');
      expect((await fx.get(job.job.id, now + 5_000)).state).toBe('ready');
      expect(
        (await store.listJobs({ now: now + 5_000, state: 'ready', limit: 10 })).jobs.map((j) => j.id),
      ).toEqual([job.job.id]);
    },
  },
  {
    name: 'fail with retryAt null fails the job with finishedAt and deleteAt from retention',
    async run({ fx, t0 }) {
      const job = await fx.active();
      const now = t0 + 1_000;
      const failed = await fx.fail(job, now, null);
      expect(failed).toMatchObject({
        state: 'failed',
        attempts: 1,
        finishedAt: now,
        deleteAt: now + job.job.retention.failed!,
        leaseToken: null,
        errors: [fx.error(1, now)],
      });
    },
  },
  {
    name: 'every attempt error is kept, in attempt order, verbatim',
    async run({ fx, t0 }) {
      const queue = 'errors';
      const job = await fx.enqueue({ queue, maxAttempts: 3 });
      const errors = [
        { attempt: 1, at: t0 + 1, message: 'first', name: 'TypeError', stack: 'TypeError: first\n  at a' },
        { attempt: 2, at: t0 + 2, message: 'second "quoted" é' },
        { attempt: 3, at: t0 + 3, message: 'third', name: 'TimeoutError' },
      ];
      for (const [i, error] of errors.entries()) {
        const { jobs, token } = await fx.claim({ queues: [queue], now: error.at });
        expect(jobs.map((j) => [j.id, j.attempts])).toEqual([[job.id, i + 1]]);
        const retryAt = i < 2 ? error.at : null;
        expect(await fx.ack({ type: 'fail', id: job.id, token, error, retryAt }, error.at)).toBe(true);
      }
      expect(await fx.get(job.id, t0 + 3)).toMatchObject({ state: 'failed', attempts: 3, errors });
    },
  },
  {
    name: 'snooze schedules the job at runAt and gives the attempt back',
    async run({ fx, t0 }) {
      const job = await fx.active();
      const now = t0 + 1_000;
      expect(
        await fx.ack({ type: 'snooze', id: job.job.id, token: job.token, runAt: now + 30_000 }, now),
      ).toBe(true);
      expect(await fx.get(job.job.id, now)).toMatchObject({
        state: 'scheduled',
        runAt: now + 30_000,
        attempts: 0,
        leaseToken: null,
        errors: [],
      });
      expect((await fx.claim({ queues: [job.job.queue], now: now + 29_000 })).jobs).toEqual([]);
      const { jobs } = await fx.claim({ queues: [job.job.queue], now: now + 30_000 });
      expect(jobs.map((j) => [j.id, j.attempts])).toEqual([[job.job.id, 1]]);
    },
  },
  {
    name: 'cancel by the handler cancels with the reason, finishedAt and deleteAt from retention',
    async run({ fx, t0 }) {
      const job = await fx.active();
      const now = t0 + 1_000;
      const reason = 'customer "gone"';
      expect(await fx.ack({ type: 'cancel', id: job.job.id, token: job.token, reason }, now)).toBe(true);
      expect(await fx.get(job.job.id, now)).toMatchObject({
        state: 'cancelled',
        cancelReason: reason,
        finishedAt: now,
        deleteAt: now + job.job.retention.cancelled!,
        leaseToken: null,
      });
    },
  },
  {
    name: 'release puts the job back to ready with runAt unchanged and gives the attempt back',
    async run({ fx, t0 }) {
      const job = await fx.active({ runAt: t0 - 500 });
      const now = t0 + 1_000;
      expect(await fx.ack({ type: 'release', id: job.job.id, token: job.token }, now)).toBe(true);
      expect(await fx.get(job.job.id, now)).toMatchObject({
        state: 'ready',
        runAt: t0 - 500,
        attempts: 0,
        leaseToken: null,
        payload: job.job.payload,
      });
      const { jobs } = await fx.claim({ queues: [job.job.queue], now });
      expect(jobs.map((j) => [j.id, j.attempts])).toEqual([[job.job.id, 1]]);
    },
  },
  {
    name: 'releasing many jobs at shutdown loses none and charges no attempt',
    async run({ store, fx, t0 }) {
      for (let i = 0; i < 12; i++) await fx.enqueue({ queue: 'drain' });
      const { jobs, token } = await fx.claim({ queues: ['drain'], limit: 12 });
      expect(jobs).toHaveLength(12);
      const applied = await store.acknowledge({
        acks: jobs.map((j) => ({ type: 'release' as const, id: j.id, token })),
        now: t0 + 1,
      });
      expect(applied).toEqual(jobs.map(() => true));
      const after = await fx.listAll(t0 + 1, { queue: 'drain' });
      expect(after).toHaveLength(12);
      expect(after.every((j) => j.state === 'ready' && j.attempts === 0)).toBe(true);
      expect((await fx.claim({ queues: ['drain'], limit: 20, now: t0 + 2 })).jobs).toHaveLength(12);
    },
  },
  {
    name: 'one stale ack in a batch does not fail the others',
    async run({ store, fx, t0 }) {
      const a = await fx.active();
      const b = await fx.active();
      const c = await fx.active();
      const now = t0 + 100;
      const applied = await store.acknowledge({
        acks: [
          { type: 'complete', id: a.job.id, token: a.token, result: '1' },
          { type: 'complete', id: b.job.id, token: 'wrong-token', result: '2' },
          { type: 'fail', id: c.job.id, token: c.token, error: fx.error(1, now), retryAt: null },
          { type: 'complete', id: 'no-such-job', token: a.token, result: '3' },
        ],
        now,
      });
      expect(applied).toEqual([true, false, true, false]);
      expect((await fx.get(a.job.id, now)).state).toBe('completed');
      expect(await fx.get(b.job.id, now)).toMatchObject({
        state: 'active',
        leaseToken: b.token,
        result: null,
      });
      expect((await fx.get(c.job.id, now)).state).toBe('failed');
    },
  },
  {
    name: 'a second ack of the same claim is rejected and the first outcome stands',
    async run({ fx, t0 }) {
      const job = await fx.active();
      await fx.complete(job, t0 + 1, '"first"');
      expect(
        await fx.ack({ type: 'complete', id: job.job.id, token: job.token, result: '"second"' }, t0 + 2),
      ).toBe(false);
      expect(
        await fx.ack(
          { type: 'fail', id: job.job.id, token: job.token, error: fx.error(1, t0 + 2), retryAt: null },
          t0 + 2,
        ),
      ).toBe(false);
      expect(await fx.get(job.job.id, t0 + 2)).toMatchObject({
        state: 'completed',
        result: '"first"',
        finishedAt: t0 + 1,
        errors: [],
      });
    },
  },
]);
