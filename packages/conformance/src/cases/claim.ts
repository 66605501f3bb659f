import type { JobRecord, Storage } from '@docket/core';
import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { makeSelection, SELECTION_QUEUE, SELECTION_TIMES } from '../selection.js';

/** Rules 1 and 2 and the claim contract: what is claimable, in which order, by whom. */
export const claimCases = defineCases('claim', [
  {
    name: 'returns jobs active under the token with lease, attempt count, start time and worker',
    async run({ store, fx, t0 }) {
      const job = await fx.enqueue();
      const now = t0 + 2_000;
      const claimed = await store.claim({
        queues: ['default'],
        limit: 5,
        now,
        leaseMs: 7_000,
        token: 'token-a',
        workerId: 'worker-a',
      });
      expect(claimed).toHaveLength(1);
      const expected = {
        id: job.id,
        state: 'active',
        attempts: 1,
        startedAt: now,
        leaseToken: 'token-a',
        leaseExpiresAt: now + 7_000,
        workerId: 'worker-a',
        payload: job.payload,
      };
      expect(claimed[0]).toMatchObject(expected);
      expect(await fx.get(job.id, now)).toMatchObject(expected);
    },
  },
  {
    name: 'claims at most limit jobs and never a job already claimed',
    async run({ fx }) {
      for (let i = 0; i < 5; i++) await fx.enqueue();
      const first = await fx.claim({ limit: 3 });
      expect(first.jobs).toHaveLength(3);
      const second = await fx.claim({ limit: 3 });
      expect(second.jobs).toHaveLength(2);
      const ids = [...first.jobs, ...second.jobs].map((j) => j.id);
      expect(new Set(ids).size).toBe(5);
      expect((await fx.claim({ limit: 3 })).jobs).toEqual([]);
    },
  },
  {
    name: 'claims higher priority first, then earlier runAt, then enqueue order',
    async run({ store, fx, t0 }) {
      const a = await fx.enqueue({ priority: 0, runAt: t0 + 100 });
      const b = await fx.enqueue({ priority: 5, runAt: t0 + 500 });
      const c = await fx.enqueue({ priority: 5, runAt: t0 + 200 });
      const d = await fx.enqueue({ priority: 0, runAt: t0 + 100 });
      const e = await fx.enqueue({ priority: -1, runAt: t0 });
      const f = await fx.enqueue({ priority: 10, runAt: t0 + 900 });
      const now = t0 + 1_000;
      const order: string[] = [];
      for (let i = 0; i < 6; i++) {
        const { jobs } = await fx.claim({ limit: 1, now });
        expect(jobs).toHaveLength(1);
        order.push(jobs[0]!.id);
      }
      expect(order).toEqual([f, c, b, a, d, e].map((j) => j.id));
      expect(
        await store.claim({ queues: ['default'], limit: 1, now, leaseMs: 1, token: 't', workerId: 'w' }),
      ).toEqual([]);
    },
  },
  {
    name: 'a claim of k jobs takes the k first in order',
    async run({ fx, t0 }) {
      await fx.enqueue({ priority: 0 });
      await fx.enqueue({ priority: 0 });
      const lateTop = await fx.enqueue({ priority: 3, runAt: t0 + 10 });
      const second = await fx.enqueue({ priority: 2 });
      const top = await fx.enqueue({ priority: 3 });
      await fx.enqueue({ priority: 1 });
      const { jobs } = await fx.claim({ limit: 3, now: t0 + 10 });
      expect(new Set(jobs.map((j) => j.id))).toEqual(new Set([top, lateTop, second].map((j) => j.id)));
    },
  },
  {
    name: 'enqueue order breaks ties, whatever the lexical order of the ids',
    async run({ store, fx, t0 }) {
      await store.enqueue({ jobs: [fx.job({ id: 'zz-first' }), fx.job({ id: 'mm-second' })], now: t0 });
      await store.enqueue({ jobs: [fx.job({ id: 'aa-third' })], now: t0 });
      await store.enqueue({ jobs: [fx.job({ id: 'ZZ-fourth' })], now: t0 });
      const order: string[] = [];
      for (let i = 0; i < 4; i++) order.push((await fx.claim({ limit: 1 })).jobs[0]!.id);
      expect(order).toEqual(['zz-first', 'mm-second', 'aa-third', 'ZZ-fourth']);
    },
  },
  {
    name: 'serves queues in the order given, before priority',
    async run({ fx }) {
      const a1 = await fx.enqueue({ queue: 'qa', priority: 10 });
      await fx.enqueue({ queue: 'qa', priority: 10 });
      const b = [await fx.enqueue({ queue: 'qb' }), await fx.enqueue({ queue: 'qb' })];
      const { jobs } = await fx.claim({ queues: ['qb', 'qa'], limit: 3 });
      expect(new Set(jobs.map((j) => j.id))).toEqual(new Set([...b, a1].map((j) => j.id)));
    },
  },
  {
    name: 'claims only from the queues given',
    async run({ fx }) {
      await fx.enqueue({ queue: 'elsewhere' });
      const mine = await fx.enqueue({ queue: 'mine' });
      const { jobs } = await fx.claim({ queues: ['mine', 'missing'], limit: 10 });
      expect(jobs.map((j) => j.id)).toEqual([mine.id]);
    },
  },
  {
    name: 'a scheduled job is claimable exactly from its runAt',
    async run({ fx, t0, tick }) {
      const job = await fx.enqueue({ runAt: t0 + 5_000 });
      expect((await fx.claim({ now: t0 + 5_000 - tick })).jobs).toEqual([]);
      expect((await fx.claim({ now: t0 + 5_000 })).jobs.map((j) => j.id)).toEqual([job.id]);
    },
  },
  {
    name: 'ignores every non-claimable state; scheduled and retrying jobs once due',
    async run({ fx, t0 }) {
      const sel = await makeSelection(fx);
      const { jobs: now } = await fx.claim({ queues: [SELECTION_QUEUE], limit: 50 });
      expect(now.map((j) => j.id)).toEqual([sel.jobs.ready.id]);
      const { jobs: later } = await fx.claim({
        queues: [SELECTION_QUEUE],
        limit: 50,
        now: t0 + SELECTION_TIMES.allDue,
      });
      expect(new Set(later.map((j) => j.id))).toEqual(new Set([sel.jobs.scheduled.id, sel.jobs.retrying.id]));
      const retried = later.find((j) => j.id === sel.jobs.retrying.id)!;
      expect(retried.attempts).toBe(2);
      expect(await fx.get(sel.jobs.active.id, t0 + SELECTION_TIMES.allDue)).toMatchObject({
        leaseToken: sel.activeToken,
        attempts: 1,
      });
    },
  },
  {
    name: 'does not claim from a paused queue until it is resumed',
    async run({ store, fx, t0 }) {
      const paused = await fx.enqueue({ queue: 'paused-q', priority: 100 });
      const open = await fx.enqueue({ queue: 'open-q' });
      await store.setQueuePaused({ queue: 'paused-q', paused: true, now: t0 });
      const first = await fx.claim({ queues: ['paused-q', 'open-q'], limit: 10 });
      expect(first.jobs.map((j) => j.id)).toEqual([open.id]);
      expect(await fx.get(paused.id)).toMatchObject({ state: 'ready', attempts: 0 });
      await store.setQueuePaused({ queue: 'paused-q', paused: false, now: t0 });
      const second = await fx.claim({ queues: ['paused-q', 'open-q'], limit: 10 });
      expect(second.jobs.map((j) => j.id)).toEqual([paused.id]);
    },
  },
  {
    name: 'concurrent claimers get disjoint sets that cover every job',
    timeoutMs: 60_000,
    async run({ fx, t0, scale, instances }) {
      const total = Math.max(60, Math.round(150 * scale));
      const jobs = Array.from({ length: total }, () => fx.job());
      for (let i = 0; i < jobs.length; i += 500) {
        await fx.store.enqueue({ jobs: jobs.slice(i, i + 500), now: t0 });
      }
      const claimers = await instances(24);
      const got = new Map<string, string[]>();
      const holders = new Map<string, string>();
      await Promise.all(
        claimers.map(async (store: Storage, c) => {
          for (let round = 0; ; round++) {
            const token = `claimer-${c}-${round}`;
            const claimed: JobRecord[] = await store.claim({
              queues: ['default'],
              limit: 4,
              now: t0,
              leaseMs: 60_000,
              token,
              workerId: `w${c}`,
            });
            if (claimed.length === 0) return;
            for (const job of claimed) {
              got.set(job.id, [...(got.get(job.id) ?? []), token]);
              holders.set(job.id, token);
              expect(job.leaseToken).toBe(token);
            }
          }
        }),
      );
      const twice = [...got].filter(([, tokens]) => tokens.length > 1);
      expect(twice, 'jobs handed to more than one claimer').toEqual([]);
      expect(got.size).toBe(total);
      for (const job of jobs.slice(0, 20)) {
        expect(await fx.get(job.id)).toMatchObject({ state: 'active', leaseToken: holders.get(job.id) });
      }
    },
  },
  {
    name: 'nextRunAt is the earliest future runAt of scheduled or retrying jobs in unpaused queues',
    async run({ store, fx, t0 }) {
      await fx.enqueue({ queue: 'qa' });
      await fx.enqueue({ queue: 'qa', hold: true, runAt: t0 + 100 });
      await fx.enqueue({ queue: 'qa', runAt: t0 + 500 });
      await fx.enqueue({ queue: 'qc', runAt: t0 + 50 });
      const retrying = await fx.active({ queue: 'qb' });
      await fx.fail(retrying, t0, t0 + 300);
      expect(await store.nextRunAt({ queues: ['qa', 'qb'], now: t0 })).toBe(t0 + 300);
      expect(await store.nextRunAt({ queues: ['qa'], now: t0 })).toBe(t0 + 500);
      await store.setQueuePaused({ queue: 'qb', paused: true, now: t0 });
      expect(await store.nextRunAt({ queues: ['qa', 'qb'], now: t0 })).toBe(t0 + 500);
      expect(await store.nextRunAt({ queues: ['qa'], now: t0 + 500 })).toBeNull();
      expect(await store.nextRunAt({ queues: ['nothing-here'], now: t0 })).toBeNull();
      const sel = await makeSelection(fx);
      expect(await store.nextRunAt({ queues: [SELECTION_QUEUE], now: t0 })).toBe(sel.jobs.scheduled.runAt);
      expect(await store.nextRunAt({ queues: [SELECTION_QUEUE], now: sel.jobs.scheduled.runAt })).toBe(
        sel.jobs.retrying.runAt,
      );
    },
  },
]);
