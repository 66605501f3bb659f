import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { makeSelection } from '../selection.js';

const YEAR = 365 * 24 * 3_600_000;

/** Rule 10: deleteExpired and dropPayload. */
export const retentionCases = defineCases('retention', [
  {
    name: 'deleteExpired deletes a terminal job once deleteAt has passed, and counts it',
    async run({ store, fx, t0, tick }) {
      const job = await fx.active();
      const done = await fx.complete(job, t0 + 10);
      expect(done.deleteAt).toBe(t0 + 10 + job.job.retention.completed!);
      expect(await store.deleteExpired({ now: done.deleteAt! - tick, limit: 100 })).toBe(0);
      expect(await store.getJob({ id: job.job.id, now: done.deleteAt! - tick })).not.toBeNull();
      expect(await store.deleteExpired({ now: done.deleteAt!, limit: 100 })).toBe(1);
      expect(await store.getJob({ id: job.job.id, now: done.deleteAt! })).toBeNull();
    },
  },
  {
    name: 'deleteExpired deletes in batches of at most limit',
    async run({ store, fx, t0 }) {
      for (let i = 0; i < 5; i++) await fx.complete(await fx.active(), t0 + i);
      const now = t0 + YEAR;
      const batches = [];
      for (let i = 0; i < 4; i++) batches.push(await store.deleteExpired({ now, limit: 2 }));
      expect(batches).toEqual([2, 2, 1, 0]);
      expect(await fx.total(now)).toBe(0);
    },
  },
  {
    name: 'deleteExpired never touches a non-terminal job',
    async run({ store, fx, t0 }) {
      const sel = await makeSelection(fx);
      const now = t0 + 100 * YEAR;
      const nonTerminal = [
        sel.jobs.waiting,
        sel.jobs.scheduled,
        sel.jobs.ready,
        sel.jobs.active,
        sel.jobs.retrying,
      ];
      const before = await Promise.all(nonTerminal.map((j) => fx.get(j.id, now)));
      expect(await store.deleteExpired({ now, limit: 1_000 })).toBe(3);
      expect(await store.deleteExpired({ now, limit: 1_000 })).toBe(0);
      const after = await Promise.all(nonTerminal.map((j) => store.getJob({ id: j.id, now })));
      expect(after).toEqual(before);
      for (const job of [sel.jobs.completed, sel.jobs.failed, sel.jobs.cancelled]) {
        expect(await store.getJob({ id: job.id, now })).toBeNull();
      }
    },
  },
  {
    name: 'each terminal state takes its own retention; null keeps the job forever',
    async run({ store, fx, t0 }) {
      const retention = { completed: 1_000, failed: null, cancelled: 3_000, dropPayload: false };
      const completed = await fx.active({ retention });
      const failed = await fx.active({ retention, maxAttempts: 1 });
      const cancelled = await fx.enqueue({ retention });
      await fx.complete(completed, t0 + 1);
      await fx.fail(failed, t0 + 1);
      await store.cancelJob({ id: cancelled.id, reason: 'x', now: t0 + 1 });
      expect((await fx.get(completed.job.id, t0 + 1)).deleteAt).toBe(t0 + 1_001);
      expect((await fx.get(failed.job.id, t0 + 1)).deleteAt).toBeNull();
      expect((await fx.get(cancelled.id, t0 + 1)).deleteAt).toBe(t0 + 3_001);
      expect(await store.deleteExpired({ now: t0 + 100 * YEAR, limit: 100 })).toBe(2);
      expect((await fx.get(failed.job.id, t0 + 100 * YEAR)).state).toBe('failed');
    },
  },
  {
    name: 'dropPayload drops the payload on completion and keeps the row and result',
    async run({ fx, t0 }) {
      const retention = { completed: 1_000, failed: 1_000, cancelled: 1_000, dropPayload: true };
      const job = await fx.active({ retention, payload: '{"secret":"s3cr3t"}' });
      expect(job.job.payload).toBe('{"secret":"s3cr3t"}');
      const done = await fx.complete(job, t0 + 1, '"receipt"');
      expect(done).toMatchObject({ state: 'completed', payload: null, result: '"receipt"' });
    },
  },
  {
    name: 'dropPayload keeps the payload of a failed job, for a retry',
    async run({ store, fx, t0 }) {
      const retention = { completed: 1_000, failed: 1_000, cancelled: 1_000, dropPayload: true };
      const job = await fx.active({ retention, maxAttempts: 1, payload: '{"keep":1}' });
      expect((await fx.fail(job, t0 + 1)).payload).toBe('{"keep":1}');
      await store.retryJob({ id: job.job.id, now: t0 + 2 });
      const { jobs } = await fx.claim({ queues: [job.job.queue], now: t0 + 2 });
      expect(jobs[0]?.payload).toBe('{"keep":1}');
    },
  },
  {
    name: 'a retried job loses its deleteAt and outlives its old retention',
    async run({ store, fx, t0 }) {
      const job = await fx.active({ maxAttempts: 1 });
      await fx.fail(job, t0 + 1);
      await store.retryJob({ id: job.job.id, now: t0 + 2 });
      expect(await store.deleteExpired({ now: t0 + YEAR, limit: 100 })).toBe(0);
      expect((await fx.get(job.job.id, t0 + YEAR)).state).toBe('ready');
    },
  },
]);
