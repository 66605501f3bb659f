import { TcpProxy } from '@docket/conformance';
import { Docket, defineTask, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreSpec } from '../fixtures/open-store.mjs';
import { observer, stateCounts } from '../src/observer.js';
import { size } from '../src/sizes.js';
import { NETWORK_VARIANTS } from '../src/store-variants.js';
import { sleep, until } from '../src/wait.js';

// Scenario 6: a TCP proxy between the workers and the server cuts every connection several times
// during a drain. Observation goes through a direct connection the cuts never touch.
const JOBS = size(2000, 10_000);
const CUTS = size(4, 8);

function throughProxy(spec: StoreSpec, port: number): StoreSpec {
  if (spec.kind !== 'postgres' && spec.kind !== 'redis') throw new Error('network stores only');
  const url = new URL(spec.url);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { ...spec, url: url.toString() };
}

function target(spec: StoreSpec): { host: string; port: number } {
  if (spec.kind !== 'postgres' && spec.kind !== 'redis') throw new Error('network stores only');
  const url = new URL(spec.url);
  return { host: url.hostname, port: Number(url.port || (spec.kind === 'postgres' ? 5432 : 6379)) };
}

for (const variant of NETWORK_VARIANTS) {
  describe.runIf(variant.available)(`connection loss (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it(`${CUTS} cuts of every connection during a ${JOBS}-job drain: each job completes once, the worker and its listener recover`, async () => {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const proxy = new TcpProxy(target(ns.spec));
      const port = await proxy.start();
      cleanup.push(() => proxy.stop());

      const runs = new Map<string, number>();
      const completedEvents = new Map<string, number>();
      let started = 0;
      const task = defineTask({
        name: 'cut-work',
        queue: 'cut',
        maxAttempts: 20,
        backoff: { type: 'fixed', delay: 50, jitter: 0 },
        handler: async (_payload: unknown, ctx) => {
          started++;
          runs.set(ctx.job.id, (runs.get(ctx.job.id) ?? 0) + 1);
          await sleep(2);
        },
      });
      const probeStarts: number[] = [];
      const probe = defineTask({
        name: 'cut-probe',
        queue: 'probe',
        handler: async () => {
          probeStarts.push(Date.now());
        },
      });
      const observe = observer(ns.open(), [task, probe]);
      cleanup.push(() => observe.close());
      await observe.setup();
      for (let offset = 0; offset < JOBS; offset += 500) {
        await observe.enqueueMany(
          Array.from({ length: Math.min(500, JOBS - offset) }, (_, i) => ({
            task,
            payload: { n: offset + i },
          })),
        );
      }

      const docket = new Docket({
        store: ns.open(throughProxy(ns.spec, port)),
        tasks: [task, probe],
        logger: silentLogger,
      });
      cleanup.push(() => docket.close({ timeout: 2000 }));
      // Cut connections surface as reported errors (claims, acks, heartbeats), which the worker retries.
      docket.on('error', () => {});
      docket.on('completed', ({ job }) =>
        completedEvents.set(job.id, (completedEvents.get(job.id) ?? 0) + 1),
      );
      await docket.setup();
      const worker = docket.work({ queues: ['cut'], concurrency: 20, leaseMs: 2000, pollIntervalMs: 100 });
      // Idle on its own queue with a 60 s safety poll: only a working listener wakes it.
      const prober = docket.work({
        queues: ['probe'],
        concurrency: 1,
        pollIntervalMs: 60_000,
        rescuer: false,
      });

      let cuts = 0;
      while (cuts < CUTS) {
        const threshold = ((cuts + 1) * JOBS) / (CUTS + 1);
        await until('the drain to progress', () => started >= threshold, 60_000, 5);
        proxy.cut();
        cuts++;
      }
      await until(
        'every job completed',
        async () => (await stateCounts(observe)).completed === JOBS,
        size(120_000, 900_000),
        200,
      );

      expect(cuts).toBe(CUTS);
      expect(proxy.connections).toBeGreaterThan(CUTS);
      expect(await stateCounts(observe)).toEqual({ completed: JOBS });
      expect(runs.size).toBe(JOBS);
      // The store applied one completion per job; the worker announced at most one.
      for (const count of completedEvents.values()) expect(count).toBe(1);

      // The same processes, never restarted: the listener re-subscribed after the cuts.
      await sleep(300);
      const enqueuedAt = Date.now();
      await observe.enqueue(probe, {});
      await until('the probe job to start', () => probeStarts.length === 1, 10_000, 10);
      expect(probeStarts[0]! - enqueuedAt).toBeLessThan(5000);
      await worker.stop();
      await prober.stop();
    });
  });
}
