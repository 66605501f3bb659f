import { JobNotFoundError, type UpsertScheduleInput } from '@docket/core';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { newJob, T0 } from './fixtures.js';

describe('MemoryStore: schedules', () => {
  const input = (overrides: Partial<UpsertScheduleInput> = {}): UpsertScheduleInput => ({
    name: 'nightly',
    rule: '{"every":60000}',
    task: 'task-a',
    queue: 'default',
    payload: '{}',
    options: '{}',
    nextRunAt: T0 + 60_000,
    ...overrides,
  });

  it('upsert keeps paused and, while the rule is unchanged, nextRunAt/lastRunAt', async () => {
    const store = new MemoryStore();
    const created = await store.upsertSchedule({ schedule: input(), now: T0 });
    expect(created).toMatchObject({ paused: false, lastRunAt: null, createdAt: T0, updatedAt: T0 });
    await store.setSchedulePaused({ name: 'nightly', paused: true, now: T0 + 1 });
    const same = await store.upsertSchedule({
      schedule: input({ nextRunAt: T0 + 5, payload: '1' }),
      now: T0 + 2,
    });
    expect(same).toMatchObject({
      paused: true,
      nextRunAt: T0 + 60_000,
      payload: '1',
      createdAt: T0,
      updatedAt: T0 + 2,
    });
    const changed = await store.upsertSchedule({
      schedule: input({ rule: '{"every":1000}', nextRunAt: T0 + 1000 }),
      now: T0 + 3,
    });
    expect(changed).toMatchObject({ paused: true, nextRunAt: T0 + 1000 });
    expect(await store.setSchedulePaused({ name: 'missing', paused: true, now: T0 })).toBe(false);
  });

  it('lists, gets, removes', async () => {
    const store = new MemoryStore();
    await store.upsertSchedule({ schedule: input({ name: 'b' }), now: T0 });
    await store.upsertSchedule({ schedule: input({ name: 'a' }), now: T0 });
    expect((await store.listSchedules()).map((s) => s.name)).toEqual(['a', 'b']);
    const got = await store.getSchedule({ name: 'a' });
    got!.paused = true;
    expect((await store.getSchedule({ name: 'a' }))!.paused).toBe(false);
    expect(await store.removeSchedule({ name: 'a' })).toBe(true);
    expect(await store.removeSchedule({ name: 'a' })).toBe(false);
    expect(await store.getSchedule({ name: 'a' })).toBeNull();
  });

  it('dueSchedules: unpaused and due, earliest first, at most limit', async () => {
    const store = new MemoryStore();
    await store.upsertSchedule({ schedule: input({ name: 'late', nextRunAt: T0 + 2 }), now: T0 });
    await store.upsertSchedule({ schedule: input({ name: 'early', nextRunAt: T0 + 1 }), now: T0 });
    await store.upsertSchedule({ schedule: input({ name: 'paused', nextRunAt: T0 }), now: T0 });
    await store.upsertSchedule({ schedule: input({ name: 'future', nextRunAt: T0 + 10 }), now: T0 });
    await store.setSchedulePaused({ name: 'paused', paused: true, now: T0 });
    expect((await store.dueSchedules({ now: T0 + 5, limit: 10 })).map((s) => s.name)).toEqual([
      'early',
      'late',
    ]);
    expect((await store.dueSchedules({ now: T0 + 5, limit: 1 })).map((s) => s.name)).toEqual(['early']);
  });

  it('fireSchedule fires each tick once and enqueues like enqueue', async () => {
    const store = new MemoryStore();
    await store.upsertSchedule({ schedule: input(), now: T0 });
    const tick = T0 + 60_000;
    const fire = (id: string) =>
      store.fireSchedule({
        name: 'nightly',
        expectedNextRunAt: tick,
        nextRunAt: tick + 60_000,
        job: newJob({ id, unique: { key: 'nightly', period: null } }),
        now: tick,
      });
    const [first, second] = await Promise.all([fire('one'), fire('two')]);
    expect(first).toEqual({ id: 'one', duplicate: false, state: 'ready' });
    expect(second).toBeNull();
    expect(await store.getJob({ id: 'two', now: tick })).toBeNull();
    expect(await store.getSchedule({ name: 'nightly' })).toMatchObject({
      lastRunAt: tick,
      nextRunAt: tick + 60_000,
    });
  });

  it('fireSchedule does nothing for a paused or unknown schedule, and keeps the tick if enqueue throws', async () => {
    const store = new MemoryStore();
    await store.upsertSchedule({ schedule: input(), now: T0 });
    const params = {
      name: 'nightly',
      expectedNextRunAt: T0 + 60_000,
      nextRunAt: T0 + 120_000,
      job: newJob({ dependsOn: ['missing'] }),
      now: T0 + 60_000,
    };
    await expect(store.fireSchedule(params)).rejects.toBeInstanceOf(JobNotFoundError);
    expect((await store.getSchedule({ name: 'nightly' }))!.nextRunAt).toBe(T0 + 60_000);
    await store.setSchedulePaused({ name: 'nightly', paused: true, now: T0 });
    expect(await store.fireSchedule({ ...params, job: newJob() })).toBeNull();
    expect(await store.fireSchedule({ ...params, name: 'unknown', job: newJob() })).toBeNull();
  });
});
