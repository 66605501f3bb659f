import { expect } from 'vitest';
import { defineCases } from '../case.js';

/** Operator transitions (not fenced): cancelJob, retryJob, releaseHold, removeJob. */
export const operatorCases = defineCases('operator', [
  {
    name: 'cancelJob cancels a ready job with the reason, finishedAt and deleteAt',
    async run({ store, fx, t0 }) {
      const job = await fx.enqueue();
      const now = t0 + 50;
      const returned = await store.cancelJob({ id: job.id, reason: 'by operator', now });
      expect(returned).toMatchObject({ id: job.id, state: 'cancelled' });
      expect(await fx.get(job.id, now)).toMatchObject({
        state: 'cancelled',
        cancelReason: 'by operator',
        finishedAt: now,
        deleteAt: now + job.retention.cancelled!,
      });
      expect((await fx.claim({ now })).jobs).toEqual([]);
    },
  },
  {
    name: 'cancelJob of an active job takes its lease: the worker heartbeat and acks are rejected',
    async run({ store, fx, t0 }) {
      const job = await fx.active();
      await store.cancelJob({ id: job.job.id, reason: 'stop it', now: t0 + 1 });
      const lease = { id: job.job.id, token: job.token };
      expect(await store.heartbeat({ leases: [lease], now: t0 + 2, leaseMs: 1_000 })).toEqual([false]);
      expect(await fx.ack({ type: 'complete', ...lease, result: '"late"' }, t0 + 2)).toBe(false);
      expect(await fx.get(job.job.id, t0 + 2)).toMatchObject({
        state: 'cancelled',
        cancelReason: 'stop it',
        result: null,
        leaseToken: null,
      });
    },
  },
  {
    name: 'cancelJob cancels waiting and scheduled jobs',
    async run({ store, fx, t0 }) {
      const held = await fx.enqueue({ hold: true });
      const later = await fx.enqueue({ runAt: t0 + 60_000 });
      for (const job of [held, later]) {
        expect((await store.cancelJob({ id: job.id, reason: 'no', now: t0 }))?.state).toBe('cancelled');
      }
      expect((await fx.claim({ now: t0 + 120_000 })).jobs).toEqual([]);
    },
  },
  {
    name: 'retryJob moves a failed job back to ready, keeps its errors and grants one more attempt',
    async run({ store, fx, t0 }) {
      const job = await fx.active({ maxAttempts: 1 });
      await fx.fail(job, t0 + 1);
      const now = t0 + 10_000;
      const retried = await store.retryJob({ id: job.job.id, now });
      expect(retried).toMatchObject({ id: job.job.id, state: 'ready' });
      expect(await fx.get(job.job.id, now)).toMatchObject({
        state: 'ready',
        runAt: now,
        attempts: 1,
        maxAttempts: 2,
        finishedAt: null,
        deleteAt: null,
        errors: [fx.error(1, t0 + 1)],
      });
      const { jobs } = await fx.claim({ queues: [job.job.queue], now });
      expect(jobs.map((j) => [j.id, j.attempts])).toEqual([[job.job.id, 2]]);
    },
  },
  {
    name: 'retryJob keeps a larger maxAttempts and also revives a cancelled job',
    async run({ store, fx, t0 }) {
      const failed = await fx.active({ maxAttempts: 5 });
      await fx.fail(failed, t0 + 1);
      expect((await store.retryJob({ id: failed.job.id, now: t0 + 2 }))?.maxAttempts).toBe(5);
      const cancelled = await fx.enqueue();
      await store.cancelJob({ id: cancelled.id, reason: 'x', now: t0 + 1 });
      expect(await store.retryJob({ id: cancelled.id, now: t0 + 2 })).toMatchObject({ state: 'ready' });
      expect(await fx.get(cancelled.id, t0 + 2)).toMatchObject({
        state: 'ready',
        runAt: t0 + 2,
        deleteAt: null,
      });
    },
  },
  {
    name: 'releaseHold makes a held job ready, or scheduled when its runAt is ahead',
    async run({ store, fx, t0 }) {
      const held = await fx.enqueue({ hold: true });
      const heldLater = await fx.enqueue({ hold: true, runAt: t0 + 60_000 });
      expect(await store.releaseHold({ id: held.id, now: t0 + 1 })).toMatchObject({
        state: 'ready',
        held: false,
      });
      expect(await store.releaseHold({ id: heldLater.id, now: t0 + 1 })).toMatchObject({
        state: 'scheduled',
        held: false,
      });
      expect((await fx.claim({ now: t0 + 1 })).jobs.map((j) => j.id)).toEqual([held.id]);
    },
  },
  {
    name: 'releaseHold of a job that still has dependencies keeps it waiting until they complete',
    async run({ store, fx, t0 }) {
      const dep = await fx.active();
      const job = await fx.enqueue({ hold: true, dependsOn: [dep.job.id] });
      expect(await store.releaseHold({ id: job.id, now: t0 + 1 })).toMatchObject({
        state: 'waiting',
        held: false,
      });
      await fx.complete(dep, t0 + 2);
      expect(await fx.get(job.id, t0 + 2)).toMatchObject({ state: 'ready', held: false });
    },
  },
  {
    name: 'removeJob deletes a job in any state but active',
    async run({ store, fx, t0 }) {
      const ready = await fx.enqueue();
      const held = await fx.enqueue({ hold: true });
      const done = await fx.active();
      await fx.complete(done);
      for (const id of [ready.id, held.id, done.job.id]) {
        expect(await store.removeJob({ id, now: t0 })).toBe(true);
        expect(await store.getJob({ id, now: t0 })).toBeNull();
      }
      expect(await store.removeJob({ id: ready.id, now: t0 })).toBe(false);
      expect(await fx.total()).toBe(0);
    },
  },
]);
