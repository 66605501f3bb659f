import { describe, expect, it, vi } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { engineFixture, gate, until } from './engine-fixture.js';

describe('Worker: graceful stop', () => {
  it('fires the signal at stop and lets handlers that finish in time complete', async () => {
    const finishing = defineTask({
      name: 'finishing',
      handler: (_payload: null, ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () =>
            setTimeout(() => resolve('wrapped up after the signal'), 5),
          );
        }),
    });
    const { docket, work } = await engineFixture([finishing]);
    const { id } = await docket.enqueue(finishing, null);
    const worker = await work();
    await until(() => worker.running === 1);
    await worker.stop({ timeout: 5000 });
    expect(await docket.getJob(id)).toMatchObject({
      state: 'completed',
      attempts: 1,
      result: 'wrapped up after the signal',
    });
  });

  it('releases interrupted and overdue handlers back to ready without spending attempts', async () => {
    const started: string[] = [];
    const obedient = defineTask({
      name: 'obedient',
      handler: (_payload: null, ctx) =>
        new Promise((_resolve, reject) => {
          started.push('obedient');
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
    });
    const stubborn = defineTask({
      name: 'stubborn',
      handler: () =>
        new Promise(() => {
          started.push('stubborn');
        }),
    });
    const { docket, events, work } = await engineFixture([obedient, stubborn]);
    const a = await docket.enqueue(obedient, null);
    const b = await docket.enqueue(stubborn, null);
    const c = await docket.enqueue(stubborn, null);
    const worker = await work({ concurrency: 2 });
    await until(() => started.length === 2);
    const before = Date.now();
    await worker.stop({ timeout: 60 });
    expect(Date.now() - before).toBeGreaterThanOrEqual(50);
    for (const { id } of [a, b, c]) {
      const job = await docket.getJob(id);
      expect(job).toMatchObject({ state: 'ready', attempts: 0, errors: [], leaseExpiresAt: null });
    }
    expect(events.failed).toHaveLength(0);
    expect(events.retrying).toHaveLength(0);
    expect(events.error).toHaveLength(0);
  });

  it('releases jobs claimed while stopping, before they start', async () => {
    let ran = 0;
    const task = defineTask({ name: 'never-started', handler: async () => ran++ });
    const { docket, store, work } = await engineFixture([task]);
    const worker = await work();
    await worker.drain();
    const hold = gate();
    const inFlight = gate();
    const claim = store.claim.bind(store);
    vi.spyOn(store, 'claim').mockImplementation(async (params) => {
      inFlight.open();
      await hold.promise;
      return claim(params);
    });
    await docket.enqueueMany([
      { task, payload: 1 },
      { task, payload: 2 },
    ]);
    await inFlight.promise;
    const stopped = worker.stop({ timeout: 1000 });
    hold.open();
    await stopped;
    expect(ran).toBe(0);
    const jobs = (await docket.listJobs({ limit: 10 })).jobs;
    expect(jobs.map((j) => [j.state, j.attempts])).toEqual([
      ['ready', 0],
      ['ready', 0],
    ]);
  });

  it('does not wait past its deadline for a claim hanging on the store', async () => {
    const task = defineTask({ name: 'hanging-claim', handler: async () => null });
    const { docket, store, work } = await engineFixture([task]);
    const worker = await work();
    await worker.drain();
    const hold = gate();
    const inFlight = gate();
    const claim = store.claim.bind(store);
    const claimed: Array<Promise<unknown[]>> = [];
    vi.spyOn(store, 'claim').mockImplementation(async (params) => {
      inFlight.open();
      await hold.promise;
      const result = claim(params);
      claimed.push(result);
      return result;
    });
    const { id } = await docket.enqueue(task, null);
    await inFlight.promise;
    const before = Date.now();
    await worker.stop({ timeout: 30 });
    expect(Date.now() - before).toBeLessThan(1000);
    hold.open();
    await until(() => claimed.length === 1);
    expect(await claimed[0]).toHaveLength(1);
    // The claim returned after the stop: its job goes back to ready, unstarted.
    await until(async () => (await docket.getJob(id))?.leaseExpiresAt === null);
    expect(await docket.getJob(id)).toMatchObject({ state: 'ready', attempts: 0 });
  });

  it('is idempotent and a stopped worker claims nothing', async () => {
    let ran = 0;
    const task = defineTask({ name: 'after-stop', handler: async () => ran++ });
    const { docket, store, work } = await engineFixture([task]);
    const worker = await work();
    const first = worker.stop();
    expect(worker.stop()).toBe(first);
    await first;
    const claim = vi.spyOn(store, 'claim');
    await docket.enqueue(task, null);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.drain();
    expect(claim).not.toHaveBeenCalled();
    expect(ran).toBe(0);
    await worker.start();
    expect(claim).not.toHaveBeenCalled();
  });

  it('unsubscribes from the store on stop', async () => {
    const { store, work } = await engineFixture([]);
    const unsubscribed: string[] = [];
    const subscribe = store.subscribe.bind(store);
    vi.spyOn(store, 'subscribe').mockImplementation(async (listener) => {
      const unsubscribe = await subscribe(listener);
      return async () => {
        unsubscribed.push('yes');
        await unsubscribe();
      };
    });
    const worker = await work();
    await worker.stop();
    expect(unsubscribed).toEqual(['yes']);
  });

  it('keeps its claimed jobs for itself, never handing a job to two handlers', async () => {
    const seen: string[] = [];
    const task = defineTask({
      name: 'once',
      handler: async (_payload: number, ctx) => {
        seen.push(ctx.job.id);
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    const { docket, work } = await engineFixture([task]);
    await docket.enqueueMany(Array.from({ length: 60 }, (_, i) => ({ task, payload: i })));
    const workers = await Promise.all([
      work({ concurrency: 5 }),
      work({ concurrency: 7 }),
      work({ concurrency: 3 }),
    ]);
    await until(async () => (await docket.countJobs()).every((c) => c.state === 'completed'));
    await Promise.all(workers.map((w) => w.drain()));
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
  });
});
