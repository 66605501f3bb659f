import { Docket, defineTask, ServerClock, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { allJobs } from '../src/observer.js';
import { VARIANTS } from '../src/store-variants.js';
import { sleep, until } from '../src/wait.js';

// Scenario 8: processes whose system clocks are 10 minutes ahead and behind. Each uses the core's
// default clock, ServerClock (local time + the offset to the store server's time), with the skewed
// local time source injected through its `local` option. Every server here runs on this machine, so
// the true time is Date.now(): both corrected clocks must land on it, and delays, leases and
// schedules must agree between them.
const SKEW = 10 * 60_000;
const TOLERANCE = 250;

for (const variant of VARIANTS) {
  describe.runIf(variant.available)(`clock skew ±10 min (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it('server-corrected clocks agree on delays, leases and schedules', async () => {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const starts: Array<{ id: string; at: number }> = [];
      const stalled: string[] = [];
      const task = defineTask({
        name: 'skewed',
        queue: 'skew',
        maxAttempts: 3,
        handler: async (payload: { ms?: number }, ctx) => {
          starts.push({ id: ctx.job.id, at: Date.now() });
          if (payload?.ms) await sleep(payload.ms);
        },
      });
      const open = async (skew: number) => {
        const store = ns.open();
        const clock = new ServerClock(store, silentLogger, { local: () => Date.now() + skew });
        const docket = new Docket({ store, tasks: [task], clock, logger: silentLogger });
        docket.on('error', () => {});
        docket.on('stalled', ({ jobId }) => stalled.push(jobId));
        await docket.setup();
        await clock.start();
        cleanup.push(async () => {
          clock.stop();
          await docket.close({ timeout: 1000 });
        });
        return { docket, clock };
      };
      const ahead = await open(+SKEW);
      const behind = await open(-SKEW);

      // The corrected clocks agree with each other and with the server's time.
      expect(Math.abs(ahead.clock.offset + SKEW)).toBeLessThan(TOLERANCE);
      expect(Math.abs(behind.clock.offset - SKEW)).toBeLessThan(TOLERANCE);
      expect(Math.abs(ahead.clock.now() - Date.now())).toBeLessThan(TOLERANCE);
      expect(Math.abs(behind.clock.now() - Date.now())).toBeLessThan(TOLERANCE);

      // Delays: enqueued 1 s ahead by the fast process, started by the slow one after 1 s, not 20 min.
      const worker = behind.docket.work({
        queues: ['skew'],
        concurrency: 5,
        leaseMs: 1000,
        heartbeatMs: 300,
        pollIntervalMs: 50,
        rescuer: false,
        scheduler: false,
        cleaner: false,
      });
      const enqueuedAt = Date.now();
      const { id: delayed } = await ahead.docket.enqueue(task, {}, { delay: 1000 });
      await until('the delayed job to start', () => starts.some((s) => s.id === delayed), 10_000, 10);
      const waited = starts.find((s) => s.id === delayed)!.at - enqueuedAt;
      expect(waited).toBeGreaterThanOrEqual(1000 - TOLERANCE);
      expect(waited).toBeLessThan(1000 + 1500);

      // Leases: held and renewed by the slow process, checked by the fast process's rescuer.
      const rescuerAhead = ahead.docket.work({
        queues: ['none'],
        rescuer: false,
        scheduler: false,
        cleaner: false,
      });
      const { id: long } = await ahead.docket.enqueue(task, { ms: 2500 });
      await until('the long job to start', () => starts.some((s) => s.id === long), 10_000, 10);
      const deadline = Date.now() + 2200;
      while (Date.now() < deadline) {
        expect(await rescuerAhead.rescuer.runOnce()).toBe(0);
        await sleep(100);
      }
      await until(
        'the long job to complete',
        async () => (await behind.docket.getJob(long))?.state === 'completed',
      );
      expect(stalled).toEqual([]);
      expect((await behind.docket.getJob(long))?.attempts).toBe(1);

      // Schedules: declared by the fast process, fired by both; one job per 1 s tick of real time.
      await ahead.docket.schedule('skew-tick', { every: 1000 }, task, {});
      const firedBy = { ahead: 0, behind: 0 };
      const scheduleStart = Date.now();
      while (Date.now() - scheduleStart < 3200) {
        firedBy.ahead += await rescuerAhead.scheduler.runOnce();
        firedBy.behind += await worker.scheduler.runOnce();
        await sleep(50);
      }
      const elapsedTicks = Math.floor(Date.now() / 1000) - Math.floor(scheduleStart / 1000);
      const fired = firedBy.ahead + firedBy.behind;
      expect(fired).toBeGreaterThanOrEqual(elapsedTicks - 1);
      expect(fired).toBeLessThanOrEqual(elapsedTicks + 1);
      const scheduled = (await allJobs(behind.docket)).filter((j) => j.id !== delayed && j.id !== long);
      expect(scheduled).toHaveLength(fired);
      for (const job of scheduled) {
        // Stamped with the corrected time, not 10 minutes off.
        expect(Math.abs(job.createdAt.getTime() - scheduleStart)).toBeLessThan(5000);
      }
      const schedule = (await ahead.docket.listSchedules()).find((s) => s.name === 'skew-tick');
      expect(Math.abs(schedule!.nextRunAt.getTime() - Date.now())).toBeLessThanOrEqual(1000 + TOLERANCE);

      // Control: the same fast process with its raw, uncorrected clock sees a freshly renewed lease as
      // long expired and steals it; so the lease check above would catch a missing correction.
      const raw = new Docket({
        store: ns.open(),
        tasks: [task],
        clock: { now: () => Date.now() + SKEW },
        logger: silentLogger,
      });
      raw.on('error', () => {});
      raw.on('stalled', () => {});
      cleanup.push(() => raw.close({ timeout: 1000 }));
      const rawRescuer = raw.work({ queues: ['none'], rescuer: false, scheduler: false, cleaner: false });
      const { id: victim } = await ahead.docket.enqueue(task, { ms: 1500 });
      await until('the victim job to start', () => starts.some((s) => s.id === victim), 10_000, 10);
      expect(await rawRescuer.rescuer.runOnce()).toBe(1);
      expect((await behind.docket.getJob(victim))?.errors.map((e) => e.message)).toEqual(['lease expired']);
      await worker.stop();
    });
  });
}
