import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { Fixtures } from '../fixtures.js';

/** Rule 12: two stores from two `create()` calls share nothing. */
export const isolationCases = defineCases('isolation', [
  {
    name: 'two stores from two create() calls do not see each other’s jobs, queues or schedules',
    async run({ store, fx, t0, createStore }) {
      const other = await createStore();
      await other.setup();
      const ofOther = new Fixtures(other, t0);
      const job = await fx.enqueue({ id: 'shared-id', queue: 'shared' });
      const done = await fx.active();
      await fx.complete(done);
      await store.setQueuePaused({ queue: 'paused-here', paused: true, now: t0 });
      await store.upsertSchedule({
        schedule: {
          name: 'shared-schedule',
          rule: '{"every":1000}',
          task: 't',
          queue: 'shared',
          payload: 'null',
          options: '{}',
          nextRunAt: t0,
        },
        now: t0,
      });

      expect(await other.getJob({ id: job.id, now: t0 })).toBeNull();
      expect((await other.listJobs({ now: t0, limit: 10 })).jobs).toEqual([]);
      expect(await other.countJobs({ now: t0 })).toEqual([]);
      expect(await other.listQueues()).toEqual([]);
      expect(await other.listSchedules()).toEqual([]);
      expect(await other.dueSchedules({ now: t0, limit: 10 })).toEqual([]);
      expect((await ofOther.claim({ queues: ['shared'] })).jobs).toEqual([]);
      expect(await other.deleteExpired({ now: t0 + 1e12, limit: 100 })).toBe(0);
      expect(await other.listExpiredLeases({ now: t0 + 1e12, limit: 10 })).toEqual([]);

      const [same] = await other.enqueue({
        jobs: [ofOther.job({ id: 'shared-id', queue: 'shared' })],
        now: t0,
      });
      expect(same).toMatchObject({ duplicate: false });
      await other.setQueuePaused({ queue: 'shared', paused: true, now: t0 });
      const { jobs } = await fx.claim({ queues: ['shared'] });
      expect(jobs.map((j) => j.id)).toEqual(['shared-id']);
      expect(await fx.get(done.job.id)).toMatchObject({ state: 'completed' });
    },
  },
]);
