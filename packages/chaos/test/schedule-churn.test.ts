import { Docket, defineTask, ManualClock, silentLogger, type Worker } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { allJobs } from '../src/observer.js';
import { size } from '../src/sizes.js';
import { VARIANTS } from '../src/store-variants.js';

// Scenario 9: schedules under churn. Scheduler passes are driven by hand (`runOnce()`) on a ManualClock,
// so many ticks take little real time and the interleavings are chosen by a seeded random.
const TICKS = size(60, 1000);
const INSTANCES = 5;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const localParts = (ms: number, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
};

for (const variant of VARIANTS) {
  describe.runIf(variant.available)(`schedules under churn (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    const tick = defineTask({ name: 'tick', queue: 'ticks', handler: async () => {} });

    async function instances(clock: ManualClock) {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const dockets: Docket[] = [];
      for (let i = 0; i < INSTANCES; i++) {
        // Memory: one store instance shared by all five, closed once by the last close().
        const docket = new Docket({ store: ns.open(), tasks: [tick], clock, logger: silentLogger });
        docket.on('error', () => {});
        await docket.setup();
        cleanup.push(() => docket.close({ timeout: 500 }));
        dockets.push(docket);
      }
      // Scheduler loops off: passes run only when the test says. No queue is served.
      const start = (docket: Docket) =>
        docket.work({
          queues: ['idle'],
          scheduler: false,
          rescuer: false,
          cleaner: false,
          pollIntervalMs: 60_000,
        });
      return { dockets, start };
    }

    it(`${INSTANCES} schedulers started and stopped at random over ${TICKS} one-second ticks: one job per tick`, async () => {
      const clock = new ManualClock(Date.UTC(2031, 0, 1, 0, 0, 0, 250));
      const { dockets, start } = await instances(clock);
      await dockets[0]!.schedule('every-second', { every: 1000 }, tick, {});
      const random = seeded(7);
      const workers: Array<Worker | null> = dockets.map((d) => start(d));
      const firedPerTick: number[] = [];
      for (let t = 0; t < TICKS; t++) {
        clock.advance(1000);
        // Churn: each instance may stop, or come back as a new worker.
        for (let i = 0; i < INSTANCES; i++) {
          if (random() < 0.3) {
            const w = workers[i];
            if (w) {
              await w.stop();
              workers[i] = null;
            } else {
              workers[i] = start(dockets[i]!);
            }
          }
        }
        if (!workers.some((w) => w !== null)) workers[Math.floor(random() * INSTANCES)] = start(dockets[0]!);
        // Every running instance fires at once (some twice), in a random order.
        const passes = workers
          .filter((w): w is Worker => w !== null)
          .flatMap((w) => (random() < 0.3 ? [w, w] : [w]))
          .sort(() => random() - 0.5);
        const fired = await Promise.all(passes.map((w) => w.scheduler.runOnce()));
        firedPerTick.push(fired.reduce((a, b) => a + b, 0));
      }
      for (const w of workers) await w?.stop();

      expect(firedPerTick).toEqual(Array(TICKS).fill(1));
      const jobs = await allJobs(dockets[0]!, 'ticks');
      expect(jobs).toHaveLength(TICKS);
      const seconds = jobs.map((j) => Math.floor(j.createdAt.getTime() / 1000));
      expect(new Set(seconds).size).toBe(TICKS);
    });

    it('after a downtime the missed ticks collapse into one catch-up job', async () => {
      const clock = new ManualClock(Date.UTC(2031, 0, 1, 0, 0, 0, 250));
      const { dockets, start } = await instances(clock);
      await dockets[0]!.schedule('every-second', { every: 1000 }, tick, {});
      const workers = dockets.map((d) => start(d));
      clock.advance(30_000);
      const fired = await Promise.all(workers.map((w) => w.scheduler.runOnce()));
      expect(fired.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await allJobs(dockets[0]!, 'ticks')).toHaveLength(1);
    });

    const dstCases = [
      {
        zone: 'Europe/Paris',
        cron: '30 2 * * *',
        // Spring forward on 2031-03-30: 02:00 → 03:00, so 02:30 does not exist that day.
        from: Date.UTC(2031, 2, 27, 12),
        to: Date.UTC(2031, 3, 1, 12),
        transitionDay: '2031-03-30',
        expectedTime: '02:30',
        // The missing 02:30 fires once, an hour later by the wall clock (croner's rule).
        transitionTimes: ['03:30'],
      },
      {
        zone: 'America/New_York',
        cron: '30 1 * * *',
        // Fall back on 2031-11-02: 02:00 → 01:00, so 01:30 happens twice that day.
        from: Date.UTC(2031, 9, 30, 12),
        to: Date.UTC(2031, 10, 4, 12),
        transitionDay: '2031-11-02',
        expectedTime: '01:30',
        // The first 01:30 (EDT) fires; the repeated one (EST) does not.
        transitionTimes: ['01:30'],
      },
    ];
    for (const c of dstCases) {
      it(`cron "${c.cron}" in ${c.zone} across the DST change of ${c.transitionDay} fires once per wall-clock time`, async () => {
        const clock = new ManualClock(c.from);
        const { dockets, start } = await instances(clock);
        await dockets[0]!.schedule(
          `dst-${c.zone.replace('/', '-')}`,
          { cron: c.cron, timezone: c.zone },
          tick,
          {},
        );
        const workers = dockets.slice(0, 2).map((d) => start(d));
        while (clock.now() < c.to) {
          clock.advance(10 * 60_000);
          await Promise.all(workers.map((w) => w.scheduler.runOnce()));
        }
        const jobs = await allJobs(dockets[0]!, 'ticks');
        const perDay = new Map<string, string[]>();
        for (const job of jobs) {
          const { day, time } = localParts(job.createdAt.getTime(), c.zone);
          perDay.set(day, [...(perDay.get(day) ?? []), time]);
        }
        for (const [day, times] of perDay) {
          if (day === c.transitionDay) {
            expect(times).toEqual(c.transitionTimes);
          } else {
            // The 10-minute steps land on the wall-clock time itself.
            expect(times).toEqual([c.expectedTime]);
          }
        }
        // Every day of the window but the transition day is present.
        expect([...perDay.keys()].filter((d) => d !== c.transitionDay).length).toBeGreaterThanOrEqual(4);
        expect(perDay.get(c.transitionDay)).toEqual(c.transitionTimes);
      });
    }
  });
}
