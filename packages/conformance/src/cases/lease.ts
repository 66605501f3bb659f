import { expect } from 'vitest';
import { defineCases } from '../case.js';
import type { Claimed, Fixtures } from '../fixtures.js';
import { makeSelection, SELECTION_TIMES } from '../selection.js';

const LEASE = 1_000;

/**
 * Claims a job at t0 with a 1 s lease, lets it expire, rescues it (a fail ack
 * with `requireExpired` and `retryAt = now`) and re-claims it under a new
 * token: the situation a stale worker wakes up to.
 */
async function rescuedAndReclaimed(fx: Fixtures, t0: number) {
  const first = await fx.active({}, { leaseMs: LEASE });
  const expiredAt = t0 + LEASE;
  const error = { ...fx.error(1, expiredAt, 'lease expired'), name: 'LeaseExpired' };
  const rescued = await fx.ack(
    { type: 'fail', id: first.job.id, token: first.token, error, retryAt: expiredAt, requireExpired: true },
    expiredAt,
  );
  expect(rescued, 'rescue of an expired lease').toBe(true);
  const { jobs, token } = await fx.claim({ queues: [first.job.queue], now: expiredAt, leaseMs: 60_000 });
  expect(jobs.map((j) => j.id)).toEqual([first.job.id]);
  const second: Claimed = { job: jobs[0]!, token };
  return { first, second, now: expiredAt + 10, error };
}

