import { Docket, defineTask, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { stateCounts } from '../src/observer.js';
import { size } from '../src/sizes.js';
import { VARIANTS } from '../src/store-variants.js';
import { sleep, until } from '../src/wait.js';

// Scenario 12: one queue flooded, a second queue with a small weight. The second queue's jobs must
// start within a bounded time, long before the flood is drained.
const FLOOD = size(10_000, 100_000);
const VIP = 20;
const BOUND_MS = 5000;

for (const variant of VARIANTS) {
  describe.runIf(variant.available)(`fairness under a flood (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it(`${FLOOD} flood jobs, weights { flood: 9, vip: 1 }: ${VIP} vip jobs start within ${BOUND_MS} ms`, async () => {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      let floodStarted = 0;
      const vipStarted: number[] = [];
      const flood = defineTask({
        name: 'flood',
        queue: 'flood',
        retention: { completed: 0 },
        handler: async () => {
          floodStarted++;
          await sleep(5);
        },
      });
      const vip = defineTask({
        name: 'vip',
        queue: 'vip',
        handler: async () => {
          vipStarted.push(Date.now());
        },
      });
      const docket = new Docket({ store: ns.open(), tasks: [flood, vip], logger: silentLogger });
      cleanup.push(() => docket.close({ timeout: 2000 }));
      docket.on('error', () => {});
      await docket.setup();
      for (let offset = 0; offset < FLOOD; offset += 1000) {
        await docket.enqueueMany(
          Array.from({ length: Math.min(1000, FLOOD - offset) }, () => ({ task: flood, payload: {} })),
        );
      }
      const worker = docket.work({
        queues: { flood: 9, vip: 1 },
        concurrency: 10,
        pollIntervalMs: 100,
        cleaner: false,
      });
      await until('the flood to be under way', () => floodStarted >= 200, 60_000, 5);
      const enqueuedAt = Date.now();
      await docket.enqueueMany(Array.from({ length: VIP }, () => ({ task: vip, payload: {} })));
      await until('every vip job to start', () => vipStarted.length === VIP, 60_000, 5);
      const floodLeft = (await stateCounts(docket)).ready ?? 0;
      await worker.stop({ timeout: 2000 });

      const latest = Math.max(...vipStarted) - enqueuedAt;
      expect(latest).toBeLessThan(BOUND_MS);
      // They did not wait for the flood to drain.
      expect(floodLeft).toBeGreaterThan(FLOOD / 2);
    });
  });
}
