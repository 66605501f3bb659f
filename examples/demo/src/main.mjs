// docket's demo: a small application that enqueues a batch and works it off
// with a live progress line, on an embedded SQLite file by default.
//
//   npm start                                   # SQLite file .tmp/docket-demo.db
//   DOCKET_STORE=memory:// npm start            # any store URL createStore() knows
//   DEMO_JOBS=10000 DEMO_CONCURRENCY=50 DEMO_WORK_MS=0 npm start   # a throughput run
//
// Ctrl-C stops gracefully: running handlers get 5 s to finish, everything else
// stays queued in the store and the next run finishes it.
import { mkdirSync } from 'node:fs';
import { createStore, Docket, silentLogger } from '@docket/core';
import { startDashboard } from './dashboard.mjs';
import { Progress, totals, unfinished } from './progress.mjs';
import {
  buildReport,
  cleanupTemp,
  fetchData,
  rebuildSearchIndex,
  resizeImage,
  seen,
  sendReport,
  tasks,
  uploadFile,
} from './tasks.mjs';

const DEFAULT_STORE = 'sqlite:./.tmp/docket-demo.db';
const storeUrl = process.env.DOCKET_STORE || DEFAULT_STORE;
const JOBS = envInt('DEMO_JOBS', 2_000);
const CONCURRENCY = envInt('DEMO_CONCURRENCY', 20);
const DEMO_QUEUES = new Set(['images', 'uploads', 'reports']);

function envInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer, got ${JSON.stringify(raw)}.`);
    process.exit(2);
  }
  return value;
}

if (storeUrl === DEFAULT_STORE) mkdirSync('.tmp', { recursive: true });
let store;
try {
  store = await createStore(storeUrl);
} catch (error) {
  // A bad URL or a store package that is not installed: the message says what to do.
  console.error(`Cannot open DOCKET_STORE=${storeUrl}: ${error instanceof Error ? error.message : error}`);
  process.exit(2);
}
// Retries and failures are part of the show and summed up at the end; real
// errors arrive as 'error' events below.
const docket = new Docket({ store, tasks, logger: silentLogger, retention: { completed: 3_600_000 } });

const stats = { completed: 0, failed: 0, retries: 0, failures: new Map() };
docket.on('completed', () => void stats.completed++);
docket.on('retrying', () => void stats.retries++);
docket.on('failed', ({ job, error }) => {
  stats.failed++;
  const reason = `${job.task}: ${error instanceof Error ? error.message.replace(/\d+/g, 'N') : String(error)}`;
  stats.failures.set(reason, (stats.failures.get(reason) ?? 0) + 1);
});
docket.on('error', ({ error, context }) => console.error(`\n[${context}]`, error));

const progress = new Progress();
let dashboard;
// Resolved by Ctrl-C once the demo is done and only the dashboard still runs.
let leaveDashboard;
let worker;
let ticker;
let stopping = false;
// Set once the batch is done and the summary is being made: a Ctrl-C then just lets it end.
let finishing = false;

async function shutdown(signal) {
  if (leaveDashboard) return leaveDashboard();
  if (finishing) return;
  if (stopping) {
    console.log('\nForced exit.');
    process.exit(1);
  }
  stopping = true;
  clearInterval(ticker);
  progress.done();
  console.log(`\n${signal}: letting running jobs finish (up to 5 s); everything else stays queued.`);
  try {
    await worker?.stop({ timeout: 5_000 });
    const left = unfinished(totals(await docket.countJobs()));
    await dashboard?.close();
    await docket.close();
    console.log(
      storeUrl.startsWith('memory:')
        ? `Stopped cleanly. ${left} unfinished jobs were in the memory store, which forgets them on exit: use a persistent store to keep them.`
        : `Stopped cleanly. ${left} unfinished jobs are safe in the store: run \`npm start\` again to finish them.`,
    );
    process.exit(0);
  } catch (error) {
    console.error('Shutdown failed:', error);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

async function main() {
  await docket.setup();
  const leftover = unfinished(totals(await docket.countJobs()));
  console.log(`docket demo on ${storeUrl} — ${JOBS} jobs, concurrency ${CONCURRENCY}. Ctrl-C stops cleanly.`);
  if (leftover > 0) console.log(`Resuming ${leftover} unfinished jobs left by an earlier run.`);
  dashboard = await startDashboard(docket);
  console.log(`Dashboard: ${dashboard.url}  (token: ${dashboard.token})`);

  started = Date.now();
  worker = docket.work({
    queues: { images: 3, uploads: 2, reports: 2, maintenance: 1 },
    concurrency: CONCURRENCY,
  });
  ticker = setInterval(() => void tick(), 200);

  // A periodic job, a chain of three, and a unique job enqueued three times.
  await docket.schedule('cleanup-temp', { every: 1_000 }, cleanupTemp, {});
  const fetch = await docket.enqueue(fetchData, { report: 'weekly' }, { delay: 300 });
  const build = await docket.enqueue(buildReport, { report: 'weekly' }, { dependsOn: [fetch.id] });
  const send = await docket.enqueue(sendReport, { report: 'weekly' }, { dependsOn: [build.id] });
  const unique = [];
  for (let i = 0; i < 3; i++) {
    unique.push(await docket.enqueue(rebuildSearchIndex, {}, { unique: { key: 'search-index' } }));
  }

  // The batch: two images for every upload; every 7th upload is flaky, a few are corrupt.
  for (let start = 0; start < JOBS && !stopping; start += 500) {
    const items = [];
    for (let i = start; i < Math.min(start + 500, JOBS); i++) {
      items.push(
        i % 3 === 2
          ? { task: uploadFile, payload: { file: i, flaky: i % 7 === 0, corrupt: i % 250 === 2 } }
          : { task: resizeImage, payload: { image: i } },
      );
    }
    await docket.enqueueMany(items);
  }

  const finished = await new Promise((resolve) => {
    doneCheck = resolve;
  });
  if (!finished || stopping) return;
  stopping = true;
  finishing = true;
  clearInterval(ticker);
  progress.done();
  const seconds = (Date.now() - started) / 1_000;
  await worker.stop();
  await docket.unschedule('cleanup-temp');
  const final = totals(await docket.countJobs());
  const chain = await Promise.all([fetch, build, send].map(({ id }) => docket.getJob(id)));
  summary({ seconds, chain, unique, final });
  // In a terminal the dashboard stays up to look around; scripts (no TTY, or DEMO_STAY=0) end here.
  if (process.stdout.isTTY && process.env.DEMO_STAY !== '0') {
    console.log(`\nThe dashboard stays up at ${dashboard.url} (token: ${dashboard.token}). Ctrl-C to exit.`);
    await new Promise((resolve) => {
      leaveDashboard = resolve;
    });
  }
  await dashboard.close();
  await docket.close();
}

let doneCheck;
let started = Date.now();
async function tick() {
  if (stopping) return;
  try {
    const counts = await docket.countJobs();
    if (stopping) return;
    progress.show(totals(counts), stats.completed + stats.failed);
    const open = unfinished(totals(counts.filter((c) => DEMO_QUEUES.has(c.queue))));
    // Done when the batch is worked off and the periodic task has had its turn (or 5 s passed).
    const periodicSeen = seen.cleanups > 0 || Date.now() - started > 5_000;
    if (open === 0 && periodicSeen && doneCheck) doneCheck(true);
  } catch (error) {
    if (!stopping) console.error('\nprogress:', error);
  }
}

function summary({ seconds, chain, unique, final }) {
  const [fetch, build, send] = chain;
  const inOrder =
    fetch?.state === 'completed' &&
    build?.state === 'completed' &&
    send?.state === 'completed' &&
    fetch.finishedAt <= build.startedAt &&
    build.finishedAt <= send.startedAt;
  const duplicates = unique.filter((o) => o.duplicate).length;
  const processed = stats.completed + stats.failed;
  const lines = [
    '',
    `Done in ${seconds.toFixed(1)} s: ${processed} jobs finished here (${Math.round(processed / seconds)} jobs/s).`,
    `  completed   ${stats.completed}`,
    `  retries     ${stats.retries} attempts failed and were retried with backoff (flaky uploads succeed on attempt 3)`,
    `  failed      ${stats.failed}${[...stats.failures].map(([why, n]) => `\n                ${n} × ${why}`).join('')}`,
    `  chain       fetch-data → build-report → send-report ${inOrder ? 'ran in order' : `did NOT complete in order: ${chain.map((j) => j?.state).join(', ')}`}`,
    `  unique      3 enqueues of rebuild-search-index → ${3 - duplicates} job, ${duplicates} duplicates`,
    `  periodic    cleanup-temp ran ${seen.cleanups} time${seen.cleanups === 1 ? '' : 's'} (every 1 s)`,
    `  in store    ${Object.entries(final)
      .filter(([, n]) => n > 0)
      .map(([state, n]) => `${state} ${n}`)
      .join(' · ')}`,
  ];
  console.log(lines.join('\n'));
}

main().catch(async (error) => {
  if (stopping) return;
  console.error('\nThe demo failed:', error);
  process.exitCode = 1;
  clearInterval(ticker);
  await docket.close().catch(() => {});
});
