import type { Storage } from '@docket/core';
import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { FIXTURE_RETENTION } from '../fixtures.js';

/** `removeJob` at `now`: the store stamps the dependents the removal cancels with it. */
function removeAt(store: Storage, id: string, now: number): Promise<boolean> {
  return store.removeJob({ id, now });
}

/** Rule 8: dependents wait for completion; a failed, cancelled or removed dependency cancels them, transitively. */
export const dependencyCases = defineCases('dependencies', [
  {
    name: 'a dependent becomes ready only when its last dependency completes',
    async run({ fx, t0 }) {
      const a = await fx.active();
      const b = await fx.active();
      const c = await fx.enqueue({ dependsOn: [a.job.id, b.job.id] });
      await fx.complete(a, t0 + 1);
      expect((await fx.get(c.id, t0 + 1)).state).toBe('waiting');
      expect((await fx.claim({ now: t0 + 1 })).jobs).toEqual([]);
      await fx.complete(b, t0 + 2);
      expect((await fx.get(c.id, t0 + 2)).state).toBe('ready');
      expect((await fx.claim({ now: t0 + 2 })).jobs.map((j) => j.id)).toEqual([c.id]);
    },
  },
  {
    name: 'a released dependent with runAt ahead becomes scheduled; a held one stays waiting',
    async run({ store, fx, t0 }) {
      const dep = await fx.active();
      const later = await fx.enqueue({ dependsOn: [dep.job.id], runAt: t0 + 60_000 });
      const held = await fx.enqueue({ dependsOn: [dep.job.id], hold: true });
      await fx.complete(dep, t0 + 1);
      expect((await fx.get(later.id, t0 + 1)).state).toBe('scheduled');
      expect(await fx.get(held.id, t0 + 1)).toMatchObject({ state: 'waiting', held: true });
      await store.releaseHold({ id: held.id, now: t0 + 2 });
      expect((await fx.get(held.id, t0 + 2)).state).toBe('ready');
    },
  },
  {
    name: 'a diamond runs in dependency order',
    async run({ store, fx, t0 }) {
      const a = fx.job({ id: 'a' });
      const b = fx.job({ id: 'b', dependsOn: ['a'] });
      const c = fx.job({ id: 'c', dependsOn: ['a'] });
      const d = fx.job({ id: 'd', dependsOn: ['b', 'c'] });
      await store.enqueue({ jobs: [a, b, c, d], now: t0 });
      const states = async (now: number) =>
        Object.fromEntries(
          await Promise.all(['a', 'b', 'c', 'd'].map(async (id) => [id, (await fx.get(id, now)).state])),
        );
      const step = async (id: string, now: number) => {
        const { jobs, token } = await fx.claim({ now, limit: 10 });
        expect(jobs.map((j) => j.id)).toContain(id);
        const job = jobs.find((j) => j.id === id)!;
        await fx.complete({ job, token }, now);
        for (const other of jobs.filter((j) => j.id !== id)) {
          await fx.ack({ type: 'release', id: other.id, token }, now);
        }
      };
      expect(await states(t0)).toEqual({ a: 'ready', b: 'waiting', c: 'waiting', d: 'waiting' });
      await step('a', t0 + 1);
      expect(await states(t0 + 1)).toEqual({ a: 'completed', b: 'ready', c: 'ready', d: 'waiting' });
      await step('b', t0 + 2);
      expect((await fx.get('d', t0 + 2)).state).toBe('waiting');
      await step('c', t0 + 3);
      expect((await fx.get('d', t0 + 3)).state).toBe('ready');
    },
  },
  {
    name: 'a failed dependency cancels its dependents transitively, each reason naming the failed job',
    async run({ fx, t0 }) {
      const root = await fx.active({ maxAttempts: 1 });
      const child = await fx.enqueue({ dependsOn: [root.job.id] });
      const grandchild = await fx.enqueue({
        dependsOn: [child.id],
        retention: { completed: 1, failed: 2, cancelled: 3_000, dropPayload: false },
      });
      const sibling = await fx.enqueue({ dependsOn: [root.job.id], hold: true });
      const unrelated = await fx.enqueue();
      const now = t0 + 500;
      await fx.fail(root, now);
      for (const job of [child, sibling]) {
        const stored = await fx.get(job.id, now);
        expect(stored).toMatchObject({ state: 'cancelled', finishedAt: now });
        expect(stored.cancelReason).toContain(root.job.id);
      }
      const last = await fx.get(grandchild.id, now);
      expect(last).toMatchObject({ state: 'cancelled', finishedAt: now, deleteAt: now + 3_000 });
      // Transitive: the reason names the failed root, or the cancelled child it waited for.
      expect([root.job.id, child.id].some((id) => last.cancelReason?.includes(id))).toBe(true);
      expect((await fx.get(unrelated.id, now)).state).toBe('ready');
    },
  },
  {
    name: 'a dependency cancelled by its handler or by the operator cancels its dependents',
    async run({ store, fx, t0 }) {
      const byHandler = await fx.active();
      const byOperator = await fx.enqueue({ hold: true });
      const a = await fx.enqueue({ dependsOn: [byHandler.job.id] });
      const b = await fx.enqueue({ dependsOn: [byOperator.id] });
      await fx.ack({ type: 'cancel', id: byHandler.job.id, token: byHandler.token, reason: 'no' }, t0 + 1);
      await store.cancelJob({ id: byOperator.id, reason: 'no', now: t0 + 1 });
      expect(await fx.get(a.id, t0 + 1)).toMatchObject({ state: 'cancelled' });
      expect((await fx.get(a.id, t0 + 1)).cancelReason).toContain(byHandler.job.id);
      expect((await fx.get(b.id, t0 + 1)).cancelReason).toContain(byOperator.id);
    },
  },
  {
    name: 'removing a job that did not complete cancels its dependents, transitively, each reason naming it',
    async run({ store, fx, t0 }) {
      const removedHeld = await fx.enqueue({ hold: true });
      const removedReady = await fx.enqueue();
      const other = await fx.active();
      const child = await fx.enqueue({ dependsOn: [removedHeld.id, other.job.id] });
      const grandchild = await fx.enqueue({
        dependsOn: [child.id],
        retention: { completed: 1, failed: 2, cancelled: 3_000, dropPayload: false },
      });
      const heldChild = await fx.enqueue({ dependsOn: [removedReady.id], hold: true });
      const unrelated = await fx.enqueue({ dependsOn: [other.job.id] });
      const now = t0 + 500;

      expect(await removeAt(store, removedHeld.id, now)).toBe(true);
      expect(await removeAt(store, removedReady.id, now)).toBe(true);
      for (const [job, removed] of [
        [child, removedHeld],
        [heldChild, removedReady],
      ] as const) {
        const stored = await fx.get(job.id, now);
        expect(stored).toMatchObject({
          state: 'cancelled',
          finishedAt: now,
          deleteAt: now + FIXTURE_RETENTION.cancelled!,
        });
        expect(stored.cancelReason).toContain(removed.id);
        expect(stored.cancelReason).toMatch(/removed/);
      }
      const last = await fx.get(grandchild.id, now);
      expect(last).toMatchObject({ state: 'cancelled', finishedAt: now, deleteAt: now + 3_000 });
      expect([removedHeld.id, child.id].some((id) => last.cancelReason?.includes(id))).toBe(true);

      // The cancel holds: completing the other dependency releases only the job that still waits for it.
      await fx.complete(other, now + 1);
      expect((await fx.get(child.id, now + 1)).state).toBe('cancelled');
      expect((await fx.get(unrelated.id, now + 1)).state).toBe('ready');
      const { jobs } = await fx.claim({ now: now + 1, limit: 10 });
      expect(jobs.map((j) => j.id)).toEqual([unrelated.id]);
    },
  },
  {
    name: 'removing a completed, failed or cancelled dependency leaves its dependents as they were',
    async run({ store, fx, t0 }) {
      const completed = await fx.active();
      const pending = await fx.active();
      const failed = await fx.active({ maxAttempts: 1 });
      const waiting = await fx.enqueue({ dependsOn: [completed.job.id, pending.job.id] });
      const onFailed = await fx.enqueue({ dependsOn: [failed.job.id] });
      await fx.complete(completed, t0 + 1);
      await fx.fail(failed, t0 + 2);
      const cancelledBefore = await fx.get(onFailed.id, t0 + 2);

      expect(await removeAt(store, completed.job.id, t0 + 3)).toBe(true);
      expect(await removeAt(store, failed.job.id, t0 + 3)).toBe(true);
      expect((await fx.get(waiting.id, t0 + 3)).state).toBe('waiting');
      expect(await fx.get(onFailed.id, t0 + 3)).toEqual(cancelledBefore);
      // A removed completed dependency is satisfied for good: the last one releases the dependent.
      await fx.complete(pending, t0 + 4);
      expect((await fx.get(waiting.id, t0 + 4)).state).toBe('ready');
    },
  },
  {
    name: 'a failed attempt that will retry leaves dependents waiting',
    async run({ fx, t0 }) {
      const dep = await fx.active();
      const job = await fx.enqueue({ dependsOn: [dep.job.id] });
      await fx.fail(dep, t0 + 1, t0 + 1_000);
      expect((await fx.get(job.id, t0 + 1)).state).toBe('waiting');
    },
  },
  {
    name: 'a cascade leaves terminal dependents as they were',
    async run({ fx, t0 }) {
      const dep = await fx.active();
      const done = await fx.active();
      const dependent = await fx.enqueue({ dependsOn: [dep.job.id, done.job.id] });
      // A dependent that already ended (cancelled by hand) must keep its own reason and time.
      const { store } = fx;
      await store.cancelJob({ id: dependent.id, reason: 'operator first', now: t0 + 1 });
      await fx.fail(dep, t0 + 2);
      expect(await fx.get(dependent.id, t0 + 2)).toMatchObject({
        state: 'cancelled',
        cancelReason: 'operator first',
        finishedAt: t0 + 1,
      });
    },
  },
]);
