import { describe, expect, it, vi } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { engineFixture } from './engine-fixture.js';

const HOUR = 3_600_000;

describe('Worker: scheduler', () => {
  it('fires each tick exactly once with several workers', async () => {
    const tick = defineTask({ name: 'tick', handler: async () => null });
    const { docket, clock, work } = await engineFixture([tick]);
    clock.set(Date.UTC(2030, 0, 1, 10, 0, 30));
    await docket.schedule('every-minute', { every: 60_000 }, tick, { n: 1 });
    const workers = await Promise.all([work(), work(), work()]);

    expect(await Promise.all(workers.map((w) => w.scheduler.runOnce()))).toEqual([0, 0, 0]);
    for (let minute = 1; minute <= 3; minute++) {
      clock.set(Date.UTC(2030, 0, 1, 10, minute, 0));
      const fired = await Promise.all(workers.map((w) => w.scheduler.runOnce()));
      expect(fired.reduce((a, b) => a + b, 0)).toBe(1);
    }
    const jobs = (await docket.listJobs({ task: 'tick', limit: 100, order: 'asc' })).jobs;
    expect(jobs).toHaveLength(3);
    expect(jobs.map((j) => j.payload)).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    const schedule = await docket.getSchedule('every-minute');
    expect(schedule!.nextRunAt.toISOString()).toBe('2030-01-01T10:04:00.000Z');
    expect(schedule!.lastRunAt!.toISOString()).toBe('2030-01-01T10:03:00.000Z');
  });

  it('collapses missed ticks into one catch-up job', async () => {
    const hourly = defineTask({ name: 'hourly', handler: async () => null });
    const { docket, clock, work } = await engineFixture([hourly]);
    clock.set(Date.UTC(2030, 0, 1, 9, 30));
    await docket.schedule('hourly', { cron: '0 * * * *' }, hourly, null);
    const worker = await work();
    clock.set(Date.UTC(2030, 0, 1, 15, 20)); // six ticks missed
    expect(await worker.scheduler.runOnce()).toBe(1);
    expect(await worker.scheduler.runOnce()).toBe(0);
    expect((await docket.listJobs({ task: 'hourly', limit: 10 })).jobs).toHaveLength(1);
    expect((await docket.getSchedule('hourly'))!.nextRunAt.toISOString()).toBe('2030-01-01T16:00:00.000Z');
  });

  it('applies the schedule options and skips paused schedules', async () => {
    const job = defineTask({ name: 'job', handler: async () => null });
    const { docket, clock, work } = await engineFixture([job]);
    await docket.schedule('urgent', { every: 1000 }, job, null, {
      priority: 7,
      queue: 'fast',
      maxAttempts: 9,
    });
    await docket.schedule('paused', { every: 1000 }, job, null);
    await docket.pauseSchedule('paused');
    const worker = await work();
    clock.advance(1000);
    expect(await worker.scheduler.runOnce()).toBe(1);
    const [fired] = (await docket.listJobs({ limit: 10 })).jobs;
    expect(fired).toMatchObject({ queue: 'fast', priority: 7, maxAttempts: 9 });
  });

  it('reports a schedule whose task is unknown and keeps firing the others', async () => {
    const known = defineTask({ name: 'known', handler: async () => null });
    const gone = defineTask({ name: 'gone', handler: async () => null });
    const { docket, clock, store, events } = await engineFixture([known, gone]);
    await docket.schedule('a-gone', { every: 1000 }, gone, null);
    await docket.schedule('b-known', { every: 1000 }, known, null);
    // The same store seen by a Docket that no longer has the task "gone".
    const other = await engineFixture([known], { store, clock });
    const worker = await other.work();
    clock.advance(1000);
    expect(await worker.scheduler.runOnce()).toBe(1);
    expect(other.events.error.map((e) => e.context)).toEqual(['schedule "a-gone" could not fire']);
    clock.advance(1000);
    await worker.scheduler.runOnce();
    expect(other.events.error).toHaveLength(1); // reported once a minute, not at every pass
    expect(events.error).toHaveLength(0);
  });

  it('runs by itself when enabled', async () => {
    const job = defineTask({ name: 'auto', handler: async () => null });
    const { docket, clock, work } = await engineFixture([job]);
    await docket.schedule('auto', { every: 1000 }, job, null);
    clock.advance(1000);
    await work({ scheduler: { intervalMs: 10 } });
    await vi.waitFor(async () => expect((await docket.listJobs({ limit: 10 })).jobs).toHaveLength(1));
  });
});

describe('Worker: cleaner', () => {
  it('deletes finished jobs past their retention in bounded batches', async () => {
    const shortLived = defineTask({
      name: 'short-lived',
      retention: { completed: HOUR, failed: 'forever' },
      maxAttempts: 1,
      handler: async (payload: { fail: boolean }) => {
        if (payload.fail) throw new Error('x');
      },
    });
    const { docket, clock, work, store } = await engineFixture([shortLived]);
    await docket.enqueueMany([
      ...Array.from({ length: 5 }, () => ({ task: shortLived, payload: { fail: false } })),
      { task: shortLived, payload: { fail: true } },
    ]);
    const pending = await docket.enqueue(shortLived, { fail: false }, { delay: 10 * HOUR });
    const worker = await work({ cleaner: { batchSize: 2, intervalMs: 60_000 } });
    await worker.drain();
    const deleteExpired = vi.spyOn(store, 'deleteExpired');
    clock.advance(HOUR - 1);
    expect(await worker.cleaner.runOnce()).toBe(0);
    clock.advance(1);
    expect(await worker.cleaner.runOnce()).toBe(5);
    // Batches of 2: 2 + 2 + 1, the short batch ending the pass.
    expect(deleteExpired.mock.calls.slice(1).map(([params]) => params.limit)).toEqual([2, 2, 2]);
    const left = (await docket.listJobs({ limit: 10 })).jobs;
    expect(left.map((j) => j.state).sort()).toEqual(['failed', 'scheduled']);
    expect(left.some((j) => j.id === pending.id)).toBe(true);
  });

  it('reports a store error of its loop and keeps running', async () => {
    const { store, events, work } = await engineFixture([]);
    const deleteExpired = vi
      .spyOn(store, 'deleteExpired')
      .mockRejectedValueOnce(new Error('disk full'))
      .mockResolvedValue(0);
    await work({ cleaner: { intervalMs: 10 } });
    await vi.waitFor(() => expect(deleteExpired.mock.calls.length).toBeGreaterThanOrEqual(2), {
      timeout: 4000,
    });
    expect(events.error.map((e) => e.context)).toEqual(['cleaner']);
    expect((events.error[0]!.error as Error).message).toMatch(/disk full/);
  });
});
