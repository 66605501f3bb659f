import { ManualClock } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { GATED_TASK, GatedDocket } from '../src/gated-docket.js';
import { hookedStore, type StoreHooks } from '../src/hooked-store.js';
import { type Namespace, VARIANTS } from '../src/store-variants.js';
import { until } from '../src/wait.js';

// Scenario 3: the rescuer reads a job as expired, and before it acts the job is completed, renewed or
// rescued and re-claimed by someone else. Its acknowledgement must then change nothing.
const LEASE = 30_000;

for (const variant of VARIANTS) {
  describe.runIf(variant.available)(`rescuer race (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    /** Worker A holds one job (its handler waiting); B's rescuer runs on a store with `hooks`. */
    async function scene() {
      const ns: Namespace = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const clock = new ManualClock(Date.UTC(2031, 5, 1));
      const hooks: StoreHooks = {};
      const make = (name: string, hooked: boolean) => {
        const store = hooked ? hookedStore(ns.open(), hooks) : ns.open();
        const gated = new GatedDocket(name, store, clock);
        cleanup.push(() => gated.docket.close({ timeout: 500 }));
        return gated;
      };
      const a = make('A', false);
      const b = make('B', true);
      const c = make('C', false);
      await a.docket.setup();
      await b.docket.setup();
      await c.docket.setup();
      const { id } = await a.docket.enqueue(GATED_TASK, {});
      // One slot, busy with this job: A cannot claim the job again itself.
      const workerA = a.work(undefined, { concurrency: 1 });
      await a.whenStarted(id, 1);
      // B only rescues: it serves another queue.
      const workerB = b.work(['elsewhere']);
      clock.advance(LEASE + 1000);
      return { id, clock, hooks, a, b, c, workerA, workerB };
    }

    it('completion lands between the rescuer reading the expired lease and acting: the completion stands', async () => {
      const { id, hooks, a, workerB } = await scene();
      hooks.afterListExpired = async () => {
        hooks.afterListExpired = undefined;
        a.open(id, 1);
        await until('A to complete', async () => (await a.docket.getJob(id))?.state === 'completed');
      };
      expect(await workerB.rescuer.runOnce()).toBe(0);
      expect(await workerB.rescuer.runOnce()).toBe(0);
      const job = await a.docket.getJob(id);
      expect([job?.state, job?.attempts, job?.errors, job?.result]).toEqual([
        'completed',
        1,
        [],
        { by: 'A', attempt: 1 },
      ]);
      expect(a.completed).toEqual([id]);
    });

    it('a heartbeat renews the lease before the rescuer acts: the rescue is refused, the worker finishes', async () => {
      const { id, hooks, a, workerA, workerB } = await scene();
      hooks.afterListExpired = async () => {
        hooks.afterListExpired = undefined;
        expect(await workerA.heartbeat()).toBe(0);
      };
      expect(await workerB.rescuer.runOnce()).toBe(0);
      expect((await a.docket.getJob(id))?.state).toBe('active');
      a.open(id, 1);
      await until('A to complete', async () => (await a.docket.getJob(id))?.state === 'completed');
      const job = await a.docket.getJob(id);
      expect([job?.attempts, job?.errors, job?.result]).toEqual([1, [], { by: 'A', attempt: 1 }]);
    });

    it('another rescuer and a re-claim land first: the late rescue is refused, one lease-expired error, the new attempt stands', async () => {
      const { id, clock, hooks, a, b, c } = await scene();
      c.work(); // C's worker re-claims the rescued job.
      const rescuerC = c.work(['elsewhere']);
      hooks.afterListExpired = async () => {
        hooks.afterListExpired = undefined;
        expect(await rescuerC.rescuer.runOnce()).toBe(1);
        clock.advance(1000);
        // C's dispatcher polls every 20 ms (real time) and claims the job again.
        await c.whenStarted(id, 2);
      };
      const workerB = b.work(['elsewhere']);
      expect(await workerB.rescuer.runOnce()).toBe(0);
      let job = await c.docket.getJob(id);
      expect([job?.state, job?.attempts, job?.errors.map((e) => e.message)]).toEqual([
        'active',
        2,
        ['lease expired'],
      ]);

      c.open(id, 2);
      await until('C to complete', async () => (await c.docket.getJob(id))?.state === 'completed');
      a.open(id, 1);
      await until('A to report its stale ack', () =>
        a.errors.some((e) => e.includes(`stale complete ack of job ${id}`)),
      );
      job = await c.docket.getJob(id);
      expect([job?.state, job?.attempts, job?.result]).toEqual(['completed', 2, { by: 'C', attempt: 2 }]);
      expect(job?.errors.map((e) => [e.attempt, e.message])).toEqual([[1, 'lease expired']]);
      expect(a.completed).toEqual([]);
      expect(c.completed).toEqual([id]);
    });
  });
}
