import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { claimOf, newJob, T0 } from './fixtures.js';

/** A small deterministic PRNG, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface ModelJob {
  id: string;
  priority: number;
  runAt: number;
  seq: number;
}

const claimOrder = (a: ModelJob, b: ModelJob) =>
  b.priority - a.priority || a.runAt - b.runAt || a.seq - b.seq;

describe('MemoryStore: claim order under churn (rule 2)', () => {
  it('matches a sorted model through promotions, cancels, releases and retries', async () => {
    const rand = random(7);
    const store = new MemoryStore();
    const waiting = new Map<string, ModelJob>();
    const jobs = Array.from({ length: 400 }, (_, seq) => {
      const job = newJob({
        id: `m${seq}`,
        priority: Math.floor(rand() * 5) - 2,
        runAt: T0 + Math.floor(rand() * 2000),
      });
      waiting.set(job.id, { id: job.id, priority: job.priority, runAt: job.runAt, seq });
      return job;
    });
    await store.enqueue({ now: T0, jobs });
    for (const id of [...waiting.keys()].filter(() => rand() < 0.1)) {
      await store.cancelJob({ id, reason: 'churn', now: T0 });
      waiting.delete(id);
    }

    let now = T0;
    let round = 0;
    while (waiting.size > 0) {
      now += Math.floor(rand() * 60);
      const limit = 1 + Math.floor(rand() * 6);
      const token = `t${round++}`;
      const expected = [...waiting.values()]
        .filter((j) => j.runAt <= now)
        .sort(claimOrder)
        .slice(0, limit)
        .map((j) => j.id);
      const claimed = await store.claim(claimOf(['default'], now, limit, token));
      expect(claimed.map((j) => j.id)).toEqual(expected);

      const acks = claimed.map((job) => {
        const model = waiting.get(job.id)!;
        const r = rand();
        if (r < 0.2) return { type: 'release' as const, id: job.id, token };
        if (r < 0.4) {
          model.runAt = now + Math.floor(rand() * 300);
          const error = { attempt: job.attempts, at: now, message: 'retry' };
          return { type: 'fail' as const, id: job.id, token, error, retryAt: model.runAt };
        }
        waiting.delete(job.id);
        return { type: 'complete' as const, id: job.id, token, result: null };
      });
      expect(await store.acknowledge({ now, acks })).toEqual(acks.map(() => true));
      const next = await store.nextRunAt({ queues: ['default'], now });
      const modelNext = Math.min(...[...waiting.values()].map((j) => j.runAt).filter((t) => t > now));
      expect(next).toBe(Number.isFinite(modelNext) ? modelNext : null);
    }
    expect(await store.claim(claimOf(['default'], now + 10_000, 10))).toEqual([]);
  });
});
