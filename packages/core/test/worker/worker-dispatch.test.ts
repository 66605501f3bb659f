import { describe, expect, it, vi } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { systemClock } from '../../src/clock.js';
import { StoreError } from '../../src/errors.js';
import { engineFixture, gate, until } from './engine-fixture.js';
import { seededRandom } from './fixtures.js';

describe('Worker: dispatching', () => {
  it('claims in batches up to its free slots, and again at once after a full batch', async () => {
    const task = defineTask({ name: 'batched', handler: async () => null });
    const { docket, store, work } = await engineFixture([task]);
    await docket.enqueueMany(Array.from({ length: 25 }, (_, i) => ({ task, payload: i })));
    const claim = vi.spyOn(store, 'claim');
    const worker = await work({ concurrency: 50, batchSize: 10 });
    await worker.drain();
    const sizes = claim.mock.results.map((r) => r.value);
    const returned = await Promise.all(sizes);
    expect(claim.mock.calls[0]![0].limit).toBe(10);
    expect(returned.slice(0, 3).map((jobs) => jobs.length)).toEqual([10, 10, 5]);
    const tokens = new Set(claim.mock.calls.map(([params]) => params.token));
    expect(tokens.size).toBe(claim.mock.calls.length);
    expect((await docket.countJobs())[0]).toEqual({ queue: 'default', state: 'completed', count: 25 });
  });

  it('asks for no more jobs than free slots', async () => {
    const release = gate();
    const task = defineTask({ name: 'slots', handler: () => release.promise });
    const { docket, store, work } = await engineFixture([task]);
    await docket.enqueueMany(Array.from({ length: 3 }, () => ({ task, payload: null })));
    const claim = vi.spyOn(store, 'claim');
    const worker = await work({ concurrency: 5 });
    await until(() => worker.running === 3);
    await docket.enqueueMany(Array.from({ length: 4 }, () => ({ task, payload: null })));
    await until(() => worker.running === 5);
    expect(claim.mock.calls.map(([params]) => params.limit)).toEqual([5, 2]);
    release.open();
    await worker.drain();
  });

  it('runs jobs by priority, then runAt, then enqueue order', async () => {
    const order: string[] = [];
    const task = defineTask({
      name: 'ordered',
      handler: async (payload: string) => {
        order.push(payload);
      },
    });
    const { docket, clock, work } = await engineFixture([task]);
    await docket.enqueue(task, 'low-1', { priority: -1 });
    await docket.enqueue(task, 'normal-1');
    await docket.enqueue(task, 'high-1', { priority: 5 });
    await docket.enqueue(task, 'normal-later-runAt', { runAt: clock.now() + 10 });
    await docket.enqueue(task, 'normal-2');
    await docket.enqueue(task, 'high-2', { priority: 5 });
    clock.advance(10);
    await (await work({ concurrency: 1 })).drain();
    expect(order).toEqual(['high-1', 'high-2', 'normal-1', 'normal-2', 'normal-later-runAt', 'low-1']);
  });

  it('serves strict queues in order', async () => {
    const order: string[] = [];
    const task = defineTask({
      name: 'strict',
      handler: async (_payload: null, ctx) => {
        order.push(ctx.job.queue);
      },
    });
    const { docket, work } = await engineFixture([task]);
    for (const queue of ['low', 'default', 'critical', 'low', 'critical']) {
      await docket.enqueue(task, null, { queue });
    }
    await (await work({ concurrency: 1, queues: ['critical', 'default', 'low'] })).drain();
    expect(order).toEqual(['critical', 'critical', 'default', 'low', 'low']);
  });

  it('serves weighted queues in proportion to their weights', async () => {
    const order: string[] = [];
    const task = defineTask({
      name: 'weighted',
      handler: async (_payload: null, ctx) => {
        order.push(ctx.job.queue);
      },
    });
    const { docket, work } = await engineFixture([task]);
    for (const queue of ['critical', 'default', 'low']) {
      await docket.enqueueMany(
        Array.from({ length: 150 }, () => ({ task, payload: null, options: { queue } })),
      );
    }
    const worker = await work({
      concurrency: 1,
      batchSize: 1,
      queues: { critical: 6, default: 3, low: 1 },
      random: seededRandom(7),
    });
    await worker.drain();
    expect(order).toHaveLength(450);
    // While all three queues have work (the first 200 jobs at least), shares follow 6:3:1.
    const head = order.slice(0, 200);
    const share = (q: string) => head.filter((x) => x === q).length / head.length;
    expect(share('critical')).toBeGreaterThan(0.5);
    expect(share('critical')).toBeLessThan(0.7);
    expect(share('default')).toBeGreaterThan(0.22);
    expect(share('default')).toBeLessThan(0.38);
    expect(share('low')).toBeGreaterThan(0.04);
    expect(share('low')).toBeLessThan(0.16);
  });

  it('wakes on an enqueue notification instead of polling', async () => {
    const done: number[] = [];
    const task = defineTask({
      name: 'woken',
      handler: async (payload: number) => {
        done.push(payload);
      },
    });
    const { docket, store, work } = await engineFixture([task]);
    const worker = await work({ pollIntervalMs: 60_000 });
    await worker.drain();
    const claim = vi.spyOn(store, 'claim');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(claim).not.toHaveBeenCalled(); // asleep: no busy polling
    await docket.enqueue(task, 1);
    await until(() => done.length === 1, 4000);
    expect(claim.mock.calls.length).toBeLessThanOrEqual(3);
  });

  it('sleeps until the earliest runAt when it is sooner than the poll', async () => {
    const done: number[] = [];
    const task = defineTask({
      name: 'delayed',
      handler: async (payload: number) => {
        done.push(payload);
      },
    });
    // Real time here: the dispatcher's sleep is what is under test.
    const { docket, store, work } = await engineFixture([task], { clock: systemClock });
    await docket.enqueue(task, 1, { delay: 40 });
    const nextRunAt = vi.spyOn(store, 'nextRunAt');
    const started = Date.now();
    const worker = await work({ pollIntervalMs: 60_000 });
    await until(() => done.length === 1, 4000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    await worker.drain();
    expect(nextRunAt).toHaveBeenCalled();
  });

  it('a job falling due between an empty claim and the nextRunAt read is not left to the safety poll', async () => {
    const done: number[] = [];
    const task = defineTask({
      name: 'due-in-between',
      handler: async (payload: number) => {
        done.push(payload);
      },
    });
    const { docket, clock, store, work } = await engineFixture([task]);
    await docket.enqueue(task, 1, { delay: 40 });
    // The worst moment: the claim finds nothing, then time passes the job's runAt before nextRunAt runs.
    const claim = store.claim.bind(store);
    vi.spyOn(store, 'claim').mockImplementation(async (params) => {
      const claimed = await claim(params);
      if (claimed.length === 0 && done.length === 0) clock.advance(50);
      return claimed;
    });
    await work({ pollIntervalMs: 60_000 });
    await until(() => done.length === 1, 2000);
    expect(done).toEqual([1]);
  });

  it('a delayed job enqueued while the worker sleeps on its safety poll starts near its runAt', async () => {
    const started: number[] = [];
    const task = defineTask({
      name: 'delayed-while-asleep',
      handler: async () => {
        started.push(Date.now());
      },
    });
    // Real time: the wake-up for a scheduled job and the re-read of nextRunAt are under test.
    const { docket, store, work } = await engineFixture([task], { clock: systemClock });
    const worker = await work({ pollIntervalMs: 10_000 });
    await worker.drain();
    // Let the dispatcher settle into its 10 s sleep: nothing is scheduled, so it waits for the poll.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const nextRunAt = vi.spyOn(store, 'nextRunAt');
    const enqueuedAt = Date.now();
    await docket.enqueue(task, null, { delay: 300 });
    await until(() => started.length === 1, 2_000);
    const latency = started[0]! - enqueuedAt;
    expect(latency).toBeGreaterThanOrEqual(290);
    expect(latency).toBeLessThan(800);
    // The wake claimed nothing; the dispatcher re-read nextRunAt instead of sleeping out the poll.
    expect(nextRunAt).toHaveBeenCalled();
  });

  it('survives a store outage: reports errors and resumes', async () => {
    const done: number[] = [];
    const task = defineTask({
      name: 'outage',
      handler: async (payload: number) => {
        done.push(payload);
      },
    });
    const { docket, store, events, work } = await engineFixture([task]);
    const claim = vi.spyOn(store, 'claim').mockRejectedValue(new Error('connection refused'));
    const worker = await work({ pollIntervalMs: 10 });
    await docket.enqueue(task, 1);
    await until(() => events.error.length >= 2);
    expect(events.error[0]!.context).toBe('claim');
    expect(events.error[0]!.error).toBeInstanceOf(StoreError);
    claim.mockRestore();
    await until(() => done.length === 1);
    await worker.drain();
    expect((await docket.countJobs())[0]).toMatchObject({ state: 'completed', count: 1 });
  });

  it('retries an acknowledgement the store refused, keeping the job leased', async () => {
    const task = defineTask({ name: 'ack-retry', handler: async () => 'ok' });
    const { docket, store, events, work } = await engineFixture([task]);
    const acknowledge = vi.spyOn(store, 'acknowledge').mockRejectedValueOnce(new Error('timeout'));
    const { id } = await docket.enqueue(task, null);
    const worker = await work({ pollIntervalMs: 10 });
    await worker.drain();
    expect(acknowledge).toHaveBeenCalledTimes(2);
    expect(events.error.map((e) => e.context)).toEqual(['acknowledge']);
    expect(await docket.getJob(id)).toMatchObject({ state: 'completed', result: 'ok' });
    expect(events.completed).toHaveLength(1);
  });

  it('acknowledges finished jobs in batches', async () => {
    const task = defineTask({ name: 'acked', handler: async () => null });
    const { docket, store, work } = await engineFixture([task]);
    await docket.enqueueMany(Array.from({ length: 40 }, () => ({ task, payload: null })));
    const acknowledge = vi.spyOn(store, 'acknowledge');
    const worker = await work({ concurrency: 40, batchSize: 40 });
    await worker.drain();
    const sizes = acknowledge.mock.calls.map(([params]) => params.acks.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40);
    expect(sizes.length).toBeLessThan(10);
  });
});
