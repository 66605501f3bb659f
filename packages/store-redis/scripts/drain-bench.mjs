// Drain throughput and enqueue→start latency of a Docket worker on the Redis store (not a test).
// Run after a build: node scripts/drain-bench.mjs [jobs=20000] [concurrencies=10,50]
// Prints one JSON line per scenario; the keys it writes (one random prefix per run) are deleted.
import { Docket, defineTask, silentLogger } from '@docket/core';
import { Redis } from 'ioredis';
import { RedisStore } from '../dist/index.js';

const url = process.env.DOCKET_REDIS_URL ?? 'redis://127.0.0.1:6379';
const jobs = Number(process.argv[2] ?? 20_000);
const concurrencies = (process.argv[3] ?? '10,50').split(',').map(Number);
const admin = new Redis(url);

async function drop(prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await admin.del(...keys);
  } while (cursor !== '0');
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function drain(concurrency) {
  const prefix = `bench_${Date.now().toString(36)}`;
  const latencies = [];
  let done = 0;
  let finish;
  const finished = new Promise((r) => {
    finish = r;
  });
  const noop = defineTask({
    name: 'noop',
    retention: { completed: 3_600_000 },
    handler: async (_payload, ctx) => {
      latencies.push(Date.now() - ctx.job.createdAt.getTime());
    },
  });
  const store = new RedisStore({ url }, { prefix });
  const docket = new Docket({ store, tasks: [noop], logger: silentLogger });
  docket.on('completed', () => {
    if (++done === jobs) finish();
  });
  await docket.setup();
  const enqueueStart = performance.now();
  for (let i = 0; i < jobs; i += 1000) {
    await docket.enqueueMany(
      Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ task: noop, payload: { n: i + k } })),
    );
  }
  const enqueueMs = performance.now() - enqueueStart;
  latencies.length = 0; // latency below is measured in the steady-rate scenario, not the backlog
  const start = performance.now();
  const worker = docket.work({ concurrency, cleaner: false, scheduler: false });
  await finished;
  const drainMs = performance.now() - start;
  await worker.stop();
  await docket.close();
  await drop(prefix);
  return {
    scenario: 'drain',
    concurrency,
    jobs,
    jobsPerSec: Math.round(jobs / (drainMs / 1000)),
    drainMs: Math.round(drainMs),
    bulkEnqueuePerSec: Math.round(jobs / (enqueueMs / 1000)),
  };
}

async function latency(concurrency, rate = 500, seconds = 5) {
  const prefix = `bench_${Date.now().toString(36)}`;
  const latencies = [];
  const noop = defineTask({
    name: 'noop',
    handler: async (_payload, ctx) => {
      latencies.push(Date.now() - ctx.job.createdAt.getTime());
    },
  });
  const store = new RedisStore({ url }, { prefix });
  const docket = new Docket({ store, tasks: [noop], logger: silentLogger });
  await docket.setup();
  const worker = docket.work({ concurrency, cleaner: false, scheduler: false });
  const total = rate * seconds;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    await docket.enqueue(noop, { n: i });
  }
  while (latencies.length < total) await new Promise((r) => setTimeout(r, 20));
  await worker.stop();
  await docket.close();
  await drop(prefix);
  const sorted = latencies.slice().sort((a, b) => a - b);
  return {
    scenario: 'latency',
    concurrency,
    ratePerSec: rate,
    jobs: total,
    p50Ms: pct(sorted, 50),
    p99Ms: pct(sorted, 99),
  };
}

for (const c of concurrencies) console.log(JSON.stringify(await drain(c)));
for (const c of concurrencies) console.log(JSON.stringify(await latency(c)));
admin.disconnect();
