// What SQLite alone costs per enqueue, without any queue code: docket's jobs table (as migrations 1-2
// create it, with variants) against plainjob's, on a fresh file each (WAL, synchronous = NORMAL).
//
//   node packages/store-sqlite/perf/bare-inserts.mjs one [n=5000] [rounds=5]    autocommitted inserts/s
//   node packages/store-sqlite/perf/bare-inserts.mjs bulk [rounds=5]           µs per row, 20 × 1,000 rows
//
// Variants run alternated (A B C … A B C …); medians are printed. Not a test: numbers move with the machine.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const Database = createRequire(import.meta.url)('better-sqlite3');

const jobsTable = (seq) => `CREATE TABLE jobs (${seq},
  id TEXT NOT NULL UNIQUE, task TEXT NOT NULL, queue TEXT NOT NULL, state TEXT NOT NULL, payload TEXT, result TEXT,
  priority INTEGER NOT NULL, run_at INTEGER NOT NULL, created_at INTEGER NOT NULL, started_at INTEGER,
  finished_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL,
  errors TEXT NOT NULL DEFAULT '[]', lease_token TEXT, lease_expires_at INTEGER, worker_id TEXT,
  held INTEGER NOT NULL DEFAULT 0, depends_on TEXT NOT NULL DEFAULT '[]', unique_key TEXT, cancel_reason TEXT,
  cascade_cause TEXT, keep_completed INTEGER, keep_failed INTEGER, keep_cancelled INTEGER,
  drop_payload INTEGER NOT NULL DEFAULT 0, delete_at INTEGER) STRICT;`;
const PARTIAL_INDEXES = `
  CREATE INDEX jobs_claim ON jobs (queue, priority DESC, run_at, seq) WHERE state IN ('ready', 'scheduled', 'retrying');
  CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE state = 'active';
  CREATE INDEX jobs_delete_at ON jobs (delete_at) WHERE delete_at IS NOT NULL;
  CREATE INDEX jobs_unique ON jobs (task, unique_key) WHERE unique_key IS NOT NULL;
  CREATE INDEX jobs_next_run ON jobs (queue, run_at) WHERE state IN ('scheduled', 'retrying');`;
const QUEUE_INDEX = 'CREATE INDEX jobs_queue ON jobs (queue);';
const AUTOINCREMENT = 'seq INTEGER PRIMARY KEY AUTOINCREMENT';
const ROWID = 'seq INTEGER PRIMARY KEY';
const COLUMNS =
  'id, task, queue, state, payload, priority, run_at, created_at, max_attempts, held, keep_completed, keep_failed, keep_cancelled, drop_payload';
const ROW = `(${Array(14).fill('?').join(', ')})`;

const VARIANTS = {
  plainjob: `CREATE TABLE p (id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, data TEXT NOT NULL,
    status INTEGER DEFAULT 0 NOT NULL, failed_at INTEGER, error TEXT, next_run_at INTEGER, created_at INTEGER NOT NULL);
    CREATE INDEX idx ON p (status, type, next_run_at);`,
  docket: jobsTable(AUTOINCREMENT) + PARTIAL_INDEXES + QUEUE_INDEX,
  'no-queue-index': jobsTable(AUTOINCREMENT) + PARTIAL_INDEXES,
  'no-autoincrement': jobsTable(ROWID) + PARTIAL_INDEXES + QUEUE_INDEX,
  neither: jobsTable(ROWID) + PARTIAL_INDEXES,
  'table-and-id-only': jobsTable(AUTOINCREMENT),
  // The floor of a commit: one page (a rowid table, no index), e.g. a staging table.
  'one-page': 'CREATE TABLE s (seq INTEGER PRIMARY KEY, data TEXT NOT NULL);',
};