/** Rules 3 and 4: heartbeats, fencing, expiry and rescue. */
export const leaseCases = defineCases('lease', [
  {
    name: 'heartbeat extends each lease held under its token and reports per lease',
    async run({ store, fx, t0 }) {
      const a = await fx.active();
      const b = await fx.active();
      const now = t0 + 10_000;
      const renewed = await store.heartbeat({
        leases: [
          { id: a.job.id, token: a.token },
          { id: b.job.id, token: 'not-the-token' },
          { id: 'no-such-job', token: a.token },
        ],
        now,
        leaseMs: 45_000,
      });
      expect(renewed).toEqual([true, false, false]);
      expect((await fx.get(a.job.id, now)).leaseExpiresAt).toBe(now + 45_000);
      expect((await fx.get(b.job.id, now)).leaseExpiresAt).toBe(b.job.leaseExpiresAt);
    },
  },
  {
    name: 'heartbeat of a job that is no longer active reports false',
    async run({ store, fx, t0 }) {
      const cancelled = await fx.active();
      await store.cancelJob({ id: cancelled.job.id, reason: 'stop', now: t0 });
      const completed = await fx.active();
      await fx.complete(completed);
      const renewed = await store.heartbeat({
        leases: [
          { id: cancelled.job.id, token: cancelled.token },
          { id: completed.job.id, token: completed.token },
        ],
        now: t0 + 1,
        leaseMs: 1_000,
      });
      expect(renewed).toEqual([false, false]);
      expect(await fx.get(cancelled.job.id, t0 + 1)).toMatchObject({ state: 'cancelled' });
    },
  },
  {
    name: 'listExpiredLeases lists active jobs whose lease expired, oldest expiry first, at most limit',
    async run({ store, fx, t0, tick }) {
      const late = await fx.active({}, { leaseMs: 3_000 });
      const early = await fx.active({}, { leaseMs: 1_000 });
      const mid = await fx.active({}, { leaseMs: 2_000 });
      await fx.active({}, { leaseMs: 60_000 });
      const ids = async (now: number, limit = 10) =>
        (await store.listExpiredLeases({ now, limit })).map((j) => j.id);
      expect(await ids(t0 + 1_000 - tick)).toEqual([]);
      expect(await ids(t0 + 1_000)).toEqual([early.job.id]);
      expect(await ids(t0 + 3_000)).toEqual([early, mid, late].map((c) => c.job.id));
      expect(await ids(t0 + 3_000, 2)).toEqual([early, mid].map((c) => c.job.id));
      const listed = await store.listExpiredLeases({ now: t0 + 3_000, limit: 1 });
      expect(listed[0]).toMatchObject({ state: 'active', leaseToken: early.token, attempts: 1 });
    },
  },
  {
    name: 'listExpiredLeases lists only active jobs, whatever the others’ lease fields',
    async run({ store, fx, t0 }) {
      const sel = await makeSelection(fx);
      const later = t0 + 2 * SELECTION_TIMES.activeLeaseMs;
      expect((await store.listExpiredLeases({ now: later, limit: 100 })).map((j) => j.id)).toEqual([
        sel.jobs.active.id,
      ]);
      expect(await store.listExpiredLeases({ now: t0 + SELECTION_TIMES.allDue, limit: 100 })).toEqual([]);
    },
  },
  {
    name: 'a heartbeat renewed lease is no longer listed as expired',
    async run({ store, fx, t0 }) {
      const job = await fx.active({}, { leaseMs: 1_000 });
      expect(
        await store.heartbeat({
          leases: [{ id: job.job.id, token: job.token }],
          now: t0 + 900,
          leaseMs: 1_000,
        }),
      ).toEqual([true]);
      expect(await store.listExpiredLeases({ now: t0 + 1_500, limit: 10 })).toEqual([]);
      expect((await store.listExpiredLeases({ now: t0 + 1_900, limit: 10 })).map((j) => j.id)).toEqual([
        job.job.id,
      ]);
    },
  },
  {
    name: 'a rescue (fail with requireExpired) applies only once the lease has expired',
    async run({ fx, t0, tick }) {
      const job = await fx.active({}, { leaseMs: LEASE });
      const ack = (now: number) =>
        fx.ack(
          {
            type: 'fail',
            id: job.job.id,
            token: job.token,
            error: fx.error(1, now, 'lease expired'),
            retryAt: now + 500,
            requireExpired: true,
          },
          now,
        );
      expect(await ack(t0 + LEASE - tick)).toBe(false);
      expect(await fx.get(job.job.id, t0 + LEASE - tick)).toMatchObject({
        state: 'active',
        leaseToken: job.token,
        errors: [],
      });
      const at = t0 + LEASE;
      expect(await ack(at)).toBe(true);
      expect(await fx.get(job.job.id, at)).toMatchObject({
        state: 'retrying',
        runAt: at + 500,
        attempts: 1,
        leaseToken: null,
        errors: [fx.error(1, at, 'lease expired')],
      });
    },
  },
  {
    name: 'a lease renewed after it was listed as expired wins over the rescue',
    async run({ store, fx, t0 }) {
      const job = await fx.active({}, { leaseMs: LEASE });
      const at = t0 + LEASE + 100;
      expect((await store.listExpiredLeases({ now: at, limit: 5 })).map((j) => j.id)).toEqual([job.job.id]);
      expect(
        await store.heartbeat({ leases: [{ id: job.job.id, token: job.token }], now: at, leaseMs: LEASE }),
      ).toEqual([true]);
      const rescued = await fx.ack(
        {
          type: 'fail',
          id: job.job.id,
          token: job.token,
          error: fx.error(1, at, 'lease expired'),
          retryAt: at,
          requireExpired: true,
        },
        at,
      );
      expect(rescued).toBe(false);
      expect(await fx.get(job.job.id, at)).toMatchObject({
        state: 'active',
        leaseToken: job.token,
        errors: [],
      });
    },
  },
  {
    name: 'an ack after the lease expired but before any rescue still applies',
    async run({ store, fx, t0 }) {
      const job = await fx.active({}, { leaseMs: LEASE });
      const late = t0 + 10 * LEASE;
      expect(
        await store.heartbeat({ leases: [{ id: job.job.id, token: job.token }], now: late, leaseMs: LEASE }),
      ).toEqual([true]);
      expect(await fx.complete(job, late + LEASE * 5, '"late but mine"')).toMatchObject({
        state: 'completed',
        result: '"late but mine"',
      });
    },
  },
  {
    name: 'a rescued job is claimable again and its next claim counts the second attempt',
    async run({ fx }) {
      const { second, error } = await rescuedAndReclaimed(fx, fx.t0);
      expect(second.job).toMatchObject({ state: 'active', attempts: 2, errors: [error] });
    },
  },
  {
    name: 'a rescue with retryAt null fails the job for good',
    async run({ fx, t0 }) {
      const job = await fx.active({ maxAttempts: 1 }, { leaseMs: LEASE });
      const at = t0 + 5_000;
      const error = fx.error(1, at, 'lease expired');
      expect(
        await fx.ack(
          { type: 'fail', id: job.job.id, token: job.token, error, retryAt: null, requireExpired: true },
          at,
        ),
      ).toBe(true);
      expect(await fx.get(job.job.id, at)).toMatchObject({
        state: 'failed',
        attempts: 1,
        finishedAt: at,
        deleteAt: at + job.job.retention.failed!,
        errors: [error],
      });
    },
  },
  {
    name: 'a stale complete after rescue and re-claim is rejected and the new attempt stands',
    async run({ fx }) {
      const { first, second, now, error } = await rescuedAndReclaimed(fx, fx.t0);
      const stale = await fx.ack(
        { type: 'complete', id: first.job.id, token: first.token, result: '"stale"' },
        now,
      );
      expect(stale).toBe(false);
      expect(await fx.get(first.job.id, now)).toMatchObject({
        state: 'active',
        leaseToken: second.token,
        attempts: 2,
        result: null,
        errors: [error],
      });
      const done = await fx.complete(second, now + 1, '"fresh"');
      expect(done).toMatchObject({ state: 'completed', result: '"fresh"', attempts: 2 });
    },
  },
  {
    name: 'a stale fail after rescue and re-claim is rejected and the new attempt stands',
    async run({ fx }) {
      const { first, second, now, error } = await rescuedAndReclaimed(fx, fx.t0);
      const staleError = fx.error(1, now, 'stale failure');
      expect(
        await fx.ack(
          { type: 'fail', id: first.job.id, token: first.token, error: staleError, retryAt: null },
          now,
        ),
      ).toBe(false);
      expect(await fx.get(first.job.id, now)).toMatchObject({
        state: 'active',
        leaseToken: second.token,
        attempts: 2,
        errors: [error],
      });
      const done = await fx.complete(second, now + 1, '"fresh"');
      expect(done).toMatchObject({ state: 'completed', result: '"fresh"', errors: [error] });
    },
  },
  {
    name: 'stale heartbeat, snooze, cancel and release after re-claim are rejected and change nothing',
    async run({ store, fx }) {
      const { first, second, now } = await rescuedAndReclaimed(fx, fx.t0);
      const before = await fx.get(first.job.id, now);
      const lease = { id: first.job.id, token: first.token };
      expect(await store.heartbeat({ leases: [lease], now, leaseMs: 999_999 })).toEqual([false]);
      const acks = await store.acknowledge({
        acks: [
          { type: 'snooze', ...lease, runAt: now + 60_000 },
          { type: 'cancel', ...lease, reason: 'stale' },
          { type: 'release', ...lease },
        ],
        now,
      });
      expect(acks).toEqual([false, false, false]);
      expect(await fx.get(first.job.id, now)).toEqual(before);
      expect(before).toMatchObject({ leaseToken: second.token, state: 'active' });
    },
  },
]);
