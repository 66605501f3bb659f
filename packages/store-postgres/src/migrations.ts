import type pg from 'pg';
import { runOnce, transaction } from './db.js';
import { acknowledgeV2Sql, functionsSql } from './functions.js';
import { migrationV3Sql } from './functions-v3.js';

/** One schema version. `sql` receives the quoted schema name. */
interface Migration {
  version: number;
  name: string;
  sql: (schema: string) => string;
}

/**
 * Version 1: the whole schema.
 *
 * jobs: one row per job; times are bigint epoch ms taken from the core's clock.
 *   `state` is the stored state (scheduled/retrying rows whose run_at passed are
 *   reported `ready`). `seq` is the enqueue order (rule 2, listJobs cursors).
 *   `pending_deps` counts dependencies not yet completed; `has_dependents` tells
 *   an acknowledgement whether a cascade statement is needed at all.
 *   `cascade_cause` names the job where a dependency cancellation began, so
 *   transitive reasons read "dependency "b" was cancelled because dependency "a" failed".
 * queues: pause flags. schedules: periodic rules. migrations: applied versions.
 * Functions acknowledge() and cascade(): see functions.ts.
 *
 * Indexes, each partial where that keeps it small:
 *   jobs_claim_idx   claim: per queue, rule 2 order, only claimable states.
 *   jobs_wake_idx    nextRunAt: earliest future run_at per queue (ready rows too: a caller whose
 *                    clock runs a little behind the enqueuer's sees a ready job as not yet due).
 *   jobs_lease_idx   listExpiredLeases: active jobs by lease expiry.
 *   jobs_unique_idx  uniqueness look-ups by (task, key).
 *   jobs_delete_idx  cleaner: terminal jobs by delete_at.
 *   jobs_deps_idx    dependents of a job (GIN over depends_on, only jobs that have any).
 *   jobs_queue_idx   listJobs by queue, listQueues (loose index scan), countJobs per queue.
 *   jobs_task_idx    listJobs by task.
 */
const V1: Migration = {
  version: 1,
  name: 'initial schema',
  sql: (s) => `
CREATE TABLE ${s}.jobs (
  seq              bigint GENERATED ALWAYS AS IDENTITY,
  id               text PRIMARY KEY,
  task             text NOT NULL,
  queue            text NOT NULL,
  state            text NOT NULL,
  payload          text,
  result           text,
  priority         integer NOT NULL,
  run_at           bigint NOT NULL,
  created_at       bigint NOT NULL,
  started_at       bigint,
  finished_at      bigint,
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL,
  errors           jsonb NOT NULL DEFAULT '[]',
  lease_token      text,
  lease_expires_at bigint,
  worker_id        text,
  held             boolean NOT NULL DEFAULT false,
  depends_on       text[] NOT NULL DEFAULT '{}',
  pending_deps     integer NOT NULL DEFAULT 0,
  has_dependents   boolean NOT NULL DEFAULT false,
  unique_key       text,
  cancel_reason    text,
  cascade_cause    text,
  ret_completed    bigint,
  ret_failed       bigint,
  ret_cancelled    bigint,
  drop_payload     boolean NOT NULL DEFAULT false,
  delete_at        bigint,
  CONSTRAINT jobs_state_check CHECK (state IN
    ('waiting','scheduled','ready','active','retrying','completed','failed','cancelled'))
);
CREATE UNIQUE INDEX jobs_seq_idx ON ${s}.jobs (seq);
CREATE INDEX jobs_claim_idx ON ${s}.jobs (queue, priority DESC, run_at, seq)
  WHERE state IN ('ready','scheduled','retrying');
CREATE INDEX jobs_wake_idx ON ${s}.jobs (queue, run_at) WHERE state IN ('ready','scheduled','retrying');
CREATE INDEX jobs_lease_idx ON ${s}.jobs (lease_expires_at) WHERE state = 'active';
CREATE INDEX jobs_unique_idx ON ${s}.jobs (task, unique_key, seq) WHERE unique_key IS NOT NULL;
CREATE INDEX jobs_delete_idx ON ${s}.jobs (delete_at) WHERE delete_at IS NOT NULL;
CREATE INDEX jobs_deps_idx ON ${s}.jobs USING gin (depends_on) WHERE cardinality(depends_on) > 0;
CREATE INDEX jobs_queue_idx ON ${s}.jobs (queue, seq);
CREATE INDEX jobs_task_idx ON ${s}.jobs (task, seq);

CREATE TABLE ${s}.queues (
  name       text PRIMARY KEY,
  paused     boolean NOT NULL DEFAULT false,
  updated_at bigint NOT NULL
);

CREATE TABLE ${s}.schedules (
  name        text PRIMARY KEY,
  rule        text NOT NULL,
  task        text NOT NULL,
  queue       text NOT NULL,
  payload     text NOT NULL,
  options     text NOT NULL,
  next_run_at bigint NOT NULL,
  last_run_at bigint,
  paused      boolean NOT NULL DEFAULT false,
  created_at  bigint NOT NULL,
  updated_at  bigint NOT NULL
);
CREATE INDEX schedules_due_idx ON ${s}.schedules (next_run_at) WHERE NOT paused;
${functionsSql(s)}`,
};

