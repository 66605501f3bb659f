import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docket, defineTask, ManualClock, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildWorker, killAll, startChild } from '../src/child-worker.js';
import { readEffects } from '../src/effects.js';
import { SHARED_VARIANTS, VARIANTS } from '../src/store-variants.js';
import { until } from '../src/wait.js';

// Scenario 2: a worker whose handler outlives its lease (a blocked event loop) comes back after the job
// was rescued and re-run elsewhere: its late acknowledgement is rejected, the re-run's outcome stands.
const QUEUE = 'stale';

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy: no timer, heartbeat or I/O callback of this process runs meanwhile.
  }
}

for (const variant of VARIANTS) {
  describe.runIf(variant.available)(`stale worker (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it('ManualClock: the late ack of an expired attempt is rejected; the re-claimed attempt stands', async () => {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const clock = new ManualClock(Date.UTC(2031, 0, 1));
      const effects: Array<[string, number]> = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let startedA!: () => void;
      const aStarted = new Promise<void>((resolve) => {
        startedA = resolve;
      });
      const make = (who: 'A' | 'B', handler: () => Promise<void>) => {
        const task = defineTask({
          name: 'stale-task',
          queue: QUEUE,
          maxAttempts: 5,
          backoff: { type: 'fixed', delay: 1000, jitter: 0 },
          handler: async (_payload: unknown, ctx) => {
            effects.push([who, ctx.job.attempt]);
            await handler();
            return { by: who, attempt: ctx.job.attempt };
          },
        });
        // Memory: both Dockets share the one store instance, which only the last close() closes.
        const docket = new Docket({ store: ns.open(), tasks: [task], clock, logger: silentLogger });
        cleanup.push(() => docket.close({ timeout: 1000 }));
        return docket;
      };
      const a = make('A', async () => {
        startedA();
        await gate;
      });
      const b = make('B', async () => {});
      const errorsA: string[] = [];
      const completedA: string[] = [];
      a.on('error', ({ context }) => errorsA.push(context));
      a.on('completed', ({ job }) => completedA.push(job.id));
      await a.setup();
      await b.setup();
      const { id } = await a.enqueue('stale-task', {});

      // Heartbeats far apart in real time: with the clock moved by hand, none renews the lease meanwhile.
      const options = {
        queues: [QUEUE],
        concurrency: 1,
        leaseMs: 30_000,
        heartbeatMs: 25_000,
        pollIntervalMs: 20,
        rescuer: false,
        scheduler: false,
        cleaner: false,
      } as const;
      const workerA = a.work(options);
      await aStarted;
      clock.advance(3 * 30_000);
      const workerB = b.work(options);
      expect(await workerB.rescuer.runOnce()).toBe(1);
      clock.advance(1000);
      await workerB.drain();
      await until('the re-run to complete', async () => (await b.getJob(id))?.state === 'completed');

      release();
      await until('the stale ack to be reported', () =>
        errorsA.some((c) => c.includes(`stale complete ack of job ${id}`)),
      );
      await workerA.drain();
      const job = await b.getJob(id);
      expect(job?.state).toBe('completed');
      expect(job?.result).toEqual({ by: 'B', attempt: 2 });
      expect(job?.attempts).toBe(2);
      expect(job?.errors.map((e) => [e.attempt, e.message])).toEqual([[1, 'lease expired']]);
      expect(effects).toEqual([
        ['A', 1],
        ['B', 2],
      ]);
      expect(completedA).toEqual([]);
    });

    if (SHARED_VARIANTS.includes(variant)) {
      it('real time: a handler blocking its event loop 3× the lease loses the job to another process', async () => {
        const ns = await variant.fresh();
        cleanup.push(() => ns.destroy());
        const LEASE = 500;
        const effects = join(mkdtempSync(join(tmpdir(), 'docket-stale-')), 'effects.log');
        let childReady!: () => void;
        const ready = new Promise<void>((resolve) => {
          childReady = resolve;
        });
        let started!: () => void;
        const aStarted = new Promise<void>((resolve) => {
          started = resolve;
        });
        const here: number[] = [];
        // Same name and queue as the child fixture's task, so the child can run the rescued job.
        const task = defineTask({
          name: 'chaos-work',
          queue: 'chaos',
          maxAttempts: 50,
          backoff: { type: 'fixed', delay: 50, jitter: 0 },
          handler: async (_payload: unknown, ctx) => {
            here.push(ctx.job.attempt);
            started();
            await ready;
            blockEventLoop(3 * LEASE);
            return { attempt: ctx.job.attempt, pid: process.pid };
          },
        });
        const docket = new Docket({ store: ns.open(), tasks: [task], logger: silentLogger });
        cleanup.push(() => docket.close({ timeout: 1000 }));
        const errors: string[] = [];
        const completed: string[] = [];
        docket.on('error', ({ context }) => errors.push(context));
        docket.on('completed', ({ job }) => completed.push(job.id));
        await docket.setup();
        const { id } = await docket.enqueue('chaos-work', { ms: 10 });
        const worker = docket.work({
          queues: ['chaos'],
          concurrency: 1,
          leaseMs: LEASE,
          pollIntervalMs: 50,
          rescuer: false,
          scheduler: false,
          cleaner: false,
        });
        await aStarted;
        // The other process starts while this one still renews the lease, so it finds nothing to claim.
        const children: ChildWorker[] = [];
        cleanup.push(() => killAll(children));
        children.push(
          await startChild({ spec: ns.spec, effects, concurrency: 1, leaseMs: LEASE, rescuerMs: 100 }),
        );
        childReady();
        await until('the stale ack to be reported', () =>
          errors.some((c) => c.includes(`stale complete ack of job ${id}`)),
        );
        await worker.drain();

        const job = await docket.getJob(id);
        expect(job?.state).toBe('completed');
        expect(job?.attempts).toBe(2);
        expect(job?.result).toEqual({ attempt: 2, pid: children[0]!.pid });
        expect(job?.errors.map((e) => [e.attempt, e.message])).toEqual([[1, 'lease expired']]);
        expect(readEffects(effects).map((e) => [e.what, e.attempt])).toEqual([
          ['start', 2],
          ['done', 2],
        ]);
        expect(here).toEqual([1]);
        expect(completed).toEqual([]);
      });
    }
  });
}
