// Bytes per queued job: MEMORY USAGE of one job hash, plus the index entries each job adds
// (K:all, and the queue's ready zset for a ready job), averaged over N jobs.
// Run after a build: node scripts/measure-memory.mjs
import { Redis } from 'ioredis';
import { RedisStore } from '../dist/index.js';

const N = 10_000;
const url = process.env.DOCKET_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url);
const retention = { completed: 86_400_000, failed: null, cancelled: 86_400_000, dropPayload: false };

async function measure(hold) {
  const prefix = `mem_${hold ? 'held' : 'ready'}_${Date.now().toString(36)}`;
  const tag = `{${prefix}}`;
  const store = new RedisStore({ url }, { prefix });
  const now = Date.now();
  try {
    for (let i = 0; i < N; i += 500) {
      const jobs = Array.from({ length: 500 }, (_, k) => ({
        id: `01JD${String(i + k).padStart(22, '0')}`,
        task: 'send-email',
        queue: 'emails',
        payload: JSON.stringify({ to: `user${i + k}@example.com` }),
        priority: 0,
        runAt: now,
        maxAttempts: 5,
        hold,
        dependsOn: [],
        unique: null,
        retention,
      }));
      await store.enqueue({ jobs, now });
    }
    const usage = async (key) => Number((await redis.memory('USAGE', key, 'SAMPLES', 0)) ?? 0);
    const hash = await usage(`${tag}:job:01JD${'0'.repeat(22)}`);
    const all = await usage(`${tag}:all`);
    const ready = await usage(`${tag}:q:emails:ready`);
    return {
      state: hold ? 'waiting (held)' : 'ready',
      jobs: N,
      jobHashBytes: hash,
      allIndexBytesPerJob: Math.round(all / N),
      readyIndexBytesPerJob: Math.round(ready / N),
      totalBytesPerJob: Math.round(hash + (all + ready) / N),
    };
  } finally {
    await store.close();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${tag}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
}

console.log(JSON.stringify(await measure(false)));
console.log(JSON.stringify(await measure(true)));
redis.disconnect();