/**
 * Version 2: a cheaper acknowledge(): its lock pass and UPDATE select the
 * batch's rows through jobs_pkey instead of hash-joining a sequential scan of
 * the whole table (see acknowledgeV2Sql in functions.ts).
 */
const V2: Migration = {
  version: 2,
  name: 'acknowledge by primary key',
  sql: (s) => acknowledgeV2Sql(s),
};

/**
 * Version 3: two indexes fewer (jobs_task_idx, jobs_wake_idx), complete_jobs()
 * for batches of completions, a 4-argument acknowledge() that parses its JSON
 * once, delete-on-complete for retention 0 (see functions-v3.ts). The
 * 3-argument acknowledge() of version 2 stays for processes of the previous
 * release during a rolling deploy.
 */
const V3: Migration = {
  version: 3,
  name: 'fewer indexes, complete_jobs',
  sql: (s) => migrationV3Sql(s),
};

/**
 * Version 4: jobs_seq_idx goes. Every insert, and every claim and
 * acknowledgement (updates that cannot be HOT), wrote an entry into it, and
 * only a listing without a queue filter read it: that listing now merges the
 * queues' (queue, seq) ranges of jobs_queue_idx (see listJobsQuery).
 */
const V4: Migration = {
  version: 4,
  name: 'no seq index',
  sql: (s) => `DROP INDEX IF EXISTS ${s}.jobs_seq_idx;`,
};

/** Every migration, in order. Append new versions; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [V1, V2, V3, V4];

/** The latest schema version this package knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings `schema` to the latest version. Runs under a transaction-scoped
 * advisory lock keyed by the schema name, so concurrent callers (several
 * processes starting at once) apply each migration exactly once; DDL is
 * transactional in PostgreSQL, so a failed migration leaves nothing behind.
 * Returns the versions it applied, and the schema's version when a newer
 * package already migrated it (during a rolling deploy, say).
 */
export async function migrate(
  pool: pg.Pool,
  schemaName: string,
  quotedSchema: string,
): Promise<{ applied: number[]; newerVersion: number | null }> {
  return transaction(pool, async (client) => {
    await runOnce(client, 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `docket:migrate:${schemaName}`,
    ]);
    await runOnce(client, `CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`);
    await runOnce(
      client,
      `CREATE TABLE IF NOT EXISTS ${quotedSchema}.migrations (
         version    integer PRIMARY KEY,
         name       text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows = await runOnce<{ version: number }>(client, `SELECT version FROM ${quotedSchema}.migrations`);
    const present = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (present.has(migration.version)) continue;
      await runOnce(client, migration.sql(quotedSchema));
      await runOnce(client, `INSERT INTO ${quotedSchema}.migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    const latest = Math.max(0, ...present);
    return { applied, newerVersion: latest > SCHEMA_VERSION ? latest : null };
  });
}
