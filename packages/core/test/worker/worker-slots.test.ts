import { describe, expect, it, vi } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { systemClock } from '../../src/clock.js';
import { TimeoutError } from '../../src/errors.js';
import { ShutdownError } from '../../src/worker/job-run.js';
import { engineFixture, gate, until } from './engine-fixture.js';

describe('Worker: slots and lazy per-job state', () => {
  it('frees a slot once the ack is queued, bounds the jobs waiting for their ack, and flushes them at stop()', async () => {
    const started: number[] = [];
    const task = defineTask({
      name: 'quick',
      handler: async (payload: number) => {
        started.push(payload);
      },
    });
    const { docket, store, work, events } = await engineFixture([task]);
    await docket.enqueueMany(Array.from({ length: 6 }, (_, i) => ({ task, payload: i })));
    const hold = gate();
    const original = store.acknowledge.bind(store);
    const acknowledge = vi.spyOn(store, 'acknowledge').mockImplementation(async (params) => {
      await hold.promise;
      return original(params);
    });
    // batchSize 1: at most concurrency + batchSize = 2 finished jobs wait for their ack.
    const worker = await work({ concurrency: 1, batchSize: 1 });
    // With the first ack held in the store, the next job still starts; then the backlog stops the worker.
    await until(() => started.length === 2 && worker.running === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual([0, 1]);
    expect(events.completed).toHaveLength(0);
    const stopped = worker.stop({ timeout: 1000 });
    hold.open();
    await stopped;
    expect(acknowledge).toHaveBeenCalled();
    const counts = await docket.countJobs();
    expect(counts.find((c) => c.state === 'completed')?.count).toBe(2);
    expect(counts.find((c) => c.state === 'ready')?.count).toBe(4);
    const jobs = (await docket.listJobs({ state: 'ready', limit: 10 })).jobs;
    expect(jobs.map((j) => j.attempts)).toEqual([0, 0, 0, 0]);
    expect(events.completed).toHaveLength(2);
  });

  it('gives a signal read after a timeout already aborted with the TimeoutError', async () => {
    let reason: unknown;
    const task = defineTask({
      name: 'late-reader',
      timeout: 10,
      maxAttempts: 1,
      handler: async (_payload: null, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 40));
        reason = ctx.signal.aborted ? ctx.signal.reason : 'not aborted';
      },
    });
    const { docket, work, events } = await engineFixture([task], { clock: systemClock });
    await docket.enqueue(task, null);
    await work();
    await until(() => events.failed.length === 1 && reason !== undefined);
    expect(reason).toBeInstanceOf(TimeoutError);
  });

  it('fires a signal read before a shutdown', async () => {
    const seen = gate<unknown>();
    const task = defineTask({
      name: 'reader',
      handler: (_payload: null, ctx) =>
        new Promise<void>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            seen.open(ctx.signal.reason);
            resolve();
          });
        }),
    });
    const { docket, work } = await engineFixture([task]);
    await docket.enqueue(task, null);
    const worker = await work();
    await until(() => worker.running === 1);
    await worker.stop({ timeout: 1000 });
    expect(await seen.promise).toBeInstanceOf(ShutdownError);
  });

  it('runs synchronous handlers (returning or throwing) and completes a handler well within its timeout', async () => {
    const syncOk = defineTask({ name: 'sync-ok', handler: (payload: number) => payload * 2 });
    const syncThrow = defineTask({
      name: 'sync-throw',
      maxAttempts: 1,
      handler: () => {
        throw new Error('sync failure');
      },
    });
    const withinTimeout = defineTask({
      name: 'within-timeout',
      timeout: 60_000,
      handler: () => new Promise((resolve) => setTimeout(() => resolve('ok'), 10)),
    });
    const { docket, work, events } = await engineFixture([syncOk, syncThrow, withinTimeout], {
      clock: systemClock,
    });
    const a = await docket.enqueue(syncOk, 21);
    const b = await docket.enqueue(syncThrow, null);
    const c = await docket.enqueue(withinTimeout, null);
    await (await work()).drain();
    expect(await docket.getJob(a.id)).toMatchObject({ state: 'completed', result: 42 });
    const failed = await docket.getJob(b.id);
    expect(failed).toMatchObject({ state: 'failed' });
    expect(failed!.errors[0]!.message).toBe('sync failure');
    expect(await docket.getJob(c.id)).toMatchObject({ state: 'completed', result: 'ok' });
    expect(events.failed).toHaveLength(1);
  });
});
