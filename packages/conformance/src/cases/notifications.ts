import type { Storage } from '@docket/core';
import { expect } from 'vitest';
import type { CaseContext } from '../case.js';
import { defineCases } from '../case.js';
import { waitFor } from '../wait-for.js';

/** Subscribes on `store`; the returned function waits for a wake-up naming `queue`. */
async function listen(ctx: CaseContext, store: Storage = ctx.store) {
  const woken: string[][] = [];
  // Once `subscribe` resolves the listener is live: no wake-up sent after that may be missed.
  const unsubscribe = await store.subscribe((queues) => void woken.push(queues));
  ctx.defer(unsubscribe);
  return {
    woken,
    reset: () => void woken.splice(0),
    wakes: (queue: string, what: string) =>
      waitFor(() => woken.some((qs) => qs.includes(queue)), `a wake-up naming "${queue}" after ${what}`),
  };
}

/** `subscribe`: wake-ups on new claimable work or an earlier `runAt`. */
export const notificationCases = defineCases('notifications', [
  {
    name: 'an enqueue of a ready job wakes a listener with its queue',
    async run(ctx) {
      const l = await listen(ctx);
      await ctx.fx.enqueue({ queue: 'wake-me' });
      await l.wakes('wake-me', 'enqueue');
    },
  },
  {
    name: 'an enqueue of a scheduled job wakes a listener with its queue (an earlier runAt)',
    async run(ctx) {
      const l = await listen(ctx);
      const job = await ctx.fx.enqueue({ queue: 'wake-later', runAt: ctx.t0 + 60_000 });
      expect(job.state).toBe('scheduled');
      await l.wakes('wake-later', 'enqueue of a scheduled job');
    },
  },
  {
    name: 'a dependency release, a retry, a hold release and a queue resume wake a listener',
    async run(ctx) {
      const { store, fx, t0 } = ctx;
      const dep = await fx.active();
      const dependent = await fx.enqueue({ queue: 'deps', dependsOn: [dep.job.id] });
      const failed = await fx.active({ queue: 'retried', maxAttempts: 1 });
      await fx.fail(failed);
      const held = await fx.enqueue({ queue: 'held', hold: true });
      await store.setQueuePaused({ queue: 'paused', paused: true, now: t0 });
      await fx.enqueue({ queue: 'paused' });
      const l = await listen(ctx);

      await fx.complete(dep, t0 + 1);
      expect((await fx.get(dependent.id, t0 + 1)).state).toBe('ready');
      await l.wakes('deps', 'a dependency completed');
      await store.retryJob({ id: failed.job.id, now: t0 + 2 });
      await l.wakes('retried', 'retryJob');
      await store.releaseHold({ id: held.id, now: t0 + 3 });
      await l.wakes('held', 'releaseHold');
      await store.setQueuePaused({ queue: 'paused', paused: false, now: t0 + 4 });
      await l.wakes('paused', 'a queue resume');
    },
  },
  {
    name: 'a dependency release and a hold release to scheduled wake a listener (an earlier runAt)',
    async run(ctx) {
      const { store, fx, t0 } = ctx;
      const dep = await fx.active();
      const dependent = await fx.enqueue({
        queue: 'deps-later',
        dependsOn: [dep.job.id],
        runAt: t0 + 60_000,
      });
      const held = await fx.enqueue({ queue: 'held-later', hold: true, runAt: t0 + 60_000 });
      const l = await listen(ctx);

      await fx.complete(dep, t0 + 1);
      expect((await fx.get(dependent.id, t0 + 1)).state).toBe('scheduled');
      await l.wakes('deps-later', 'a dependency release to scheduled');
      await store.releaseHold({ id: held.id, now: t0 + 2 });
      expect((await fx.get(held.id, t0 + 2)).state).toBe('scheduled');
      await l.wakes('held-later', 'releaseHold to scheduled');
    },
  },
  {
    name: 'resuming a queue that holds only scheduled jobs wakes a listener (its runAt was hidden while paused)',
    async run(ctx) {
      const { store, fx, t0 } = ctx;
      await store.setQueuePaused({ queue: 'paused-later', paused: true, now: t0 });
      await fx.enqueue({ queue: 'paused-later', runAt: t0 + 60_000 });
      const l = await listen(ctx);
      await store.setQueuePaused({ queue: 'paused-later', paused: false, now: t0 + 1 });
      await l.wakes('paused-later', 'a resume of a queue with a scheduled job');
    },
  },
  {
    name: 'an unsubscribed listener is not called again',
    async run(ctx) {
      const calls: string[][] = [];
      const unsubscribe = await ctx.store.subscribe((queues) => void calls.push(queues));
      const kept = await listen(ctx);
      await unsubscribe();
      await ctx.fx.enqueue({ queue: 'after-unsubscribe' });
      await kept.wakes('after-unsubscribe', 'enqueue');
      // The listener still subscribed has heard it; give the removed one the same time, and more.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(calls.filter((qs) => qs.includes('after-unsubscribe'))).toEqual([]);
    },
  },
  {
    name: 'an enqueue on another instance wakes a listener (push notifications)',
    requires: ['pushNotifications', 'connect'],
    timeoutMs: 30_000,
    async run(ctx) {
      const other = await ctx.connect();
      expect(other).not.toBe(ctx.store);
      const l = await listen(ctx);
      const job = ctx.fx.job({ queue: 'from-afar' });
      await other.enqueue({ jobs: [job], now: ctx.t0 });
      await l.wakes('from-afar', 'an enqueue on another instance');
    },
  },
]);
