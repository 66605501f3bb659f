import type { NewJob } from '@docket/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { dropPrefix, REDIS_URL, randomPrefix, redisOrSkip } from './redis-env.js';

const available = await redisOrSkip();
const T0 = Date.UTC(2030, 0, 1);
const job = (id: string, queue: string): NewJob => ({
  id,
  task: 't',
  queue,
  payload: '{}',
  priority: 0,
  runAt: T0,
  maxAttempts: 1,
  hold: false,
  dependsOn: [],
  unique: null,
  retention: { completed: null, failed: null, cancelled: null, dropPayload: false },
});

describe.runIf(available)('listJobs scan bound', () => {
  const prefix = randomPrefix();
  const admin = new Redis(REDIS_URL);
  const store = new RedisStore({ client: admin }, { prefix });
  afterAll(async () => {
    await store.close();
    await dropPrefix(admin, prefix);
    admin.disconnect();
  });

  it('a rare filter over many jobs returns a short page with a cursor instead of scanning everything', async () => {
    await store.enqueue({ jobs: [job('rare-1', 'rare')], now: T0 });
    for (let i = 0; i < 10_400; i += 800) {
      await store.enqueue({
        jobs: Array.from({ length: 800 }, (_, k) => job(`bulk-${i + k}`, 'bulk')),
        now: T0,
      });
    }
    const first = await store.listJobs({ now: T0, queue: 'rare', limit: 10 });
    expect(first.jobs).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    const second = await store.listJobs({ now: T0, queue: 'rare', limit: 10, cursor: first.nextCursor! });
    expect(second.jobs.map((j) => j.id)).toEqual(['rare-1']);
    expect(second.nextCursor).toBeNull();
  });
});
