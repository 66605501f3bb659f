import { Docket, defineTask, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { activeResources, settledHeap } from '../src/heap.js';
import { stateCounts } from '../src/observer.js';
import { size } from '../src/sizes.js';
import { VARIANTS } from '../src/store-variants.js';
import { until } from '../src/wait.js';

// Scenario 10: many jobs through one worker on the memory store, with every event listener throwing.
// Jobs are fed in waves; after each wave the heap is measured after a full GC. Finished jobs are
// deleted by the cleaner (retention 0), so what stays is what the worker and store leak.
const WAVE = 1000;
const WAVES = size(20, 200);
const MB = 1024 * 1024;

const memory = VARIANTS.find((v) => v.kind === 'memory')!;

describe(`soak: ${WAVE * WAVES} jobs through one worker on the memory store`, () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('listeners that throw do not stop it; heap stays bounded; throughput stays steady; no handle leaks', async () => {
    const resourcesBefore = activeResources().length;
    const ns = await memory.fresh();
    const task = defineTask({
      name: 'soak',
      queue: 'soak',
      maxAttempts: 3,
      backoff: { type: 'fixed', delay: 0, jitter: 0 },
      retention: { completed: 0, failed: 0, cancelled: 0 },
      // One job in ten fails its first attempt, so `retrying` listeners fire too.
      handler: async (payload: { n: number }, ctx) => {
        if (payload.n % 10 === 0 && ctx.job.attempt === 1) throw new Error('first attempt fails');
        return { n: payload.n };
      },
    });
    const docket = new Docket({ store: ns.open(), tasks: [task], logger: silentLogger });
    const heard = { completed: 0, retrying: 0, error: 0 };
    for (const event of ['completed', 'retrying', 'failed', 'stalled', 'error'] as const) {
      docket.on(event, () => {
        if (event in heard) heard[event as keyof typeof heard]++;
        throw new Error(`listener of ${event} throws`);
      });
    }
    await docket.setup();
    const worker = docket.work({
      queues: ['soak'],
      concurrency: 50,
      pollIntervalMs: 50,
      cleaner: { intervalMs: 100, batchSize: 10_000 },
    });

    const heaps: number[] = [];
    const waveMs: number[] = [];
    for (let wave = 0; wave < WAVES; wave++) {
      const began = performance.now();
      await docket.enqueueMany(
        Array.from({ length: WAVE }, (_, i) => ({ task, payload: { n: wave * WAVE + i } })),
      );
      await until(
        'the wave to finish',
        async () => {
          const counts = await stateCounts(docket);
          return (
            (counts.ready ?? 0) + (counts.active ?? 0) + (counts.retrying ?? 0) + (counts.scheduled ?? 0) ===
            0
          );
        },
        60_000,
        5,
      );
      waveMs.push(performance.now() - began);
      await worker.cleaner.runOnce();
      heaps.push(settledHeap());
    }
    expect(await stateCounts(docket)).toEqual({});
    await docket.close();
    await ns.destroy();

    expect(heard.completed).toBe(WAVE * WAVES);
    expect(heard.retrying).toBe((WAVE * WAVES) / 10);
    // Growth after warm-up (the first quarter of the waves) stays under 16 MB whatever the job count.
    const warm = heaps[Math.floor(WAVES / 4)]!;
    const peak = Math.max(...heaps.slice(Math.floor(WAVES / 4)));
    expect((peak - warm) / MB).toBeLessThan(16);
    // Steady throughput: the slowest of the last quarter of waves is within 4× the median wave.
    const sorted = [...waveMs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(Math.max(...waveMs.slice(-Math.ceil(WAVES / 4)))).toBeLessThan(4 * median + 50);
    // Nothing left open once the Docket is closed.
    await until('handles to close', () => activeResources().length <= resourcesBefore, 5000);
    console.info(
      `soak: ${WAVE * WAVES} jobs, median wave ${median.toFixed(0)} ms, heap ${(warm / MB).toFixed(1)} → peak ${(peak / MB).toFixed(1)} MB`,
    );
  });
});
