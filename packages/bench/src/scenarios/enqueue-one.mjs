// N jobs enqueued one at a time, each awaited before the next. p50/p95/p99: per call.

import { latencySummary } from '../percentiles.mjs';
import { beginMeasured, endMeasured } from '../profile/measured-section.mjs';

export async function enqueueOne(adapter, { n }) {
  if (adapter.measureInserts) {
    const { tps, latencies } = await adapter.measureInserts(n);
    return { jobs_per_s: Math.round(tps), ...latencySummary(latencies) };
  }
  const latencies = new Float64Array(n);
  await beginMeasured();
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await adapter.enqueueOne({ n: i });
    latencies[i] = performance.now() - t;
  }
  const elapsed = performance.now() - started;
  await endMeasured();
  return { jobs_per_s: Math.round((n / elapsed) * 1000), ...latencySummary(latencies) };
}
