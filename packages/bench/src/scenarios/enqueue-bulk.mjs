// N jobs enqueued in batches of 1000 (sequential calls). p50/p95/p99: per batch call.

import { latencySummary } from '../percentiles.mjs';
import { beginMeasured, endMeasured } from '../profile/measured-section.mjs';

export const BATCH = 1000;

export async function enqueueBulk(adapter, { n }) {
  const latencies = [];
  await beginMeasured();
  const started = performance.now();
  await fillQueue(adapter, n, (ms) => latencies.push(ms));
  const elapsed = performance.now() - started;
  await endMeasured();
  return { jobs_per_s: Math.round((n / elapsed) * 1000), ...latencySummary(latencies) };
}

/** Enqueues n no-op jobs in batches; also the untimed setup of the drain scenarios. */
export async function fillQueue(adapter, n, onBatch) {
  for (let i = 0; i < n; i += BATCH) {
    const payloads = [];
    for (let k = i; k < Math.min(n, i + BATCH); k++) payloads.push({ n: k });
    const t = performance.now();
    await adapter.enqueueBulk(payloads);
    onBatch?.(performance.now() - t);
  }
}
