import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { attemptError, claimOf, claimOne, newJob, T0 } from './fixtures.js';

describe('MemoryStore: subscribe', () => {
  it('wakes listeners with the queues that got claimable work or an earlier runAt', async () => {
    const store = new MemoryStore();
    const listener = vi.fn();
    const unsubscribe = await store.subscribe(listener);
    await store.enqueue({
      now: T0,
      jobs: [newJob({ queue: 'a' }), newJob({ queue: 'b' }), newJob({ queue: 'a' })],
    });
    expect(listener).toHaveBeenCalledTimes(1);
    expect([...listener.mock.calls[0]![0]].sort()).toEqual(['a', 'b']);

    // A scheduled job wakes too (a sleeping dispatcher re-reads nextRunAt); a held one does not.
    listener.mockClear();
    await store.enqueue({ now: T0, jobs: [newJob({ queue: 'c', runAt: T0 + 1 })] });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]![0]).toEqual(['c']);

    listener.mockClear();
    await store.enqueue({ now: T0, jobs: [newJob({ queue: 'd', hold: true })] });
    expect(listener).not.toHaveBeenCalled();

    await unsubscribe();
    await store.enqueue({ now: T0, jobs: [newJob({ queue: 'a' })] });
    expect(listener).not.toHaveBeenCalled();
  });

  it('wakes on dependency release, retry, release, releaseHold and resume', async () => {
    const store = new MemoryStore();
    await store.enqueue({
      now: T0,
      jobs: [
        newJob({ id: 'a', queue: 'q1' }),
        newJob({ id: 'dep', queue: 'q2', dependsOn: ['a'] }),
        newJob({ id: 'held', queue: 'q3', hold: true }),
        newJob({ id: 'p', queue: 'q4' }),
      ],
    });
    await store.setQueuePaused({ queue: 'q4', paused: true, now: T0 });
    const calls: string[][] = [];
    await store.subscribe((queues) => calls.push(queues));
    const woken = async (action: () => Promise<unknown>) => {
      calls.length = 0;
      await action();
      return calls.flat();
    };

    await claimOne(store, 'q1');
    expect(
      await woken(() =>
        store.acknowledge({ now: T0, acks: [{ type: 'complete', id: 'a', token: 'tok-1', result: null }] }),
      ),
    ).toEqual(['q2']);
    await claimOne(store, 'q2');
    expect(
      await woken(() =>
        store.acknowledge({ now: T0, acks: [{ type: 'release', id: 'dep', token: 'tok-1' }] }),
      ),
    ).toEqual(['q2']);
    expect(await woken(() => store.releaseHold({ id: 'held', now: T0 }))).toEqual(['q3']);
    expect(await woken(() => store.setQueuePaused({ queue: 'q4', paused: false, now: T0 }))).toEqual(['q4']);
    await store.cancelJob({ id: 'p', reason: 'r', now: T0 });
    expect(await woken(() => store.retryJob({ id: 'p', now: T0 }))).toEqual(['q4']);
  });

  it('a throwing or rejecting listener breaks neither the store nor other listeners', async () => {
    const store = new MemoryStore();
    await store.subscribe(() => {
      throw new Error('listener bug');
    });
    await store.subscribe((async () => {
      throw new Error('async listener bug');
    }) as unknown as (queues: string[]) => void);
    const good = vi.fn();
    await store.subscribe(good);
    const [outcome] = await store.enqueue({ now: T0, jobs: [newJob()] });
    expect(outcome!.state).toBe('ready');
    expect(good).toHaveBeenCalledWith(['default']);
  });

  it('close drops every listener', async () => {
    const store = new MemoryStore();
    const listener = vi.fn();
    await store.subscribe(listener);
    await store.close();
    await store.enqueue({ now: T0, jobs: [newJob()] });
    expect(listener).not.toHaveBeenCalled();
  });

  it('wakes when a failed attempt is due again at once, not for a later retry', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'now' }), newJob({ id: 'later' })] });
    await store.claim(claimOf(['default'], T0, 2));
    const woken: string[][] = [];
    await store.subscribe((queues) => woken.push(queues));
    const fail = (id: string, retryAt: number) => ({
      type: 'fail' as const,
      id,
      token: 'tok-1',
      error: attemptError(1),
      retryAt,
    });
    await store.acknowledge({ now: T0, acks: [fail('later', T0 + 10)] });
    expect(woken).toEqual([]);
    await store.acknowledge({ now: T0, acks: [fail('now', T0)] });
    expect(woken).toEqual([['default']]);
  });
});
