import { describe, expect, it, vi } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { LeaseLostError } from '../../src/errors.js';
import { engineFixture, gate, until } from './engine-fixture.js';

/** A task whose handler waits for the test, recording its signal. */
function blockingTask(name: string, options: { maxAttempts?: number } = {}) {
  const state = { started: 0, signal: undefined as AbortSignal | undefined, release: gate<string>() };
  const task = defineTask({
    name,
    maxAttempts: options.maxAttempts ?? 3,
    backoff: { type: 'fixed', delay: 1000, jitter: 0 },
    handler: async (_payload: null, ctx) => {
      state.started++;
      state.signal = ctx.signal;
      return state.release.promise;
    },
  });
  return { task, state };
}

describe('Worker: leases', () => {
  it('heartbeats keep a long job leased past its first lease', async () => {
    const { task, state } = blockingTask('long');
    const { docket, clock, work } = await engineFixture([task]);
    const { id } = await docket.enqueue(task, null);
    const worker = await work({ leaseMs: 1000, heartbeatMs: 500 });
    await until(() => state.started === 1);
    for (let i = 0; i < 5; i++) {
      clock.advance(600);
      expect(await worker.heartbeat()).toBe(0);
    }
    expect((await docket.getJob(id))!.leaseExpiresAt!.getTime()).toBe(clock.now() + 1000);
    expect(await worker.rescuer.runOnce()).toBe(0);
    state.release.open('done');
    await worker.drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'completed', attempts: 1, result: 'done' });
  });

  it('aborts the handler when its lease is lost and rejects its stale ack', async () => {
    const { task, state } = blockingTask('lost');
    const { docket, clock, events, work } = await engineFixture([task]);
    const { id } = await docket.enqueue(task, null);
    const worker = await work({ leaseMs: 1000, heartbeatMs: 500 });
    const other = await work();
    await until(() => state.started === 1);

    clock.advance(1000);
    expect(await other.rescuer.runOnce()).toBe(1);
    expect(await docket.getJob(id)).toMatchObject({ state: 'retrying', attempts: 1 });

    expect(await worker.heartbeat()).toBe(1);
    expect(state.signal!.aborted).toBe(true);
    expect(state.signal!.reason).toBeInstanceOf(LeaseLostError);

    // The handler finishes anyway: its completion must not overwrite the rescued job.
    state.release.open('late result');
    await until(() => events.error.length === 1);
    expect(events.error[0]!.error).toBeInstanceOf(LeaseLostError);
    expect(events.error[0]!.context).toMatch(/stale complete ack/);
    const job = await docket.getJob(id);
    expect(job).toMatchObject({ state: 'retrying', result: null });
    expect(events.completed).toHaveLength(0);
  });

  it('aborts the handler of a job cancelled by an operator', async () => {
    const { task, state } = blockingTask('cancelled');
    const { docket, events, work } = await engineFixture([task]);
    const { id } = await docket.enqueue(task, null);
    const worker = await work();
    await until(() => state.started === 1);
    await docket.cancel(id, 'not needed');
    expect(await worker.heartbeat()).toBe(1);
    expect(state.signal!.reason).toBeInstanceOf(LeaseLostError);
    state.release.open('ignored');
    await worker.drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'cancelled', cancelReason: 'not needed' });
    expect(events.error.map((e) => e.error)).toEqual([expect.any(LeaseLostError)]);
  });

  it('ctx.heartbeat() renews the lease and throws LeaseLostError once it is lost', async () => {
    const seen: unknown[] = [];
    const next = gate();
    const beating = defineTask({
      name: 'beating',
      handler: async (_payload: null, ctx) => {
        await ctx.heartbeat();
        seen.push('renewed');
        await next.promise;
        try {
          await ctx.heartbeat();
        } catch (error) {
          seen.push(error);
          throw error;
        }
      },
    });
    const { docket, clock, work } = await engineFixture([beating]);
    const { id } = await docket.enqueue(beating, null);
    const worker = await work({ leaseMs: 1000, heartbeatMs: 500 });
    await until(() => seen.length === 1);
    await docket.cancel(id);
    clock.advance(10);
    next.open();
    await worker.drain();
    expect(seen).toEqual(['renewed', expect.any(LeaseLostError)]);
  });

  it('the rescuer fails the job when the expired attempt was its last', async () => {
    const { task, state } = blockingTask('last', { maxAttempts: 1 });
    const { docket, clock, events, work } = await engineFixture([task]);
    const { id } = await docket.enqueue(task, null);
    const worker = await work({ leaseMs: 1000, heartbeatMs: 500 });
    await until(() => state.started === 1);
    clock.advance(1500);
    expect(await worker.rescuer.runOnce()).toBe(1);
    const job = await docket.getJob(id);
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(job!.errors).toMatchObject([{ attempt: 1, message: 'lease expired', name: 'LeaseExpiredError' }]);
    expect(events.stalled).toEqual([
      { jobId: id, task: 'last', queue: 'default', attempt: 1, willRetry: false },
    ]);
    expect(events.failed).toHaveLength(1);
    state.release.open('x');
  });

  it('the rescuer retries an expired lease per the task policy and the job runs again', async () => {
    const { task, state } = blockingTask('again');
    const { docket, clock, events, store, work } = await engineFixture([task]);
    const { id } = await docket.enqueue(task, null);
    // A worker that "dies": it claims, then never heartbeats or acks.
    const claimed = await store.claim({
      queues: ['default'],
      limit: 1,
      now: clock.now(),
      leaseMs: 1000,
      token: 'dead-worker',
      workerId: 'dead',
    });
    expect(claimed).toHaveLength(1);
    const worker = await work();
    clock.advance(1000);
    expect(await worker.rescuer.runOnce()).toBe(1);
    expect(events.stalled).toEqual([
      { jobId: id, task: 'again', queue: 'default', attempt: 1, willRetry: true },
    ]);
    const rescued = await docket.getJob(id);
    expect(rescued).toMatchObject({ state: 'retrying', attempts: 1 });
    expect(rescued!.runAt.getTime()).toBe(clock.now() + 1000);
    clock.advance(1000);
    state.release.open('second time');
    await worker.drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'completed', attempts: 2, result: 'second time' });
  });

  it('the rescuer loses to a lease renewed in the meantime', async () => {
    const { task, state } = blockingTask('renewed');
    const { docket, clock, store, events, work } = await engineFixture([task]);
    const { id } = await docket.enqueue(task, null);
    const worker = await work({ leaseMs: 1000, heartbeatMs: 500 });
    await until(() => state.started === 1);
    clock.advance(1000);
    const expired = await store.listExpiredLeases({ now: clock.now(), limit: 10 });
    expect(expired.map((j) => j.id)).toEqual([id]);
    // The owner renews between the rescuer's read and its ack.
    const list = vi.spyOn(store, 'listExpiredLeases').mockResolvedValueOnce(expired);
    await worker.heartbeat();
    expect(await worker.rescuer.runOnce()).toBe(0);
    expect(list).toHaveBeenCalled();
    expect(events.stalled).toHaveLength(0);
    state.release.open('ok');
    await worker.drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'completed', attempts: 1 });
  });

  it('frees the slot of a handler that ignores the loss of its lease, without acking', async () => {
    const hung = defineTask({ name: 'hung', handler: () => new Promise(() => {}) });
    const next = defineTask({ name: 'next', handler: async () => 'ran' });
    const { docket, store, events, work } = await engineFixture([hung, next]);
    const a = await docket.enqueue(hung, null);
    const worker = await work({ concurrency: 1, leaseMs: 100, heartbeatMs: 30 });
    await until(() => worker.running === 1);
    const b = await docket.enqueue(next, null);
    await docket.cancel(a.id, 'stuck');
    const acknowledge = vi.spyOn(store, 'acknowledge');
    await until(() => worker.running === 0 || events.error.length > 0);
    await worker.drain();
    expect(await docket.getJob(b.id)).toMatchObject({ state: 'completed', result: 'ran' });
    expect(acknowledge.mock.calls.flatMap(([p]) => p.acks.map((ack) => ack.id))).toEqual([b.id]);
    expect(events.error.map((e) => e.context)).toEqual([
      `handler of job ${a.id} kept running after losing its lease`,
    ]);
    expect(events.error[0]!.error).toBeInstanceOf(LeaseLostError);
  });
});
