import { InvalidStateError, JobNotFoundError } from '@docket/core';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { attemptError, claimOf, claimOne, newJob, T0 } from './fixtures.js';

describe('MemoryStore: operator transitions', () => {
  it('cancelJob on an active job clears its lease so the worker acks are rejected', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x' })] });
    await claimOne(store);
    const cancelled = await store.cancelJob({ id: 'x', reason: 'operator', now: T0 + 1 });
    expect(cancelled).toMatchObject({ state: 'cancelled', leaseToken: null, cancelReason: 'operator' });
    expect(await store.heartbeat({ now: T0 + 1, leaseMs: 1, leases: [{ id: 'x', token: 'tok-1' }] })).toEqual(
      [false],
    );
    expect(await store.listExpiredLeases({ now: T0 + 60_000, limit: 5 })).toEqual([]);
    await expect(store.cancelJob({ id: 'x', reason: 'again', now: T0 })).rejects.toBeInstanceOf(
      InvalidStateError,
    );
    expect(await store.cancelJob({ id: 'nope', reason: 'r', now: T0 })).toBeNull();
  });

  it('cancelJob removes a ready job from its queue', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x' }), newJob({ id: 'y', runAt: T0 + 5 })] });
    await store.cancelJob({ id: 'x', reason: 'r', now: T0 });
    await store.cancelJob({ id: 'y', reason: 'r', now: T0 });
    expect(await store.claim(claimOf(['default'], T0 + 10, 5))).toEqual([]);
    expect(await store.nextRunAt({ queues: ['default'], now: T0 })).toBeNull();
  });

  it('retryJob moves failed/cancelled back to ready with one more attempt, keeping errors', async () => {
    const store = new MemoryStore();
    const retention = { completed: null, failed: 10, cancelled: null, dropPayload: false };
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x', maxAttempts: 1, retention })] });
    await claimOne(store);
    await store.acknowledge({
      now: T0,
      acks: [{ type: 'fail', id: 'x', token: 'tok-1', error: attemptError(1), retryAt: null }],
    });
    const retried = await store.retryJob({ id: 'x', now: T0 + 5 });
    expect(retried).toMatchObject({
      state: 'ready',
      runAt: T0 + 5,
      finishedAt: null,
      deleteAt: null,
      maxAttempts: 2,
      attempts: 1,
    });
    expect(retried!.errors).toHaveLength(1);
    // Retention no longer applies to it.
    expect(await store.deleteExpired({ now: T0 + 1000, limit: 10 })).toBe(0);
    expect((await claimOne(store, 'default', T0 + 5)).attempts).toBe(2);
    await expect(store.retryJob({ id: 'x', now: T0 })).rejects.toBeInstanceOf(InvalidStateError);
    expect(await store.retryJob({ id: 'nope', now: T0 })).toBeNull();
  });

  it('releaseHold throws for a job that is not held', async () => {
    const store = new MemoryStore();
    await store.enqueue({
      now: T0,
      jobs: [newJob({ id: 'x' }), newJob({ id: 'h', hold: true, runAt: T0 + 9 })],
    });
    await expect(store.releaseHold({ id: 'x', now: T0 })).rejects.toBeInstanceOf(InvalidStateError);
    expect(await store.releaseHold({ id: 'h', now: T0 })).toMatchObject({ state: 'scheduled', held: false });
    await expect(store.releaseHold({ id: 'h', now: T0 })).rejects.toBeInstanceOf(InvalidStateError);
    expect(await store.releaseHold({ id: 'nope', now: T0 })).toBeNull();
  });

  it('removeJob deletes a job that is not active and refuses an active one', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'a' }), newJob({ id: 'b' })] });
    await claimOne(store);
    await expect(store.removeJob({ id: 'a', now: T0 })).rejects.toBeInstanceOf(InvalidStateError);
    expect(await store.removeJob({ id: 'b', now: T0 })).toBe(true);
    expect(await store.removeJob({ id: 'b', now: T0 })).toBe(false);
    expect(await store.claim(claimOf(['default'], T0, 5))).toEqual([]);
    expect(await store.getJob({ id: 'b', now: T0 })).toBeNull();
  });

  it('removing a dependency that has not completed cancels its dependents', async () => {
    const store = new MemoryStore();
    await store.enqueue({
      now: T0,
      jobs: [newJob({ id: 'dep', hold: true }), newJob({ id: 'child', dependsOn: ['dep'] })],
    });
    expect(await store.removeJob({ id: 'dep', now: T0 + 5 })).toBe(true);
    expect(await store.getJob({ id: 'child', now: T0 + 5 })).toMatchObject({
      state: 'cancelled',
      finishedAt: T0 + 5,
      cancelReason: 'dependency "dep" was removed',
    });
    await expect(store.enqueue({ now: T0, jobs: [newJob({ dependsOn: ['dep'] })] })).rejects.toBeInstanceOf(
      JobNotFoundError,
    );
  });
});
