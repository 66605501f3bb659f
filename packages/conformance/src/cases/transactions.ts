import { expect } from 'vitest';
import type { CaseContext } from '../case.js';
import { defineCases } from '../case.js';
import { waitFor } from '../wait-for.js';

function transaction(ctx: CaseContext) {
  const { harness, store } = ctx;
  if (!harness.transaction) {
    throw new Error(
      'The store declares capabilities.transactions, so its harness must provide transaction().',
    );
  }
  return (fn: (tx: unknown) => Promise<void>) => harness.transaction!(store, fn);
}

/** Rule 6 with the caller's transaction (only with `capabilities.transactions`). */
export const transactionCases = defineCases('transactions', [
  {
    name: 'an enqueue inside a rolled back transaction leaves no job',
    requires: ['transactions'],
    async run(ctx) {
      const { store, fx, t0 } = ctx;
      const jobs = [fx.job(), fx.job({ queue: 'other', unique: { key: 'k', period: null } })];
      const failure = new Error('roll back');
      await expect(
        transaction(ctx)(async (tx) => {
          const outcomes = await store.enqueue({ jobs, now: t0, tx });
          expect(outcomes.map((o) => o.duplicate)).toEqual([false, false]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      for (const job of jobs) expect(await store.getJob({ id: job.id, now: t0 })).toBeNull();
      expect(await fx.total()).toBe(0);
      const [again] = await store.enqueue({
        jobs: [fx.job({ unique: { key: 'k', period: null } })],
        now: t0,
      });
      expect(again).toMatchObject({ duplicate: false });
    },
  },
  {
    name: 'a committed transaction makes the jobs visible and wakes a subscriber with no extra call',
    requires: ['transactions'],
    async run(ctx) {
      const { store, fx, t0 } = ctx;
      const woken: string[][] = [];
      const unsubscribe = await store.subscribe((queues) => woken.push(queues));
      ctx.defer(unsubscribe);
      const job = fx.job({ queue: 'tx-queue' });
      await transaction(ctx)(async (tx) => {
        await store.enqueue({ jobs: [job], now: t0, tx });
      });
      expect(await fx.get(job.id)).toMatchObject({ state: 'ready' });
      const peer = await ctx.connect();
      expect(await peer.getJob({ id: job.id, now: t0 })).not.toBeNull();
      await waitFor(
        () => woken.some((qs) => qs.includes('tx-queue')),
        'a wake-up naming tx-queue after commit',
      );
    },
  },
]);
