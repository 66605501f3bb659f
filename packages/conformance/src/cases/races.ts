import type { JobRecord, Storage } from '@docket/core';
import { expect } from 'vitest';
import { defineCases } from '../case.js';
import type { Claimed, Fixtures } from '../fixtures.js';

/** Racing pairs per case: 20 at scale 1, never fewer than 10. */
const pairs = (scale: number) => Math.max(10, Math.round(20 * scale));

/** `n` active jobs, each in a queue of its own. */
async function activeJobs(ctx: { fx: Fixtures; scale: number }, n: number, leaseMs = 60_000) {
  const jobs: Claimed[] = [];
  for (let i = 0; i < n; i++) jobs.push(await ctx.fx.active({}, { leaseMs }));
  return jobs;
}

/** Starts both calls: the first one first for even pairs, the second one first for odd pairs. */
function inBothOrders(i: number, [first, second]: [() => Promise<unknown>, () => Promise<unknown>]) {
  return i % 2 === 0 ? [first(), second()] : [second(), first()];
}

const settle = async <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * Two transitions of one job racing from two instances (rules 1, 3, 8): each
 * store method is atomic, so exactly one order of the two must explain the end
 * state. Run over `harness.connect` instances when available.
 */
export const raceCases = defineCases('races', [
  {
    name: 'a dependent enqueued while its dependency completes is not left waiting',
    timeoutMs: 60_000,
    async run(ctx) {
      const { fx, t0 } = ctx;
      const [a, b] = (await ctx.instances(2)) as [Storage, Storage];
      const deps = await activeJobs(ctx, pairs(ctx.scale));
      const dependents = deps.map((d) => fx.job({ queue: 'dependents', dependsOn: [d.job.id] }));
      await Promise.all(
        deps.flatMap((dep, i) =>
          inBothOrders(i, [
            () =>
              a.acknowledge({
                acks: [{ type: 'complete', id: dep.job.id, token: dep.token, result: null }],
                now: t0 + 1,
              }),
            () => b.enqueue({ jobs: [dependents[i]!], now: t0 + 1 }),
          ]),
        ),
      );
      const states = await Promise.all(dependents.map(async (j) => (await fx.get(j.id, t0 + 1)).state));
      expect(states).toEqual(dependents.map(() => 'ready'));
    },
  },
  {
    name: 'a dependent enqueued while its dependency fails ends cancelled',
    timeoutMs: 60_000,
    async run(ctx) {
      const { fx, t0 } = ctx;
      const [a, b] = (await ctx.instances(2)) as [Storage, Storage];
      const deps = await activeJobs(ctx, pairs(ctx.scale));
      const dependents = deps.map((d) => fx.job({ queue: 'dependents', dependsOn: [d.job.id] }));
      await Promise.all(
        deps.flatMap((dep, i) =>
          inBothOrders(i, [
            () =>
              a.acknowledge({
                acks: [
                  {
                    type: 'fail',
                    id: dep.job.id,
                    token: dep.token,
                    error: fx.error(1, t0 + 1),
                    retryAt: null,
                  },
                ],
                now: t0 + 1,
              }),
            () => b.enqueue({ jobs: [dependents[i]!], now: t0 + 1 }),
          ]),
        ),
      );
      for (const [i, job] of dependents.entries()) {
        const stored = await fx.get(job.id, t0 + 1);
        expect(stored.state, `dependent of ${deps[i]!.job.id}`).toBe('cancelled');
        expect(stored.cancelReason).toContain(deps[i]!.job.id);
      }
    },
  },
  {
    name: 'a hold released while the last dependency completes ends ready',
    timeoutMs: 60_000,
    async run(ctx) {
      const { fx, t0 } = ctx;
      const [a, b] = (await ctx.instances(2)) as [Storage, Storage];
      const deps = await activeJobs(ctx, pairs(ctx.scale));
      const held: JobRecord[] = [];
      for (const dep of deps)
        held.push(await fx.enqueue({ queue: 'held', hold: true, dependsOn: [dep.job.id] }));
      await Promise.all(
        deps.flatMap((dep, i) =>
          inBothOrders(i, [
            () =>
              a.acknowledge({
                acks: [{ type: 'complete', id: dep.job.id, token: dep.token, result: null }],
                now: t0 + 1,
              }),
            () => b.releaseHold({ id: held[i]!.id, now: t0 + 1 }),
          ]),
        ),
      );
      const states = await Promise.all(held.map(async (j) => (await fx.get(j.id, t0 + 1)).state));
      expect(states).toEqual(held.map(() => 'ready'));
    },
  },
  {
    name: 'a complete racing an operator cancel: exactly one of them wins',
    timeoutMs: 60_000,
    async run(ctx) {
      const { fx, t0 } = ctx;
      const [a, b] = (await ctx.instances(2)) as [Storage, Storage];
      const jobs = await activeJobs(ctx, pairs(ctx.scale));
      const results = await Promise.all(
        jobs.map(async (job) => {
          const [completed, cancelled] = await Promise.all([
            a.acknowledge({
              acks: [{ type: 'complete', id: job.job.id, token: job.token, result: '1' }],
              now: t0 + 1,
            }),
            settle(b.cancelJob({ id: job.job.id, reason: 'race', now: t0 + 1 })),
          ]);
          return { job, completed: completed[0]!, cancelled };
        }),
      );
      for (const { job, completed, cancelled } of results) {
        const stored = await fx.get(job.job.id, t0 + 1);
        if (completed) {
          // The completion came first: the cancel found a terminal job.
          expect(cancelled).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
          expect(stored).toMatchObject({ state: 'completed', result: '1' });
        } else {
          expect(cancelled).toMatchObject({ ok: true });
          expect(stored).toMatchObject({ state: 'cancelled', result: null, cancelReason: 'race' });
        }
      }
    },
  },
  {
    name: 'a heartbeat racing a rescue of the same expired lease: exactly one of them wins',
    timeoutMs: 60_000,
    async run(ctx) {
      const { fx, t0 } = ctx;
      const [a, b] = (await ctx.instances(2)) as [Storage, Storage];
      const jobs = await activeJobs(ctx, pairs(ctx.scale), 1_000);
      const at = t0 + 1_000;
      const results = await Promise.all(
        jobs.map(async (job) => {
          const lease = { id: job.job.id, token: job.token };
          const [renewed, rescued] = await Promise.all([
            a.heartbeat({ leases: [lease], now: at, leaseMs: 1_000 }),
            b.acknowledge({
              acks: [
                {
                  type: 'fail',
                  ...lease,
                  error: fx.error(1, at, 'lease expired'),
                  retryAt: at,
                  requireExpired: true,
                },
              ],
              now: at,
            }),
          ]);
          return { job, renewed: renewed[0]!, rescued: rescued[0]! };
        }),
      );
      for (const { job, renewed, rescued } of results) {
        expect([renewed, rescued], job.job.id).toContain(true);
        expect(renewed && rescued, `${job.job.id}: both the heartbeat and the rescue applied`).toBe(false);
        const stored = await fx.get(job.job.id, at);
        if (renewed)
          expect(stored).toMatchObject({ state: 'active', leaseExpiresAt: at + 1_000, errors: [] });
        else expect(stored).toMatchObject({ state: 'ready', leaseToken: null, errors: [{ attempt: 1 }] });
      }
    },
  },
  {
    name: 'an operator cancel racing claims: the job ends cancelled and a claimer’s ack is rejected',
    timeoutMs: 60_000,
    async run(ctx) {
      const { fx, t0 } = ctx;
      const [a, b] = (await ctx.instances(2)) as [Storage, Storage];
      const jobs = [];
      for (let i = 0; i < pairs(ctx.scale); i++) jobs.push(await fx.enqueue({ queue: `cancel-race-${i}` }));
      const results = await Promise.all(
        jobs.map(async (job) => {
          const token = fx.token();
          const [claimed] = await Promise.all([
            a.claim({ queues: [job.queue], limit: 1, now: t0, leaseMs: 60_000, token, workerId: 'racer' }),
            b.cancelJob({ id: job.id, reason: 'race', now: t0 }),
          ]);
          return { job, claimed, token };
        }),
      );
      for (const { job, claimed, token } of results) {
        expect((await fx.get(job.id)).state).toBe('cancelled');
        if (claimed.length > 0) {
          expect(await fx.ack({ type: 'complete', id: job.id, token, result: null }, t0 + 1)).toBe(false);
        }
      }
    },
  },
]);