let counter = 0;
/** A time-ordered id like core's (UUIDv7 layout). */
const jobId = (now) =>
  `${now.toString(16).padStart(8, '0').slice(-8)}-${(counter++ & 0xffff).toString(16).padStart(4, '0')}-7abc-8def-${counter.toString(16).padStart(12, '0')}`;

function writer(db, variant, rowsPerStatement) {
  if (variant === 'one-page') {
    const insert = db.prepare('INSERT INTO s (data) VALUES (?)');
    return (n, inTransaction) => {
      const all = () => {
        for (let i = 0; i < n; i++) insert.run(`{"n":${i}}`);
      };
      if (inTransaction) db.transaction(all)();
      else all();
    };
  }
  if (variant === 'plainjob') {
    const insert = db.prepare(
      'INSERT INTO p (type, data, created_at, next_run_at) VALUES (@type, @data, @createdAt, @nextRunAt)',
    );
    return (n, inTransaction) => {
      const now = Date.now();
      const rows = [];
      for (let i = 0; i < n; i++)
        rows.push({ type: 'noop', data: JSON.stringify({ n: i }), createdAt: now, nextRunAt: now });
      const all = () => {
        for (const row of rows) insert.run(row);
      };
      if (inTransaction) db.transaction(all)();
      else all();
    };
  }
  const insert = db.prepare(
    `INSERT INTO jobs (${COLUMNS}) VALUES ${Array(rowsPerStatement).fill(ROW).join(', ')}`,
  );
  const values = new Array(14 * rowsPerStatement);
  return (n, inTransaction) => {
    const all = () => {
      const now = Date.now();
      for (let i = 0; i < n; i += rowsPerStatement) {
        for (let k = 0; k < rowsPerStatement; k++) {
          const at = 14 * k;
          values[at] = jobId(now);
          values[at + 1] = 'noop';
          values[at + 2] = 'bench';
          values[at + 3] = 'ready';
          values[at + 4] = `{"n":${i + k}}`;
          values[at + 5] = 0;
          values[at + 6] = now;
          values[at + 7] = now;
          values[at + 8] = 3;
          values[at + 9] = 0;
          values[at + 10] = 86_400_000;
          values[at + 11] = 604_800_000;
          values[at + 12] = 604_800_000;
          values[at + 13] = 0;
        }
        insert.run(values);
      }
    };
    if (inTransaction) db.transaction(all)();
    else all();
  };
}

function measure(variant, mode, n) {
  const file = path.join(os.tmpdir(), `docket-bare-${process.pid}-${variant}.db`);
  const remove = () => {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  };
  remove();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 10000');
  db.exec(VARIANTS[variant]);
  try {
    if (mode === 'one') {
      const one = writer(db, variant, 1);
      for (let i = 0; i < 200; i++) one(1, false);
      const started = performance.now();
      for (let i = 0; i < n; i++) one(1, false);
      return (n / (performance.now() - started)) * 1000;
    }
    const batch = writer(db, variant, 100);
    batch(1000, true);
    const started = performance.now();
    for (let b = 0; b < 20; b++) batch(1000, true);
    return ((performance.now() - started) / 20_000) * 1000;
  } finally {
    db.close();
    remove();
  }
}

const [mode = 'one', ...rest] = process.argv.slice(2);
const n = mode === 'one' ? Number(rest[0] ?? 5000) : 20_000;
const rounds = Number((mode === 'one' ? rest[1] : rest[0]) ?? 5);
const results = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, []]));
for (let r = 0; r < rounds; r++)
  for (const variant of Object.keys(VARIANTS)) results[variant].push(measure(variant, mode, n));
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const unit = mode === 'one' ? 'inserts/s' : 'µs per row';
for (const [variant, values] of Object.entries(results)) {
  const m = median(values);
  console.log(
    `${variant.padEnd(18)} ${unit} ${mode === 'one' ? Math.round(m) : m.toFixed(2)}  (runs: ${values.map((v) => (mode === 'one' ? Math.round(v) : v.toFixed(1))).join(' ')})`,
  );
}
