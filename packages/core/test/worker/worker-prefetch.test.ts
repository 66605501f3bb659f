import { describe, expect, it, vi } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { systemClock } from '../../src/clock.js';
import { engineFixture, gate, until } from './engine-fixture.js';

/**
 * A task whose payload `'quick'` returns at once (it gives the worker a
 * handler duration to prefetch by) and whose other payloads wait for `release`.
 */
function gatedTask() {
  const state = { order: [] as string[], release: gate() };
  const task = defineTask({
    name: 'gated',
    handler: async (payload: string) => {
      state.order.push(payload);
      if (payload !== 'quick') await state.release.promise;
    },
  });
  return { task, state };
}

/** How many jobs are active in the store (every queue): running and buffered ones. */
async function activeCount(docket: { countJobs(): Promise<Array<{ state: string; count: number }>> }) {
  return (await docket.countJobs()).reduce((sum, c) => sum + (c.state === 'active' ? c.count : 0), 0);
}

describe('Worker: prefetch', () => {
  it('claims and acknowledges in batches at concurrency 1', async () => {
    const task = defineTask({ name: 'noop', handler: async () => null });
    const claims: Record<string, number> = {};
    const acks: Record<string, number> = {};
    for (const prefetch of [0, undefined]) {
      const { docket, store, work } = await engineFixture([task]);
      await docket.enqueueMany(Array.from({ length: 200 }, (_, i) => ({ task, payload: i })));
      const claim = vi.spyOn(store, 'claim');
      const acknowledge = vi.spyOn(store, 'acknowledge');
      const worker = await work({ concurrency: 1, prefetch });
      await worker.drain();
      expect((await docket.countJobs())[0]).toEqual({ queue: 'default', state: 'completed', count: 200 });
      claims[String(prefetch)] = claim.mock.calls.length;
      acks[String(prefetch)] = acknowledge.mock.calls.length;
    }
    // Without prefetch every freed slot costs a claim; with it, one claim per refill of the buffer.
    expect(claims['0']).toBeGreaterThanOrEqual(200);
    expect(claims.undefined).toBeLessThanOrEqual(10);
    // Finished jobs do not wait for their ack before the next starts: acks travel in batches.
    expect(acks.undefined).toBeLessThanOrEqual(20);
  });

  it('never starts more handlers than its concurrency, and claims beyond it only up to prefetch', async () => {
    const { task, state } = gatedTask();
    const { docket, store, work } = await engineFixture([task]);
    await docket.enqueue(task, 'quick');
    const worker = await work({ concurrency: 2, prefetch: 5 });
    await worker.drain();
    const claim = vi.spyOn(store, 'claim');
    await docket.enqueueMany(Array.from({ length: 20 }, (_, i) => ({ task, payload: `job-${i}` })));
    await until(async () => (await activeCount(docket)) === 7);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.order).toEqual(['quick', 'job-0', 'job-1']);
    expect(await activeCount(docket)).toBe(7);
    expect(claim.mock.calls.every(([params]) => params.limit <= 7)).toBe(true);
    state.release.open();
    await worker.drain();
    expect(state.order).toHaveLength(21);
  });

  it('stop() returns prefetched jobs to ready without spending an attempt', async () => {
    const { task, state } = gatedTask();
    const { docket, events, work } = await engineFixture([task]);
    await docket.enqueue(task, 'quick');
    const worker = await work({ concurrency: 1, prefetch: 10 });
    await worker.drain();
    await docket.enqueueMany(Array.from({ length: 30 }, (_, i) => ({ task, payload: `job-${i}` })));
    await until(async () => (await activeCount(docket)) === 11);
    expect(state.order).toEqual(['quick', 'job-0']);
    // The running handler ignores its signal: it is released at the deadline too.
    await worker.stop({ timeout: 30 });
    expect(state.order).toEqual(['quick', 'job-0']);
    const ready = (await docket.listJobs({ state: 'ready', limit: 100 })).jobs;
    expect(ready).toHaveLength(30);
    for (const job of ready) {
      expect(job).toMatchObject({ attempts: 0, errors: [], leaseExpiresAt: null });
    }
    expect(events.failed).toHaveLength(0);
    expect(events.retrying).toHaveLength(0);
    expect(events.error).toHaveLength(0);
    state.release.open();
  });

  it('heartbeats the leases of prefetched jobs so they never lapse while they wait', async () => {
    const { task, state } = gatedTask();
    const { docket, clock, store, events, work } = await engineFixture([task]);
    await docket.enqueue(task, 'quick');
    const worker = await work({ concurrency: 1, prefetch: 10, leaseMs: 1000, heartbeatMs: 500 });
    await worker.drain();
    await docket.enqueueMany(Array.from({ length: 5 }, (_, i) => ({ task, payload: `job-${i}` })));
    await until(async () => (await activeCount(docket)) === 5);
    for (let i = 0; i < 5; i++) {
      clock.advance(600);
      expect(await worker.heartbeat()).toBe(0);
      const leased = await store.listJobs({ now: clock.now(), state: 'active', limit: 10 });
      expect(leased.jobs.map((job) => job.leaseExpiresAt)).toEqual(Array(5).fill(clock.now() + 1000));
      expect(await worker.rescuer.runOnce()).toBe(0);
    }
    state.release.open();
    await worker.drain();
    const completed = (await docket.listJobs({ state: 'completed', limit: 10 })).jobs;
    expect(completed).toHaveLength(6);
    expect(completed.map((job) => job.attempts)).toEqual(Array(6).fill(1));
    expect(events.stalled).toHaveLength(0);
  });

  it('drops a prefetched job whose lease was lost before it started', async () => {
    const { task, state } = gatedTask();
    const { docket, events, work } = await engineFixture([task]);
    await docket.enqueue(task, 'quick');
    const worker = await work({ concurrency: 1, prefetch: 10 });
    await worker.drain();
    await docket.enqueue(task, 'running');
    const { id } = await docket.enqueue(task, 'cancelled-while-buffered');
    await docket.enqueue(task, 'last');
    await until(async () => (await activeCount(docket)) === 3);
    await docket.cancel(id, 'not needed');
    expect(await worker.heartbeat()).toBe(1);
    state.release.open();
    await worker.drain();
    expect(state.order).toEqual(['quick', 'running', 'last']);
    expect(await docket.getJob(id)).toMatchObject({ state: 'cancelled', cancelReason: 'not needed' });
    expect(events.error).toHaveLength(0);
  });

  it('starts a prefetched job after a later-claimed job that outranks it (rule 2)', async () => {
    const { task, state } = gatedTask();
    const { docket, work } = await engineFixture([task]);
    await docket.enqueue(task, 'quick');
    const worker = await work({ concurrency: 1, prefetch: 10 });
    await worker.drain();
    await docket.enqueue(task, 'running');
    await until(() => state.order.length === 2);
    await docket.enqueueMany([
      { task, payload: 'normal-1' },
      { task, payload: 'normal-2' },
    ]);
    await until(async () => (await activeCount(docket)) === 3);
    await docket.enqueue(task, 'urgent', { priority: 5 });
    await until(async () => (await activeCount(docket)) === 4);
    state.release.open();
    await worker.drain();
    expect(state.order).toEqual(['quick', 'running', 'urgent', 'normal-1', 'normal-2']);
  });

  it('keeps strict queue order across claims in the buffer', async () => {
    const { task, state } = gatedTask();
    const { docket, work } = await engineFixture([task]);
    await docket.enqueue(task, 'quick', { queue: 'low' });
    const worker = await work({ concurrency: 1, prefetch: 10, queues: ['high', 'low'] });
    await worker.drain();
    await docket.enqueue(task, 'running', { queue: 'low' });
    await until(() => state.order.length === 2);
    await docket.enqueue(task, 'low-1', { queue: 'low' });
    await until(async () => (await activeCount(docket)) === 2);
    await docket.enqueue(task, 'high-1', { queue: 'high' });
    await until(async () => (await activeCount(docket)) === 3);
    state.release.open();
    await worker.drain();
    expect(state.order).toEqual(['quick', 'running', 'high-1', 'low-1']);
  });

  it('does not prefetch for handlers slower than its horizon', async () => {
    const task = defineTask({
      name: 'slow',
      handler: () => new Promise((resolve) => setTimeout(resolve, 250)),
    });
    // Real time: the handlers' measured durations are what is under test.
    const { docket, store, work } = await engineFixture([task], { clock: systemClock });
    await docket.enqueueMany(Array.from({ length: 3 }, () => ({ task, payload: null })));
    const claim = vi.spyOn(store, 'claim');
    const worker = await work({ concurrency: 1 });
    await until(async () => (await docket.countJobs())[0]?.state === 'completed', 4000);
    await worker.drain();
    expect(claim.mock.calls.map(([params]) => params.limit).every((limit) => limit === 1)).toBe(true);
  });
});
