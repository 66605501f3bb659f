// The demo's tasks: a batch task, a flaky one that retries, a chain of three,
// a periodic one and a unique one. Handlers only sleep; what matters is how
// docket moves the jobs around.
import { defineTask, PermanentError } from '@docket/core';

/** Handler work time, ms: DEMO_WORK_MS (0 for a throughput run), else 5-30 ms at random. */
const fixedWorkMs = process.env.DEMO_WORK_MS === undefined ? undefined : Number(process.env.DEMO_WORK_MS);
const workMs = () => fixedWorkMs ?? 5 + Math.random() * 25;

/** Sleeps `ms`, cut short when the worker aborts the handler (timeout or shutdown). */
function work(ms, signal) {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error('aborted'));
      },
      { once: true },
    );
  });
}

/** What the handlers saw, for the summary. */
export const seen = { chain: [], cleanups: 0 };

export const resizeImage = defineTask({
  name: 'resize-image',
  queue: 'images',
  handler: async ({ image }, ctx) => {
    await work(workMs(), ctx.signal);
    return { image, width: 640 };
  },
});

/** Every 7th upload times out twice, then succeeds; a corrupt file fails at once. */
export const uploadFile = defineTask({
  name: 'upload-file',
  queue: 'uploads',
  maxAttempts: 4,
  backoff: { type: 'exponential', delay: 100, max: 1_000 },
  handler: async ({ file, flaky, corrupt }, ctx) => {
    await work(workMs(), ctx.signal);
    if (corrupt) throw new PermanentError(`file ${file} is corrupt`);
    if (flaky && ctx.job.attempt < 3) {
      throw new Error(`upstream timeout uploading file ${file} (attempt ${ctx.job.attempt})`);
    }
    return { url: `https://cdn.example/${file}` };
  },
});

function chainStep(name) {
  return defineTask({
    name,
    queue: 'reports',
    handler: async ({ report }, ctx) => {
      await work(150, ctx.signal);
      seen.chain.push(name);
      return { report, step: name };
    },
  });
}

export const fetchData = chainStep('fetch-data');
export const buildReport = chainStep('build-report');
export const sendReport = chainStep('send-report');

export const rebuildSearchIndex = defineTask({
  name: 'rebuild-search-index',
  queue: 'reports',
  handler: async (_payload, ctx) => {
    await work(100, ctx.signal);
    return { documents: 12_345 };
  },
});

export const cleanupTemp = defineTask({
  name: 'cleanup-temp',
  queue: 'maintenance',
  handler: async () => {
    seen.cleanups += 1;
    return { removed: 0 };
  },
});

export const tasks = [
  resizeImage,
  uploadFile,
  fetchData,
  buildReport,
  sendReport,
  rebuildSearchIndex,
  cleanupTemp,
];
