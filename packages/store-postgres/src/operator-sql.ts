import type { Statement } from './db.js';
import { JOB_COLUMNS } from './job-row.js';

/** Operator transitions (not fenced), queue pausing and retention clean-up. */
export function operatorSql(s: string, make: (key: string, text: string) => Statement) {
  const claimable = `state IN ('ready','scheduled','retrying')`;
  const notPaused = (queue: string) =>
    `NOT EXISTS (SELECT 1 FROM ${s}.queues p WHERE p.name = ${queue} AND p.paused)`;
  return {
    /** $1 text: id. Returns state, run_at of the job, if any (to explain a refused transition). */
    jobState: make('jstate', `SELECT state, run_at, held FROM ${s}.jobs WHERE id = $1`),

    /**
     * Cancels a non-terminal job; an active one loses its lease.
     * $1 text: id, $2 text: reason, $3 int8: now.
     * Returns JOB_COLUMNS, has_dependents, cascade_cause; no row if unknown or terminal.
     */
    cancel: make(
      'cancel',
      `UPDATE ${s}.jobs SET state = 'cancelled', cancel_reason = $2, finished_at = $3, delete_at = $3 + ret_cancelled,
         lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
       WHERE id = $1 AND state NOT IN ('completed','failed','cancelled')
       RETURNING ${JOB_COLUMNS}, has_dependents, cascade_cause`,
    ),

    /**
     * Moves a failed/cancelled job back to ready with at least one more attempt.
     * $1 text: id, $2 int8: now, $3 text: NOTIFY channel.
     * Returns JOB_COLUMNS; no row if unknown or in another state.
     */
    retry: make(
      'retry',
      `WITH upd AS (
         UPDATE ${s}.jobs SET state = 'ready', run_at = $2, finished_at = NULL, delete_at = NULL,
           cancel_reason = NULL, cascade_cause = NULL, held = false,
           max_attempts = greatest(max_attempts, attempts + 1)
         WHERE id = $1 AND state IN ('failed','cancelled')
         RETURNING ${JOB_COLUMNS}
       ), wake AS (
         SELECT pg_notify($3, queue) FROM upd WHERE ${notPaused('upd.queue')}
       )
       SELECT upd.* FROM upd LEFT JOIN wake ON true`,
    ),

    /**
     * Lifts hold: the job becomes ready/scheduled unless it still waits on
     * dependencies. $1 text: id, $2 int8: now, $3 text: NOTIFY channel.
     * Returns JOB_COLUMNS; no row if unknown, not held or not waiting.
     */
    releaseHold: make(
      'release',
      `WITH upd AS (
         UPDATE ${s}.jobs SET held = false,
           state = CASE WHEN state = 'waiting' AND pending_deps = 0
             THEN CASE WHEN run_at > $2 THEN 'scheduled' ELSE 'ready' END ELSE state END
         WHERE id = $1 AND held AND state = 'waiting'
         RETURNING ${JOB_COLUMNS}
       ), wake AS (
         SELECT pg_notify($3, queue) FROM upd WHERE state IN ('ready','scheduled') AND ${notPaused('upd.queue')}
       )
       SELECT upd.* FROM upd LEFT JOIN wake ON true`,
    ),

    /**
     * Deletes a job unless active. $1 text: id. Returns id, state, has_dependents if deleted
     * (a job that never completed then cancels its dependents: see cascade()).
     */
    remove: make(
      'remove',
      `DELETE FROM ${s}.jobs WHERE id = $1 AND state <> 'active' RETURNING id, state, has_dependents`,
    ),

    /** Pauses a queue. $1 text: queue, $2 int8: now. */
    pause: make(
      'pause',
      `INSERT INTO ${s}.queues (name, paused, updated_at) VALUES ($1, true, $2)
       ON CONFLICT (name) DO UPDATE SET paused = true, updated_at = excluded.updated_at`,
    ),

    /**
     * Resumes a queue (forgets its flag) and wakes it if it has claimable or
     * delayed jobs: a dispatcher's nextRunAt skipped their runAt while paused.
     * $1 text: queue, $2 text: NOTIFY channel. Returns one row if it woke the queue.
     */
    resume: make(
      'resume',
      `WITH del AS (
         DELETE FROM ${s}.queues WHERE name = $1
       )
       SELECT pg_notify($2, $1) AS woken
       WHERE EXISTS (SELECT 1 FROM ${s}.jobs WHERE queue = $1 AND ${claimable})`,
    ),

    /**
     * Deletes at most $2 terminal jobs whose delete_at passed $1, skipping
     * rows another cleaner holds. Returns one row per deleted job.
     */
    deleteExpired: make(
      'clean',
      `WITH victims AS (
         SELECT id FROM ${s}.jobs
         WHERE delete_at <= $1 AND state IN ('completed','failed','cancelled')
         ORDER BY delete_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       DELETE FROM ${s}.jobs j USING victims v WHERE j.id = v.id RETURNING j.id`,
    ),
  };
}

export type OperatorSql = ReturnType<typeof operatorSql>;
