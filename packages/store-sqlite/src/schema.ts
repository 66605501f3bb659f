import type { Tables } from './tables.js';

/** One schema step. `version`s are consecutive from 1 and never edited once released. */
export interface Migration {
  version: number;
  name: string;
  /** Statements run in one IMMEDIATE transaction with the version row. */
  sql: string;
}

/** The migrations table, created before anything else (idempotent). */
export function migrationsTableSql(t: Tables): string {
  return `CREATE TABLE IF NOT EXISTS ${t.migrations} (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`;
}

/** Every migration of the namespace `t`, in order. */
export function migrations(t: Tables): Migration[] {
  return [
    {
      version: 1,
      name: 'initial schema',
      sql: `
        -- One row per job. seq (AUTOINCREMENT: never reused, even after deletes)
        -- gives enqueue order and the listJobs cursor; id is the public key.
        -- state is the stored state: scheduled/retrying rows whose run_at has
        -- passed report 'ready' (reportedState in core).
        CREATE TABLE ${t.jobs} (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          task TEXT NOT NULL,
          queue TEXT NOT NULL,
          state TEXT NOT NULL,
          payload TEXT,
          result TEXT,
          priority INTEGER NOT NULL,
          run_at INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          started_at INTEGER,
          finished_at INTEGER,
          attempts INTEGER NOT NULL DEFAULT 0,
          max_attempts INTEGER NOT NULL,
          errors TEXT NOT NULL DEFAULT '[]',
          lease_token TEXT,
          lease_expires_at INTEGER,
          worker_id TEXT,
          held INTEGER NOT NULL DEFAULT 0,
          depends_on TEXT NOT NULL DEFAULT '[]',
          unique_key TEXT,
          cancel_reason TEXT,
          -- For a job cancelled by a failed dependency: the phrase naming the
          -- job where the cascade began, carried down the chain.
          cascade_cause TEXT,
          keep_completed INTEGER,
          keep_failed INTEGER,
          keep_cancelled INTEGER,
          drop_payload INTEGER NOT NULL DEFAULT 0,
          delete_at INTEGER
        ) STRICT;

        -- The claim: per queue, claimable rows in rule-2 order.
        CREATE INDEX ${t.name('jobs_claim')} ON ${t.jobs} (queue, priority DESC, run_at, seq)
          WHERE state IN ('ready', 'scheduled', 'retrying');
        -- The rescuer (listExpiredLeases).
        CREATE INDEX ${t.name('jobs_lease')} ON ${t.jobs} (lease_expires_at) WHERE state = 'active';
        -- The cleaner (deleteExpired).
        CREATE INDEX ${t.name('jobs_delete_at')} ON ${t.jobs} (delete_at) WHERE delete_at IS NOT NULL;
        -- Uniqueness lookups.
        CREATE INDEX ${t.name('jobs_unique')} ON ${t.jobs} (task, unique_key) WHERE unique_key IS NOT NULL;
        -- countJobs, listQueues, listJobs by queue, and the dispatcher's
        -- wake-up time (nextRunAt: queue, state, run_at > now).
        CREATE INDEX ${t.name('jobs_queue_state')} ON ${t.jobs} (queue, state, run_at);

        -- Dependency edges: job_id waits for depends_on. Keyed for "who waits
        -- for X" (release and cascade); job_id indexed for cleanup on delete.
        CREATE TABLE ${t.deps} (
          depends_on TEXT NOT NULL,
          job_id TEXT NOT NULL,
          PRIMARY KEY (depends_on, job_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX ${t.name('deps_job')} ON ${t.deps} (job_id);
        CREATE TRIGGER ${t.name('jobs_delete_deps')} AFTER DELETE ON ${t.jobs}
        BEGIN
          DELETE FROM ${t.deps} WHERE job_id = OLD.id;
        END;

        -- Pause flags.
        CREATE TABLE ${t.queues} (
          name TEXT PRIMARY KEY,
          paused INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE ${t.schedules} (
          name TEXT PRIMARY KEY,
          rule TEXT NOT NULL,
          task TEXT NOT NULL,
          queue TEXT NOT NULL,
          payload TEXT NOT NULL,
          options TEXT NOT NULL,
          next_run_at INTEGER NOT NULL,
          last_run_at INTEGER,
          paused INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX ${t.name('schedules_due')} ON ${t.schedules} (next_run_at) WHERE paused = 0;

        -- Cross-process wake-ups: a writer that makes work claimable bumps its
        -- queue's row to a new global version; other connections notice the
        -- commit through PRAGMA data_version and read the rows past the last
        -- version they saw (see wake.ts).
        CREATE TABLE ${t.wakeups} (
          queue TEXT PRIMARY KEY,
          version INTEGER NOT NULL
        ) STRICT;
      `,
    },
    {
      version: 2,
      name: 'queue indexes that state changes do not touch',
      sql: `
        -- jobs_queue_state (queue, state, run_at) was rewritten by every claim
        -- and every acknowledgement (state is a key column). (queue) alone is
        -- written only on insert and delete, and serves listQueues (covering),
        -- listJobs by queue (queue, seq order) and countJobs by queue; the
        -- wake-up time has its own index, written only for scheduled and
        -- retrying rows.
        DROP INDEX ${t.name('jobs_queue_state')};
        CREATE INDEX ${t.name('jobs_queue')} ON ${t.jobs} (queue);
        CREATE INDEX ${t.name('jobs_next_run')} ON ${t.jobs} (queue, run_at)
          WHERE state IN ('scheduled', 'retrying');
      `,
    },
  ];
}
