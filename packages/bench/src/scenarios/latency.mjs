// Enqueue→handler-start latency at a steady rate (one enqueue every 1000/rate ms, not
// awaited before the next tick), worker at concurrency 10 started 500 ms before.

import { latencySummary } from '../percentiles.mjs';
import { beginMeasured, endMeasured } from '../profile/measured-section.mjs';
import { nowMs } from '../rss-sampler.mjs';
import { withTimeout } from './drain.mjs';

export async function latency(adapter, { rate, windowMs, concurrency }) {
  const count = Math.round((rate * windowMs) / 1000);
  const latencies = [];
  let finish;
  const finished = new Promise((resolve) => {
    finish = resolve;
  });
  const worker = await adapter.startWorker({
    concurrency,
    onStart(payload) {
      latencies.push(nowMs() - payload.t);
      if (latencies.length === count) finish();
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const interval = 1000 / rate;
  await beginMeasured();
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < count; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(adapter.enqueueOne({ t: nowMs() }));
  }
  await Promise.all(pending);
  await withTimeout(finished, 10_000, () => `started ${latencies.length} of ${count}`);
  const elapsed = performance.now() - started;
  await endMeasured();
  await worker.stop();
  return { jobs_per_s: Math.round((count / elapsed) * 1000), ...latencySummary(latencies) };
}
