import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docket, defineTask, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildConfig, type ChildWorker, killAll, startChild } from '../src/child-worker.js';
import { hookedStore, type StoreHooks } from '../src/hooked-store.js';
import { observer, stateCounts } from '../src/observer.js';
import type { Namespace } from '../src/store-variants.js';
import { SHARED_VARIANTS, VARIANTS } from '../src/store-variants.js';
import { until } from '../src/wait.js';

// Scenario 5: SIGTERM to a worker process with jobs in flight. "Prefetched" jobs come in two kinds:
// those the dispatcher claimed ahead of its free slots and holds in its buffer (leased, not started),
// and those of a claim still in flight when the stop begins; both go back to ready uncharged (the last
// two describe blocks). Here: the ready jobs behind the running ones stay ready with no attempt charged.
const LEASE_MS = 1000;

for (const variant of SHARED_VARIANTS) {
  describe.runIf(variant.available)(`graceful shutdown (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    async function setupRun(): Promise<{
      ns: Namespace;
      docket: Docket;
      config: ChildConfig;
      children: ChildWorker[];
    }> {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const docket = observer(ns.open());
      cleanup.push(() => docket.close());
      await docket.setup();
      const effects = join(mkdtempSync(join(tmpdir(), 'docket-term-')), 'effects.log');
      const children: ChildWorker[] = [];
      cleanup.push(() => killAll(children));
      return { ns, docket, children, config: { spec: ns.spec, effects, concurrency: 4, leaseMs: LEASE_MS } };
    }

    it('in-flight jobs drain or abort within the grace period; unstarted jobs stay ready, uncharged', async () => {
      const { docket, config, children } = await setupRun();
      const finishing = await docket.enqueueMany(
        Array.from({ length: 2 }, () => ({
          task: 'chaos-stubborn',
          payload: { ms: 600 },
          options: { priority: 10 },
        })),
      );
      const aborting = await docket.enqueueMany(
        Array.from({ length: 2 }, () => ({
          task: 'chaos-work',
          payload: { ms: 30_000 },
          options: { priority: 5 },
        })),
      );
      const waiting = await docket.enqueueMany(
        Array.from({ length: 20 }, () => ({ task: 'chaos-work', payload: { ms: 10 } })),
      );
      const child = await startChild({ ...config, stopTimeoutMs: 3000 });
      children.push(child);
      await until('four handlers running', () => child.count('start') >= 4);
      child.kill('SIGTERM');
      const exit = await child.exited;
      const stopped = child.events.find((e) => e.ev === 'stopped');

      expect(exit.code).toBe(0);
      // The stubborn handlers needed 600 ms; the aborting ones gave up at once.
      expect(stopped?.ms).toBeLessThan(3000);
      for (const { id } of finishing) expect((await docket.getJob(id))?.state).toBe('completed');
      for (const { id } of aborting) {
        const job = await docket.getJob(id);
        expect([job?.state, job?.attempts, job?.errors]).toEqual(['ready', 0, []]);
      }
      for (const { id } of waiting) {
        const job = await docket.getJob(id);
        expect([job?.state, job?.attempts]).toEqual(['ready', 0]);
      }
    });

    it('a handler that outlives the grace period is released uncharged when it ends', async () => {
      const { docket, config, children } = await setupRun();
      const { id } = await docket.enqueue('chaos-stubborn', { ms: 30_000 });
      const child = await startChild({ ...config, stopTimeoutMs: 800 });
      children.push(child);
      await child.waitFor((e) => e.ev === 'start');
      child.kill('SIGTERM');
      const exit = await child.exited;
      expect(exit.code).toBe(0);
      const stopped = child.events.find((e) => e.ev === 'stopped');
      expect(stopped?.ms).toBeGreaterThanOrEqual(700);
      expect(stopped?.ms).toBeLessThan(5000);
      const job = await docket.getJob(id);
      expect([job?.state, job?.attempts, job?.errors]).toEqual(['ready', 0, []]);
    });

    it('a second SIGTERM forces the exit; a new worker then finishes every job', async () => {
      const { docket, config, children } = await setupRun();
      const { id: stuck } = await docket.enqueue('chaos-stubborn', { ms: 1500 }, { priority: 10 });
      const rest = await docket.enqueueMany(
        Array.from({ length: 10 }, () => ({ task: 'chaos-work', payload: { ms: 10 } })),
      );
      const child = await startChild({ ...config, concurrency: 1, stopTimeoutMs: 20_000 });
      children.push(child);
      await child.waitFor((e) => e.ev === 'start' && e.id === stuck);
      child.kill('SIGTERM');
      await child.waitFor((e) => e.ev === 'sigterm');
      const forcedAt = Date.now();
      child.kill('SIGTERM');
      const exit = await child.exited;
      expect(Date.now() - forcedAt).toBeLessThan(2000);
      expect(exit.code).toBe(3);
      expect(child.count('forced')).toBe(1);
      expect(child.count('stopped')).toBe(0);

      // The forced exit left the job leased; the next worker rescues it once the lease expires.
      const next = await startChild(config);
      children.push(next);
      await until(
        'every job completed',
        async () => (await stateCounts(docket)).completed === rest.length + 1,
        30_000,
      );
      const job = await docket.getJob(stuck);
      expect(job?.attempts).toBe(2);
      expect(job?.errors.map((e) => e.message)).toEqual(['lease expired']);
      next.kill('SIGTERM');
      expect((await next.exited).code).toBe(0);
    });
  });
}

// The "prefetched" jobs: a claim has taken them in the store but the worker has not started them when
// stop() begins. In-process, with the claim held open by a store hook, on every store.
for (const variant of VARIANTS) {
  describe.runIf(variant.available)(`graceful shutdown with a claim in flight (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it('jobs of a claim in flight at stop() go back to ready uncharged; a new worker runs them once', async () => {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const hooks: StoreHooks = {};
      const runs = new Map<string, number>();
      const task = defineTask({
        name: 'prefetched',
        queue: 'prefetch',
        handler: async (_payload: unknown, ctx) => {
          runs.set(ctx.job.id, (runs.get(ctx.job.id) ?? 0) + 1);
        },
      });
      const docket = new Docket({
        store: hookedStore(ns.open(), hooks),
        tasks: [task],
        logger: silentLogger,
      });
      docket.on('error', () => {});
      cleanup.push(() => docket.close({ timeout: 1000 }));
      await docket.setup();
      const jobs = await docket.enqueueMany(Array.from({ length: 5 }, () => ({ task, payload: {} })));

      let letClaimReturn!: () => void;
      const claimHeld = new Promise<void>((resolve) => {
        letClaimReturn = resolve;
      });
      let claimTook!: (count: number) => void;
      const claimed = new Promise<number>((resolve) => {
        claimTook = resolve;
      });
      hooks.afterClaim = async (taken) => {
        hooks.afterClaim = undefined;
        claimTook(taken.length);
        await claimHeld;
      };
      const options = {
        queues: ['prefetch'],
        concurrency: 5,
        pollIntervalMs: 20,
        rescuer: false,
        scheduler: false,
        cleaner: false,
      };
      const first = docket.work(options);
      expect(await claimed).toBe(5);
      for (const { id } of jobs) expect((await docket.getJob(id))?.state).toBe('active');
      const stopping = first.stop({ timeout: 2000 });
      letClaimReturn();
      await stopping;

      expect(runs.size).toBe(0);
      for (const { id } of jobs) {
        const job = await docket.getJob(id);
        expect([job?.state, job?.attempts, job?.errors]).toEqual(['ready', 0, []]);
      }
      const second = docket.work(options);
      await until('every job completed', async () => (await stateCounts(docket)).completed === jobs.length);
      await second.stop();
      expect([...runs.values()]).toEqual(Array(jobs.length).fill(1));
      for (const { id } of jobs) expect((await docket.getJob(id))?.attempts).toBe(1);
    });
  });
}

