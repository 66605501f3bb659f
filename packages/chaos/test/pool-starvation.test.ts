import { Docket, defineTask, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { allJobs, stateCounts } from '../src/observer.js';
import { size } from '../src/sizes.js';
import { VARIANTS } from '../src/store-variants.js';
import { sleep, until } from '../src/wait.js';

// Scenario 7: many handlers on few connections. Postgres gets a pool of 2 for 50 concurrent handlers
// (claims, heartbeats, acks and the rescuer all queue for those 2); the other stores run the same load on
// their single connection. Every handler outlives 3 heartbeat intervals, so only renewed leases save it.
const JOBS = size(200, 2000);
const CONCURRENCY = 50;
const HEARTBEAT_MS = 200;
const LEASE_MS = 3 * HEARTBEAT_MS;

for (const variant of VARIANTS) {
  describe.runIf(variant.available)(`pool starvation (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it(`${JOBS} jobs at concurrency ${CONCURRENCY}${variant.kind === 'postgres' ? ' on a pool of 2' : ''}: no deadlock, no lease lost`, async () => {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const runs = new Map<string, number>();
      const task = defineTask({
        name: 'starved',
        queue: 'starved',
        maxAttempts: 5,
        handler: async (_payload: unknown, ctx) => {
          runs.set(ctx.job.id, (runs.get(ctx.job.id) ?? 0) + 1);
          await sleep(3 * HEARTBEAT_MS);
        },
      });
      const store = ns.open(variant.kind === 'postgres' ? { poolSize: 2 } : {});
      const docket = new Docket({ store, tasks: [task], logger: silentLogger });
      cleanup.push(() => docket.close({ timeout: 2000 }));
      const stalled: string[] = [];
      docket.on('stalled', ({ jobId }) => stalled.push(jobId));
      docket.on('error', () => {});
      await docket.setup();
      for (let offset = 0; offset < JOBS; offset += 500) {
        await docket.enqueueMany(
          Array.from({ length: Math.min(500, JOBS - offset) }, () => ({ task, payload: {} })),
        );
      }
      const worker = docket.work({
        queues: ['starved'],
        concurrency: CONCURRENCY,
        leaseMs: LEASE_MS,
        heartbeatMs: HEARTBEAT_MS,
        pollIntervalMs: 50,
        rescuer: { intervalMs: 100 },
      });
      const expected = (JOBS / CONCURRENCY) * 3 * HEARTBEAT_MS;
      await until(
        'every job completed',
        async () => (await stateCounts(docket)).completed === JOBS,
        10 * expected + 30_000,
        100,
      );
      await worker.stop();

      expect(stalled).toEqual([]);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      const jobs = await allJobs(docket);
      expect(jobs.filter((j) => j.attempts !== 1 || j.errors.length > 0)).toEqual([]);
    });
  });
}
