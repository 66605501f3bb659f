// Quick local measurement (not a test): drain throughput of a Docket worker on
// PostgresStore at a few concurrencies, and enqueue→start latency at a steady
// rate. Build first: npx turbo run build --filter=@docket/store-postgres
// Run: node packages/store-postgres/bench/drain.mjs [jobs=10000] [concurrencies=10,50] [runs=3]
// Prints one JSON line per measurement.
import { Docket, defineTask, silentLogger } from '@docket/core';
import { PostgresStore } from '@docket/store-postgres';
import pg from 'pg';

const PG_URL = process.env.DOCKET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const JOBS = Number(process.argv[2] ?? 10_000);
const CONCURRENCIES = (process.argv[3] ?? '10,50').split(',').map(Number);
const RUNS = Number(process.argv[4] ?? 3);

async function withDocket(handler, fn) {
  const schema = `dk_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const store = new PostgresStore(
    { connectionString: PG_URL },
    { schema, poolSize: 10, logger: silentLogger },
  );
  const task = defineTask({ name: 'noop', queue: 'bench', handler });
  const docket = new Docket({ store, tasks: [task], logger: silentLogger });
  await docket.setup();
  try {
    return await fn(docket, task);
  } finally {
    await docket.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  }
}

async function drain(concurrency) {
  let done = 0;
  let finish;
  const finished = new Promise((resolve) => {
    finish = resolve;
  });
  return withDocket(
    async () => {},
    async (docket, task) => {
      docket.on('completed', () => {
        if (++done === JOBS) finish();
      });
      const enqueueStart = performance.now();
      for (let i = 0; i < JOBS; i += 1000) {
        await docket.enqueueMany(
          Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => ({ task, payload: { n: i + k } })),
        );
      }
      const enqueueMs = performance.now() - enqueueStart;
      const start = performance.now();
      const worker = docket.work({ queues: ['bench'], concurrency });
      await finished;
      const ms = performance.now() - start;
      await worker.stop();
      return {
        scenario: 'drain',
        jobs: JOBS,
        concurrency,
        ms: Math.round(ms),
        jobsPerSec: Math.round((JOBS / ms) * 1000),
        bulkEnqueuePerSec: Math.round((JOBS / enqueueMs) * 1000),
      };
    },
  );
}

async function latency(rate, count) {
  const latencies = [];
  let finish;
  const finished = new Promise((resolve) => {
    finish = resolve;
  });
  return withDocket(
    async (payload) => {
      latencies.push(Date.now() - payload.t);
      if (latencies.length === count) finish();
    },
    async (docket, task) => {
      const worker = docket.work({ queues: ['bench'], concurrency: 10 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const interval = 1000 / rate;
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        const due = start + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        void docket.enqueue(task, { t: Date.now() });
      }
      await finished;
      await worker.stop();
      latencies.sort((a, b) => a - b);
      const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
      return {
        scenario: 'latency',
        ratePerSec: rate,
        jobs: count,
        p50Ms: pct(50),
        p99Ms: pct(99),
        maxMs: pct(100),
      };
    },
  );
}

const ONLY = process.env.BENCH_ONLY;
for (let run = 0; run < RUNS; run++) {
  if (ONLY === 'latency') {
    console.log(JSON.stringify({ run, ...(await latency(200, 1000)) }));
    continue;
  }
  for (const concurrency of CONCURRENCIES)
    console.log(JSON.stringify({ run, ...(await drain(concurrency)) }));
  console.log(JSON.stringify({ run, ...(await latency(200, 1000)) }));
}