// The prefetch buffer: jobs claimed ahead of the free slots and waiting for one when stop() begins.
for (const variant of VARIANTS) {
  describe.runIf(variant.available)(`graceful shutdown with a full prefetch buffer (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it('buffered jobs go back to ready uncharged, the running one too after the deadline; a new worker runs each once', async () => {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const runs = new Map<string, number>();
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => {
        openGate = resolve;
      });
      const task = defineTask({
        name: 'buffered',
        queue: 'buffered',
        handler: async (payload: { wait: boolean }, ctx) => {
          runs.set(ctx.job.id, (runs.get(ctx.job.id) ?? 0) + 1);
          if (payload.wait) await gate; // ignores its signal: released at the stop deadline
        },
      });
      const docket = new Docket({ store: ns.open(), tasks: [task], logger: silentLogger });
      docket.on('error', () => {});
      cleanup.push(() => docket.close({ timeout: 1000 }));
      await docket.setup();
      const options = {
        queues: ['buffered'],
        concurrency: 1,
        prefetch: 10,
        pollIntervalMs: 50,
        rescuer: false,
        scheduler: false,
        cleaner: false,
      } as const;
      const first = docket.work(options);
      // A quick job first: the dispatcher only prefetches once it knows its handlers are fast.
      const [quick] = await docket.enqueueMany([{ task, payload: { wait: false } }]);
      await until(
        'the quick job completed',
        async () => (await docket.getJob(quick!.id))?.state === 'completed',
      );
      const jobs = await docket.enqueueMany(
        Array.from({ length: 30 }, () => ({ task, payload: { wait: true } })),
      );
      // One running, ten buffered.
      await until('one running job and a full buffer', async () => (await stateCounts(docket)).active === 11);
      expect(runs.size).toBe(2);
      await first.stop({ timeout: 100 });

      for (const { id } of jobs) {
        const job = await docket.getJob(id);
        expect([job?.state, job?.attempts, job?.errors]).toEqual(['ready', 0, []]);
      }
      openGate();
      const second = docket.work(options);
      await until(
        'every job completed',
        async () => (await stateCounts(docket)).completed === jobs.length + 1,
      );
      await second.stop();
      // The interrupted job ran twice (once cut off by the stop), every other job once.
      const counts = jobs.map(({ id }) => runs.get(id));
      expect(counts.filter((n) => n === 2)).toHaveLength(1);
      expect(counts.filter((n) => n === 1)).toHaveLength(jobs.length - 1);
      for (const { id } of jobs) expect((await docket.getJob(id))?.attempts).toBe(1);
    });
  });
}
