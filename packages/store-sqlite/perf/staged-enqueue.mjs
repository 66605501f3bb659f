// Upper bound of a staging-table layout for one-by-one enqueues (not implemented in the store):
// docket.enqueue (real core, real SqliteStore) where the store's single plain enqueue is replaced by one
// `INSERT INTO staged … SELECT … WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE id = ?)` into a rowid table
// (one page per commit), alternated with the real store and plainjob. Nothing moves staged rows into
// `jobs` and no read sees them: this measures only what the commit could cost. `staged+flush` also
// checks the id among staged rows (a scan: no index) and moves the staged rows into `jobs` (one
// transaction) every FLUSH_ROWS enqueues, as a real design would have to.
//
//   npx turbo run build --filter=@docket/store-sqlite...   then
//   node packages/store-sqlite/perf/staged-enqueue.mjs [n=10000] [rounds=5]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Docket, defineTask, silentLogger } from '@docket/core';
import Database from 'better-sqlite3';
import { better, defineQueue } from 'plainjob';
import { SqliteStore } from '../dist/index.js';

const FLUSH_ROWS = Number(process.env.FLUSH_ROWS ?? 64);
const STAGED_COLUMNS =
  'id, task, queue, state, payload, priority, run_at, created_at, max_attempts, held, keep_completed, keep_failed, keep_cancelled, drop_payload';

async function open(kind, file) {
  if (kind === 'plainjob') {
    const db = new Database(file);
    const queue = defineQueue({
      connection: better(db),
      logger: { error() {}, warn() {}, info() {}, debug() {} },
    });
    return {
      enqueue: (payload) => queue.add('noop', payload),
      close: async () => {
        queue.close();
        db.close();
      },
    };
  }
  const store = new SqliteStore({ path: file });
  const task = defineTask({ name: 'noop', queue: 'bench', handler: async () => {} });
  const docket = new Docket({ store, tasks: [task], logger: silentLogger });
  await docket.setup();
  if (kind === 'staged' || kind === 'staged+flush') {
    const flush = kind === 'staged+flush';
    const db = store.database;
    db.exec(`CREATE TABLE staged (seq INTEGER PRIMARY KEY, ${STAGED_COLUMNS})`);
    const stage = db.prepare(
      `INSERT INTO staged (${STAGED_COLUMNS}) SELECT ${Array(14).fill('?').join(', ')}
       WHERE NOT EXISTS (SELECT 1 FROM docket_jobs WHERE id = ?)${flush ? ' AND NOT EXISTS (SELECT 1 FROM staged WHERE id = ?)' : ''}`,
    );
    // With flush: every FLUSH_ROWS staged rows, the enqueue that staged the last one moves them into jobs.
    const moveRows = db.transaction(() => {
      db.prepare(
        `INSERT INTO docket_jobs (${STAGED_COLUMNS}) SELECT ${STAGED_COLUMNS} FROM staged ORDER BY seq`,
      ).run();
      db.prepare('DELETE FROM staged').run();
    });
    const enqueue = store.enqueue.bind(store);
    store.enqueue = ({ jobs, now, tx }) => {
      if (jobs.length !== 1 || tx) return enqueue({ jobs, now, tx });
      const [job] = jobs;
      const { retention: r } = job;
      const { lastInsertRowid } = stage.run([
        job.id,
        job.task,
        job.queue,
        'ready',
        job.payload,
        job.priority,
        job.runAt,
        now,
        job.maxAttempts,
        0,
        r.completed,
        r.failed,
        r.cancelled,
        0,
        ...(flush ? [job.id, job.id] : [job.id]),
      ]);
      if (flush && Number(lastInsertRowid) >= FLUSH_ROWS) moveRows.immediate();
      return Promise.resolve([{ id: job.id, duplicate: false, state: 'ready' }]);
    };
  }
  return { enqueue: (payload) => docket.enqueue(task, payload), close: () => docket.close() };
}

const n = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 5);
const kinds = ['docket', 'staged', 'staged+flush', 'plainjob'];
const rates = Object.fromEntries(kinds.map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const kind of kinds) {
    const file = path.join(os.tmpdir(), `docket-staged-${process.pid}-${kind}.db`);
    const system = await open(kind, file);
    const started = performance.now();
    for (let i = 0; i < n; i++) await system.enqueue({ n: i });
    rates[kind].push((n / (performance.now() - started)) * 1000);
    await system.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  }
}
const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const kind of kinds) {
  console.log(
    `${kind.padEnd(9)} enqueues/s ${Math.round(median(rates[kind]))}  ${(median(rates[kind]) / median(rates.plainjob)).toFixed(2)}× plainjob  (runs: ${rates[kind].map(Math.round).join(' ')})`,
  );
}
