import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { Fixtures } from '../fixtures.js';

/** Rule 5: every time-dependent operation takes `now` from the caller, never from the store's own clock. */
export const clockCases = defineCases('clock', [
  {
    name: 'a job lives entirely on the caller’s time, in the past and in the future',
    async run({ store, tick }) {
      for (const base of [Date.UTC(2001, 8, 9), Date.UTC(2090, 0, 1)]) {
        const fx = new Fixtures(store, base);
        const queue = `q${new Date(base).getUTCFullYear()}`;
        const job = await fx.enqueue({ queue, runAt: base + 1_000 });
        expect(job).toMatchObject({ state: 'scheduled', createdAt: base });
        expect((await fx.claim({ queues: [queue], now: base + 1_000 - tick })).jobs).toEqual([]);
        expect(await store.nextRunAt({ queues: [queue], now: base })).toBe(base + 1_000);
        const { jobs, token } = await fx.claim({ queues: [queue], now: base + 1_000, leaseMs: 500 });
        expect(jobs.map((j) => [j.id, j.startedAt, j.leaseExpiresAt])).toEqual([
          [job.id, base + 1_000, base + 1_500],
        ]);
        expect(await store.listExpiredLeases({ now: base + 1_500 - tick, limit: 10 })).toEqual([]);
        expect((await store.listExpiredLeases({ now: base + 1_500, limit: 10 })).map((j) => j.id)).toEqual([
          job.id,
        ]);
        const done = await fx.complete({ job: jobs[0]!, token }, base + 1_200);
        expect(done).toMatchObject({
          finishedAt: base + 1_200,
          deleteAt: base + 1_200 + job.retention.completed!,
        });
        expect(await store.deleteExpired({ now: done.deleteAt! - tick, limit: 10 })).toBe(0);
        expect(await store.deleteExpired({ now: done.deleteAt!, limit: 10 })).toBe(1);
      }
    },
  },
]);
