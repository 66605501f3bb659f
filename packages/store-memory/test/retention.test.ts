import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { newJob, T0 } from './fixtures.js';

describe('MemoryStore: retention', () => {
  it('deleteExpired deletes terminal jobs past deleteAt, bounded by limit, never others', async () => {
    const store = new MemoryStore();
    const retention = { completed: 10, failed: 10, cancelled: 10, dropPayload: false };
    await store.enqueue({
      now: T0,
      jobs: [
        ...Array.from({ length: 5 }, (_, i) => newJob({ id: `c${i}`, retention })),
        newJob({ id: 'waiting', hold: true, retention }),
        newJob({ id: 'forever' }),
      ],
    });
    await store.cancelJob({ id: 'forever', reason: 'r', now: T0 });
    for (let i = 0; i < 5; i++) await store.cancelJob({ id: `c${i}`, reason: 'r', now: T0 + i });
    expect(await store.deleteExpired({ now: T0 + 11, limit: 10 })).toBe(2);
    expect(await store.getJob({ id: 'c0', now: T0 })).toBeNull();
    expect(await store.getJob({ id: 'c2', now: T0 })).not.toBeNull();
    expect(await store.deleteExpired({ now: T0 + 100, limit: 2 })).toBe(2);
    expect(await store.deleteExpired({ now: T0 + 100, limit: 2 })).toBe(1);
    expect(await store.deleteExpired({ now: T0 + 100, limit: 2 })).toBe(0);
    expect((await store.listJobs({ now: T0, limit: 10 })).jobs.map((j) => j.id)).toEqual([
      'forever',
      'waiting',
    ]);
  });

  it('a deleted unique holder no longer makes duplicates, even within its period', async () => {
    const store = new MemoryStore();
    const unique = { key: 'k', period: 60_000 };
    const retention = { completed: null, failed: null, cancelled: 0, dropPayload: false };
    const [first] = await store.enqueue({ now: T0, jobs: [newJob({ unique, retention })] });
    await store.cancelJob({ id: first!.id, reason: 'r', now: T0 });
    expect((await store.enqueue({ now: T0, jobs: [newJob({ unique })] }))[0]!.duplicate).toBe(true);
    expect(await store.deleteExpired({ now: T0, limit: 10 })).toBe(1);
    const [second] = await store.enqueue({ now: T0, jobs: [newJob({ unique })] });
    expect(second!.duplicate).toBe(false);
  });
});
