import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { attemptError, claimOf, claimOne, newJob, T0 } from './fixtures.js';

describe('MemoryStore: dependencies', () => {
  it('releases a waiting dependent when its last dependency completes', async () => {
    const store = new MemoryStore();
    await store.enqueue({
      now: T0,
      jobs: [
        newJob({ id: 'a' }),
        newJob({ id: 'b' }),
        newJob({ id: 'c', dependsOn: ['a', 'b'], runAt: T0 + 5 }),
      ],
    });
    await store.claim(claimOf(['default'], T0, 2));
    await store.acknowledge({ now: T0, acks: [{ type: 'complete', id: 'a', token: 'tok-1', result: null }] });
    expect((await store.getJob({ id: 'c', now: T0 }))!.state).toBe('waiting');
    await store.acknowledge({ now: T0, acks: [{ type: 'complete', id: 'b', token: 'tok-1', result: null }] });
    expect((await store.getJob({ id: 'c', now: T0 }))!.state).toBe('scheduled');
  });

  it('a held dependent stays waiting until its hold is released', async () => {
    const store = new MemoryStore();
    await store.enqueue({
      now: T0,
      jobs: [newJob({ id: 'a' }), newJob({ id: 'c', dependsOn: ['a'], hold: true })],
    });
    await claimOne(store);
    await store.acknowledge({ now: T0, acks: [{ type: 'complete', id: 'a', token: 'tok-1', result: null }] });
    expect((await store.getJob({ id: 'c', now: T0 }))!.state).toBe('waiting');
    expect(await store.releaseHold({ id: 'c', now: T0 })).toMatchObject({ state: 'ready', held: false });
  });

  it('is ready at once when every dependency is already completed', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'a' })] });
    await claimOne(store);
    await store.acknowledge({ now: T0, acks: [{ type: 'complete', id: 'a', token: 'tok-1', result: null }] });
    const [outcome] = await store.enqueue({ now: T0, jobs: [newJob({ dependsOn: ['a'] })] });
    expect(outcome!.state).toBe('ready');
  });

  it('cancels dependents transitively when a dependency fails, naming it', async () => {
    const store = new MemoryStore();
    const retention = { completed: null, failed: null, cancelled: 50, dropPayload: false };
    await store.enqueue({
      now: T0,
      jobs: [
        newJob({ id: 'root' }),
        newJob({ id: 'child', dependsOn: ['root'], retention }),
        newJob({ id: 'grandchild', dependsOn: ['child'] }),
      ],
    });
    await claimOne(store);
    await store.acknowledge({
      now: T0 + 3,
      acks: [{ type: 'fail', id: 'root', token: 'tok-1', error: attemptError(1), retryAt: null }],
    });
    const child = await store.getJob({ id: 'child', now: T0 + 3 });
    expect(child).toMatchObject({ state: 'cancelled', finishedAt: T0 + 3, deleteAt: T0 + 53 });
    expect(child!.cancelReason).toContain('"root" failed');
    const grandchild = await store.getJob({ id: 'grandchild', now: T0 + 3 });
    expect(grandchild!.state).toBe('cancelled');
    expect(grandchild!.cancelReason).toContain('"child"');
    expect(grandchild!.cancelReason).toContain('"root"');
  });

  it('enqueues a dependent of a failed or cancelled job as cancelled', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'a' })] });
    await store.cancelJob({ id: 'a', reason: 'stop', now: T0 });
    const [outcome] = await store.enqueue({
      now: T0,
      jobs: [newJob({ id: 'd', dependsOn: ['a'], hold: true })],
    });
    expect(outcome!.state).toBe('cancelled');
    expect((await store.getJob({ id: 'd', now: T0 }))!.cancelReason).toContain('"a"');
  });

  it('cascades through a long chain without overflowing the stack', async () => {
    const store = new MemoryStore();
    const jobs = [newJob({ id: 'n0' })];
    for (let i = 1; i < 20_000; i++) jobs.push(newJob({ id: `n${i}`, dependsOn: [`n${i - 1}`] }));
    await store.enqueue({ now: T0, jobs });
    await store.cancelJob({ id: 'n0', reason: 'stop', now: T0 });
    expect(await store.countJobs({ now: T0 })).toEqual([
      { queue: 'default', state: 'cancelled', count: 20_000 },
    ]);
  });
});
