import { defineTask, ManualClock } from '@docket/core';
import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { eventually, startFleet } from '../engine-fleet.js';

const FOREVER = { completed: 'forever', failed: 'forever', cancelled: 'forever' } as const;
const WORKER = { leaseMs: 5_000, pollIntervalMs: 100, scheduler: false, cleaner: false } as const;

/** Engine-level recovery and scheduling: a dead worker's jobs, and several schedulers racing (rules 4 and 9). */
export const engineRecoveryCases = defineCases('engine', [
  {
    name: 'jobs of a worker that died are rescued once its lease expires, the lost attempt counted',
    timeoutMs: 60_000,
    async run(ctx) {
      const total = 8;
      const effects = new Map<number, number>();
      const task = defineTask({
        name: 'conformance-rescued',
        queue: 'rescue',
        maxAttempts: 3,
        backoff: () => 0,
        retention: FOREVER,
        handler: async (payload: { i: number }) => {
          effects.set(payload.i, (effects.get(payload.i) ?? 0) + 1);
        },
      });
      const { dockets, counts, errors } = await startFleet(ctx, 2, [task]);
      await dockets[0]!.enqueueMany(Array.from({ length: total }, (_, i) => ({ task, payload: { i } })));
      // The dead worker: claims through the store with a short lease, then never acknowledges or heartbeats.
      const dead = await ctx.store.claim({
        queues: ['rescue'],
        limit: total,
        now: await ctx.store.serverTime(),
        leaseMs: 300,
        token: 'dead-worker-token',
        workerId: 'dead-worker',
      });
      expect(dead).toHaveLength(total);
      const worker = dockets[1]!.work({ ...WORKER, queues: ['rescue'], rescuer: { intervalMs: 50 } });
      await eventually(() => counts.completed >= total, `${total} rescued jobs to complete`, 45_000);
      await worker.stop();

      const jobs = await ctx.fx.listAll(Date.now(), { queue: 'rescue' });
      expect(jobs).toHaveLength(total);
      for (const job of jobs) {
        expect(job).toMatchObject({ state: 'completed', attempts: 2 });
        expect(job.errors.map((e) => e.attempt)).toEqual([1]);
      }
      expect([...effects.values()]).toEqual(Array.from({ length: total }, () => 1));
      expect(counts.stalled).toBe(total);
      expect(errors).toEqual([]);
    },
  },
  {
    name: 'three schedulers racing fire each tick of a schedule once',
    timeoutMs: 60_000,
    async run(ctx) {
      const task = defineTask({
        name: 'conformance-tick',
        queue: 'ticks',
        retention: FOREVER,
        handler: async () => {},
      });
      const { dockets, errors } = await startFleet(ctx, 3, [task]);
      const from = Date.now();
      await dockets[0]!.schedule('every-second', { every: 1_000 }, task, null);
      const workers = dockets.map((d) =>
        d.work({ ...WORKER, queues: ['ticks'], concurrency: 2, scheduler: { intervalMs: 20 } }),
      );
      await new Promise((resolve) => setTimeout(resolve, 3_400));
      await Promise.all(workers.map((w) => w.stop()));
      const secondsElapsed = Math.floor(Date.now() / 1_000) - Math.floor(from / 1_000);

      const jobs = await ctx.fx.listAll(Date.now(), { queue: 'ticks' });
      // Ticks are one second apart and each fires after its second starts: one job per second at most.
      const seconds = jobs.map((j) => Math.floor(j.createdAt / 1_000));
      expect(new Set(seconds).size, `jobs created in seconds ${seconds.join(', ')}`).toBe(jobs.length);
      expect(jobs.length).toBeGreaterThanOrEqual(2);
      // No more jobs than ticks went by (one second of slack for a server clock ahead of ours).
      expect(jobs.length).toBeLessThanOrEqual(secondsElapsed + 1);
      const schedule = await dockets[0]!.getSchedule('every-second');
      expect(schedule?.lastRunAt?.getTime()).toBe(Math.max(...jobs.map((j) => j.createdAt)));
      expect(errors).toEqual([]);
    },
  },
  {
    name: 'ticks missed during a downtime collapse into one catch-up job, fired by one of three schedulers',
    timeoutMs: 60_000,
    async run(ctx) {
      const minute = 60_000;
      const clock = new ManualClock(ctx.t0 + 12_345);
      const task = defineTask({
        name: 'conformance-catch-up',
        queue: 'catch-up',
        retention: FOREVER,
        handler: async () => {},
      });
      const { dockets, errors } = await startFleet(ctx, 3, [task], clock);
      await dockets[0]!.schedule('every-minute', { every: minute }, task, null);
      // The fleet's workers serve another queue: the fired jobs stay ready, to be counted.
      const workers = dockets.map((d) => d.work({ ...WORKER, queues: ['elsewhere'], rescuer: false }));
      const fire = async () =>
        (await Promise.all(workers.map((w) => w.scheduler.runOnce()))).reduce((a, b) => a + b, 0);

      expect(await fire()).toBe(0);
      clock.advance(10 * minute);
      expect(await fire(), 'ten missed ticks').toBe(1);
      expect(await fire(), 'the same tick again').toBe(0);
      const nextTick = Math.floor(clock.now() / minute) * minute + minute;
      expect(await dockets[1]!.getSchedule('every-minute')).toMatchObject({
        lastRunAt: new Date(clock.now()),
        nextRunAt: new Date(nextTick),
      });
      clock.set(nextTick);
      expect(await fire(), 'the next tick').toBe(1);
      await Promise.all(workers.map((w) => w.stop()));
      expect(await ctx.fx.total(clock.now())).toBe(2);
      expect(errors).toEqual([]);
    },
  },
  {
    name: 'the cleaner deletes finished jobs past their retention and nothing else',
    timeoutMs: 60_000,
    async run(ctx) {
      const clock = new ManualClock(ctx.t0);
      const kept = defineTask({
        name: 'conformance-kept',
        queue: 'retained',
        retention: { completed: 'forever' },
        handler: async () => 'kept',
      });
      const brief = defineTask({
        name: 'conformance-brief',
        queue: 'retained',
        maxAttempts: 1,
        retention: { completed: 1_000, failed: 5_000, dropPayload: true },
        handler: async (payload: { fail?: boolean }) => {
          if (payload.fail) throw new Error('fails for good');
          return 'done';
        },
      });
      const { dockets, counts, errors } = await startFleet(ctx, 1, [kept, brief], clock);
      const docket = dockets[0]!;
      const done = await docket.enqueueMany([
        { task: brief, payload: {} },
        { task: brief, payload: {} },
        { task: brief, payload: { fail: true } },
        { task: kept, payload: {} },
      ]);
      const held = await docket.enqueue(brief, {}, { hold: true });
      const later = await docket.enqueue(brief, {}, { delay: 60 * 60_000 });
      const worker = docket.work({ ...WORKER, queues: ['retained'], concurrency: 4 });
      await eventually(() => counts.completed + counts.failed >= 4, 'four jobs to finish', 30_000);
      await worker.stop();
      const completed = await docket.getJob(done[0]!.id);
      expect(completed).toMatchObject({ state: 'completed', payload: null, result: 'done' });

      clock.advance(1_000);
      expect(await worker.cleaner.runOnce()).toBe(2);
      clock.advance(4_000);
      expect(await worker.cleaner.runOnce()).toBe(1);
      clock.advance(24 * 60 * 60_000);
      expect(await worker.cleaner.runOnce()).toBe(0);
      const left = await ctx.fx.listAll(clock.now(), { queue: 'retained' });
      expect(new Set(left.map((j) => j.id))).toEqual(new Set([done[3]!.id, held.id, later.id]));
      expect(errors).toEqual([]);
    },
  },
]);
