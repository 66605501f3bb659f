// N ready jobs, then one worker with a no-op handler: time from worker start to the
// last completion (for pg-boss and graphile-worker: to the last completion stored).
import { beginMeasured, endMeasured } from '../profile/measured-section.mjs';
import { fillQueue } from './enqueue-bulk.mjs';

export async function drain(adapter, { n, concurrency, timeoutMs }) {
  await fillQueue(adapter, n);
  let done = 0;
  let finish;
  const finished = new Promise((resolve) => {
    finish = resolve;
  });
  await beginMeasured();
  const started = performance.now();
  const worker = await adapter.startWorker({
    concurrency,
    onComplete(count) {
      done += count;
      if (done >= n) finish();
    },
  });
  await withTimeout(finished, timeoutMs, () => `drained ${done} of ${n}`);
  await adapter.settle?.();
  const elapsed = performance.now() - started;
  await endMeasured();
  await worker.stop();
  return { jobs_per_s: Math.round((n / elapsed) * 1000), p50_ms: null, p95_ms: null, p99_ms: null };
}

export function withTimeout(promise, ms, describe) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${describe()}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
