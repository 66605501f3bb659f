import type { Storage, UpsertScheduleInput } from '@docket/core';
import { expect } from 'vitest';
import { defineCases } from '../case.js';
import type { Fixtures } from '../fixtures.js';

const RULE = '{"every":60000}';

function schedule(t0: number, overrides: Partial<UpsertScheduleInput> = {}): UpsertScheduleInput {
  return {
    name: 'nightly',
    rule: RULE,
    task: 'conformance-task',
    queue: 'default',
    payload: '{"report":true}',
    options: '{"priority":1}',
    nextRunAt: t0 + 60_000,
    ...overrides,
  };
}

/** Fires the schedule's due tick at `now` with a fresh job, the way the core does. */
function fire(store: Storage, fx: Fixtures, expectedNextRunAt: number, now: number, name = 'nightly') {
  return store.fireSchedule({
    name,
    expectedNextRunAt,
    nextRunAt: expectedNextRunAt + 60_000,
    job: fx.job({ payload: '{"report":true}' }),
    now,
  });
}

/** Rule 9 and the schedule contract. */
export const scheduleCases = defineCases('schedules', [
  {
    name: 'upsertSchedule inserts a schedule and returns the stored record',
    async run({ store, t0 }) {
      const input = schedule(t0);
      const stored = await store.upsertSchedule({ schedule: input, now: t0 });
      const expected = { ...input, lastRunAt: null, paused: false, createdAt: t0, updatedAt: t0 };
      expect(stored).toMatchObject(expected);
      expect(await store.getSchedule({ name: 'nightly' })).toMatchObject(expected);
      expect(await store.listSchedules()).toMatchObject([expected]);
    },
  },
  {
    name: 'upsertSchedule keeps an operator’s pause and, for the same rule, nextRunAt and lastRunAt',
    async run({ store, fx, t0 }) {
      await store.upsertSchedule({ schedule: schedule(t0), now: t0 });
      expect(await fire(store, fx, t0 + 60_000, t0 + 60_000)).not.toBeNull();
      expect(await store.setSchedulePaused({ name: 'nightly', paused: true, now: t0 + 61_000 })).toBe(true);
      const now = t0 + 62_000;
      const updated = await store.upsertSchedule({
        schedule: schedule(t0, { nextRunAt: t0 + 999_000, payload: '{"report":false}', queue: 'reports' }),
        now,
      });
      expect(updated).toMatchObject({
        paused: true,
        nextRunAt: t0 + 120_000,
        lastRunAt: t0 + 60_000,
        payload: '{"report":false}',
        queue: 'reports',
        createdAt: t0,
        updatedAt: now,
      });
      expect(await store.getSchedule({ name: 'nightly' })).toEqual(updated);
    },
  },
  {
    name: 'upsertSchedule with a changed rule takes the given nextRunAt',
    async run({ store, t0 }) {
      await store.upsertSchedule({ schedule: schedule(t0), now: t0 });
      const updated = await store.upsertSchedule({
        schedule: schedule(t0, { rule: '{"every":5000}', nextRunAt: t0 + 5_000 }),
        now: t0 + 1,
      });
      expect(updated).toMatchObject({ rule: '{"every":5000}', nextRunAt: t0 + 5_000, paused: false });
    },
  },
  {
    name: 'removeSchedule and setSchedulePaused report unknown names, and removal leaves its jobs',
    async run({ store, fx, t0 }) {
      expect(await store.removeSchedule({ name: 'nightly' })).toBe(false);
      expect(await store.setSchedulePaused({ name: 'nightly', paused: true, now: t0 })).toBe(false);
      expect(await store.getSchedule({ name: 'nightly' })).toBeNull();
      await store.upsertSchedule({ schedule: schedule(t0), now: t0 });
      const outcome = await fire(store, fx, t0 + 60_000, t0 + 60_000);
      expect(await store.removeSchedule({ name: 'nightly' })).toBe(true);
      expect(await store.getSchedule({ name: 'nightly' })).toBeNull();
      expect(await store.listSchedules()).toEqual([]);
      expect(await fx.get(outcome!.id, t0 + 60_000)).toMatchObject({ state: 'ready' });
    },
  },
  {
    name: 'dueSchedules lists unpaused schedules due at now, earliest first, at most limit',
    async run({ store, t0, tick }) {
      const put = (name: string, nextRunAt: number) =>
        store.upsertSchedule({ schedule: schedule(t0, { name, nextRunAt }), now: t0 });
      await put('c', t0 + 3_000);
      await put('a', t0 + 1_000);
      await put('b', t0 + 2_000);
      await put('later', t0 + 9_000);
      await put('paused', t0 + 500);
      await store.setSchedulePaused({ name: 'paused', paused: true, now: t0 });
      const names = async (now: number, limit = 10) =>
        (await store.dueSchedules({ now, limit })).map((s) => s.name);
      expect(await names(t0 + 1_000 - tick)).toEqual([]);
      expect(await names(t0 + 1_000)).toEqual(['a']);
      expect(await names(t0 + 5_000)).toEqual(['a', 'b', 'c']);
      expect(await names(t0 + 5_000, 2)).toEqual(['a', 'b']);
      await store.setSchedulePaused({ name: 'paused', paused: false, now: t0 });
      expect(await names(t0 + 5_000, 2)).toEqual(['paused', 'a']);
    },
  },
  {
    name: 'fireSchedule enqueues the job and moves lastRunAt and nextRunAt',
    async run({ store, fx, t0 }) {
      await store.upsertSchedule({ schedule: schedule(t0), now: t0 });
      const now = t0 + 60_250;
      const job = fx.job({ payload: '{"tick":1}', queue: 'reports' });
      const outcome = await store.fireSchedule({
        name: 'nightly',
        expectedNextRunAt: t0 + 60_000,
        nextRunAt: t0 + 120_000,
        job,
        now,
      });
      expect(outcome).toEqual({ id: job.id, duplicate: false, state: 'ready' });
      expect(await fx.get(job.id, now)).toMatchObject({
        payload: '{"tick":1}',
        queue: 'reports',
        createdAt: now,
      });
      expect(await store.getSchedule({ name: 'nightly' })).toMatchObject({
        lastRunAt: now,
        nextRunAt: t0 + 120_000,
      });
      expect(await store.dueSchedules({ now, limit: 10 })).toEqual([]);
    },
  },
  {
    name: 'fireSchedule of a stale tick, a paused or an unknown schedule returns null and changes nothing',
    async run({ store, fx, t0 }) {
      await store.upsertSchedule({ schedule: schedule(t0), now: t0 });
      expect(await fire(store, fx, t0 + 1, t0 + 60_000)).toBeNull();
      expect(await fire(store, fx, t0 + 60_000, t0 + 60_000, 'unknown')).toBeNull();
      await store.setSchedulePaused({ name: 'nightly', paused: true, now: t0 });
      expect(await fire(store, fx, t0 + 60_000, t0 + 60_000)).toBeNull();
      expect(await store.getSchedule({ name: 'nightly' })).toMatchObject({
        nextRunAt: t0 + 60_000,
        lastRunAt: null,
      });
      expect(await fx.total()).toBe(0);
    },
  },
  {
    name: 'a tick already fired is not fired again',
    async run({ store, fx, t0 }) {
      await store.upsertSchedule({ schedule: schedule(t0), now: t0 });
      expect(await fire(store, fx, t0 + 60_000, t0 + 60_000)).not.toBeNull();
      expect(await fire(store, fx, t0 + 60_000, t0 + 60_001)).toBeNull();
      expect(await fx.total()).toBe(1);
    },
  },
  {
    name: 'fireSchedule applies enqueue semantics: a unique duplicate still moves the schedule',
    async run({ store, fx, t0 }) {
      await store.upsertSchedule({ schedule: schedule(t0), now: t0 });
      const existing = await fx.enqueue({ unique: { key: 'report', period: null } });
      const outcome = await store.fireSchedule({
        name: 'nightly',
        expectedNextRunAt: t0 + 60_000,
        nextRunAt: t0 + 120_000,
        job: fx.job({ unique: { key: 'report', period: null } }),
        now: t0 + 60_000,
      });
      expect(outcome).toEqual({ id: existing.id, duplicate: true, state: 'ready' });
      expect(await store.getSchedule({ name: 'nightly' })).toMatchObject({ nextRunAt: t0 + 120_000 });
      expect(await fx.total()).toBe(1);
    },
  },
  {
    name: 'concurrent fireSchedule calls for one tick enqueue exactly one job',
    timeoutMs: 60_000,
    async run({ store, fx, t0, instances }) {
      await store.upsertSchedule({ schedule: schedule(t0), now: t0 });
      const firers = await instances(10);
      const outcomes = await Promise.all(firers.map((s) => fire(s, fx, t0 + 60_000, t0 + 60_000)));
      expect(outcomes.filter((o) => o !== null)).toHaveLength(1);
      expect(await fx.total(t0 + 60_000)).toBe(1);
      expect(await store.getSchedule({ name: 'nightly' })).toMatchObject({ nextRunAt: t0 + 120_000 });
    },
  },
]);
