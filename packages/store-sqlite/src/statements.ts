import type Database from 'better-sqlite3';
import { CLAIMED_COLUMNS, type ClaimedRow, type JobRow, type ScheduleRow } from './rows.js';
import type { Tables } from './tables.js';

const CLAIMABLE = `('ready', 'scheduled', 'retrying')`;
const TERMINAL = `('completed', 'failed', 'cancelled')`;
/** Clears the claim of a job leaving `active`. */
const NO_LEASE = 'lease_token = NULL, lease_expires_at = NULL, worker_id = NULL';
/** The fence of every acknowledgement (rule 3). */
const FENCE = `id = @id AND state = 'active' AND lease_token = @token`;

/** The columns a plain job sets, in the order `insertPlain` binds them. */
const PLAIN_COLUMNS =
  'id, task, queue, state, payload, priority, run_at, created_at, max_attempts, held, keep_completed, keep_failed, keep_cancelled, drop_payload';
const PLAIN_ROW = `(${Array(14).fill('?').join(', ')})`;
/** Rows per `insertPlainRows` statement (14 parameters each, far below SQLite's limit). */
export const PLAIN_ROWS = 100;

/**
 * The reported state (core's `reportedState`) in SQL, for filters and counts:
 * a scheduled/retrying row whose run_at has passed is `ready`. Param: @now.
 */
export const REPORTED_STATE = `CASE WHEN state IN ('scheduled', 'retrying') AND run_at <= @now THEN 'ready' ELSE state END`;

/**
 * Every fixed statement of one namespace, prepared once per store and reused.
 * Parameters are named (`@name`); each comment lists them and the result.
 */
/** What the store uses of a prepared better-sqlite3 statement taking `P` and returning rows `R`. */
export interface Statement<P extends unknown[] = any[], R = unknown> {
  run(...params: P): { changes: number };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export function prepareStatements(db: Database.Database, t: Tables) {
  const p = <P extends unknown[] | object = any, R = unknown>(
    sql: string,
  ): Statement<P extends unknown[] ? P : [P], R> => db.prepare(sql) as any;
  /** A statement whose rows come as arrays of the selected columns, in order. */
  const raw = <P extends unknown[] | object = any, R = unknown>(
    sql: string,
  ): Statement<P extends unknown[] ? P : [P], R> => db.prepare(sql).raw(true) as any;
  return {
    // ─── Jobs: reads ──────────────────────────────────────────────────────
    /** [id] → JobRow */
    jobById: p<[string], JobRow>(`SELECT * FROM ${t.jobs} WHERE id = ?`),
    /**
     * @task @key @period (ms or NULL) @now → the job that makes a new one with
     * this task and unique key a duplicate: not terminal, or finished less than
     * @period ms ago. Non-terminal rows first, then the newest.
     */
    uniqueMatch: p<object, JobRow>(
      `SELECT * FROM ${t.jobs}
       WHERE task = @task AND unique_key = @key
         AND (state NOT IN ${TERMINAL} OR (@period IS NOT NULL AND finished_at > @now - @period))
       ORDER BY state IN ${TERMINAL}, seq DESC LIMIT 1`,
    ),
    /** @deps (JSON array of ids) → { n }: dependencies that exist and are not completed. A deleted dependency no longer holds anyone back. */
    unmetDeps: p<object, { n: number }>(
      `SELECT COUNT(*) AS n FROM json_each(@deps) AS e JOIN ${t.jobs} AS j ON j.id = e.value
       WHERE j.state <> 'completed'`,
    ),
    /** [depends_on] → JobRow of each job waiting for it (any state). */
    dependents: p<[string], JobRow>(
      `SELECT j.* FROM ${t.deps} AS d JOIN ${t.jobs} AS j ON j.id = d.job_id WHERE d.depends_on = ?`,
    ),
    /** @now @limit → JobRow of active jobs whose lease expired, oldest expiry first. */
    expiredLeases: p<object, JobRow>(
      `SELECT * FROM ${t.jobs} WHERE state = 'active' AND lease_expires_at <= @now
       ORDER BY lease_expires_at, seq LIMIT @limit`,
    ),
    /** @queue @now → { at }: earliest future run_at of the queue's scheduled/retrying jobs. */
    nextRunAt: p<object, { at: number | null }>(
      `SELECT MIN(run_at) AS at FROM ${t.jobs}
       WHERE queue = @queue AND state IN ('scheduled', 'retrying') AND run_at > @now`,
    ),
    /** @now → { queue, state, count } per queue and reported state. */
    countAll: p<object, { queue: string; state: string; count: number }>(
      `SELECT queue, ${REPORTED_STATE} AS state, COUNT(*) AS count FROM ${t.jobs}
       GROUP BY queue, 2 ORDER BY queue, 2`,
    ),
    /** @now @queue → { queue, state, count } per reported state of one queue. */
    countQueue: p<object, { queue: string; state: string; count: number }>(
      `SELECT queue, ${REPORTED_STATE} AS state, COUNT(*) AS count FROM ${t.jobs}
       WHERE queue = @queue GROUP BY queue, 2 ORDER BY 2`,
    ),

    // ─── Jobs: writes ─────────────────────────────────────────────────────
    /** Inserts a new job; every column named. changes 0 (nothing written) if a job with this id exists. */
    insertJob: p(
      `INSERT INTO ${t.jobs} (id, task, queue, state, payload, priority, run_at, created_at,
         finished_at, max_attempts, held, depends_on, unique_key, cancel_reason, cascade_cause,
         keep_completed, keep_failed, keep_cancelled, drop_payload, delete_at)
       VALUES (@id, @task, @queue, @state, @payload, @priority, @runAt, @now,
         @finishedAt, @maxAttempts, @held, @dependsOn, @uniqueKey, @cancelReason, @cascadeCause,
         @keepCompleted, @keepFailed, @keepCancelled, @dropPayload, @deleteAt)
       ON CONFLICT (id) DO NOTHING`,
    ),
    /**
     * [PLAIN_COLUMNS values] → changes 0 (nothing written) if a job with this
     * id exists: one job without dependencies, unique key or cancellation
     * (every other column takes its default), bound by position.
     */
    insertPlain: p<unknown[]>(
      `INSERT INTO ${t.jobs} (${PLAIN_COLUMNS}) VALUES ${PLAIN_ROW} ON CONFLICT (id) DO NOTHING`,
    ),
    /**
     * [PLAIN_COLUMNS values × PLAIN_ROWS] → inserts PLAIN_ROWS such jobs in
     * one statement. No conflict clause: an existing id aborts the statement
     * (SQLITE_CONSTRAINT_UNIQUE), which undoes its own rows and nothing else.
     */
    insertPlainRows: p<unknown[]>(
      `INSERT INTO ${t.jobs} (${PLAIN_COLUMNS}) VALUES ${Array(PLAIN_ROWS).fill(PLAIN_ROW).join(', ')}`,
    ),
    /** [depends_on, job_id] */
    insertDep: p<[string, string]>(`INSERT OR IGNORE INTO ${t.deps} (depends_on, job_id) VALUES (?, ?)`),
    /**
     * @queue @now @limit @token @expires @worker → ClaimedRow (an array, raw
     * mode) of each job claimed: the queue's first @limit claimable jobs in
     * rule-2 order become active. RETURNING order is unspecified: the caller sorts.
     */
    claim: raw<object, ClaimedRow>(
      `UPDATE ${t.jobs} SET state = 'active', lease_token = @token, lease_expires_at = @expires,
         attempts = attempts + 1, started_at = @now, worker_id = @worker
       WHERE seq IN (
         SELECT seq FROM ${t.jobs} WHERE queue = @queue AND state IN ${CLAIMABLE} AND run_at <= @now
         ORDER BY priority DESC, run_at, seq LIMIT @limit)
       RETURNING ${CLAIMED_COLUMNS}`,
    ),
    /** @id @token @expires → changes 1 if renewed. */
    heartbeat: p(`UPDATE ${t.jobs} SET lease_expires_at = @expires WHERE ${FENCE}`),
    /** @id @token @result @now → { queue } if applied. */
    complete: p<object, { queue: string }>(
      `UPDATE ${t.jobs} SET state = 'completed', result = @result, finished_at = @now, ${NO_LEASE},
         delete_at = @now + keep_completed,
         payload = CASE WHEN drop_payload = 1 THEN NULL ELSE payload END
       WHERE ${FENCE} RETURNING queue`,
    ),
    /**
     * @acks (JSON array of [id, token, result]) @now → { id, queue } of each
     * job completed: the batch form of `complete`, one statement for many
     * fenced acks. Each element matches only its own job under its own token;
     * the caller passes distinct ids.
     */
    completeMany: p<object, { id: string; queue: string }>(
      `UPDATE ${t.jobs} SET state = 'completed', result = a.result, finished_at = @now, ${NO_LEASE},
         delete_at = @now + keep_completed,
         payload = CASE WHEN drop_payload = 1 THEN NULL ELSE payload END
       FROM (SELECT value ->> 0 AS id, value ->> 1 AS token, value ->> 2 AS result FROM json_each(@acks)) AS a
       WHERE ${t.jobs}.id = a.id AND ${t.jobs}.state = 'active' AND ${t.jobs}.lease_token = a.token
       RETURNING ${t.jobs}.id AS id, ${t.jobs}.queue AS queue`,
    ),
    /** @ids (JSON array) → { id } of each of them some job depends on. */
    haveDependents: p<object, { id: string }>(
      `SELECT DISTINCT depends_on AS id FROM ${t.deps} WHERE depends_on IN (SELECT value FROM json_each(@ids))`,
    ),
    /** @id @token @error (JSON) @retryAt @now @requireExpired (0/1) → { queue } if applied. */
    failRetry: p<object, { queue: string }>(
      `UPDATE ${t.jobs} SET state = 'retrying', run_at = @retryAt, ${NO_LEASE},
         errors = json_insert(errors, '$[#]', json(@error))
       WHERE ${FENCE} AND (@requireExpired = 0 OR lease_expires_at <= @now) RETURNING queue`,
    ),
    /** @id @token @error (JSON) @now @requireExpired (0/1) → { queue } if applied. */
    failFinal: p<object, { queue: string }>(
      `UPDATE ${t.jobs} SET state = 'failed', finished_at = @now, ${NO_LEASE},
         delete_at = @now + keep_failed, errors = json_insert(errors, '$[#]', json(@error))
       WHERE ${FENCE} AND (@requireExpired = 0 OR lease_expires_at <= @now) RETURNING queue`,
    ),
    /** @id @token @runAt → { queue } if applied: scheduled again, the attempt given back. */
    snooze: p<object, { queue: string }>(
      `UPDATE ${t.jobs} SET state = 'scheduled', run_at = @runAt, attempts = MAX(0, attempts - 1), ${NO_LEASE}
       WHERE ${FENCE} RETURNING queue`,
    ),
    /** @id @token → { queue } if applied: ready again (run_at kept), the attempt given back. */
    release: p<object, { queue: string }>(
      `UPDATE ${t.jobs} SET state = 'ready', attempts = MAX(0, attempts - 1), ${NO_LEASE}
       WHERE ${FENCE} RETURNING queue`,
    ),
    /** @id @token @reason @now → { queue } if applied: cancelled by the handler. */
    cancelFenced: p<object, { queue: string }>(
      `UPDATE ${t.jobs} SET state = 'cancelled', cancel_reason = @reason, finished_at = @now, ${NO_LEASE},
         delete_at = @now + keep_cancelled
       WHERE ${FENCE} RETURNING queue`,
    ),
    /** @id @reason @cause (cascade cause or NULL) @now → JobRow if a non-terminal job was cancelled (operator or cascade). */
    cancel: p<object, JobRow>(
      `UPDATE ${t.jobs} SET state = 'cancelled', cancel_reason = @reason, cascade_cause = @cause,
         finished_at = @now, ${NO_LEASE},
         delete_at = @now + keep_cancelled
       WHERE id = @id AND state NOT IN ${TERMINAL} RETURNING *`,
    ),
    /** @id @now → JobRow: a waiting job whose wait is over becomes ready or scheduled. */
    unblock: p<object, JobRow>(
      `UPDATE ${t.jobs} SET state = CASE WHEN run_at > @now THEN 'scheduled' ELSE 'ready' END
       WHERE id = @id AND state = 'waiting' RETURNING *`,
    ),
    /** [id] → JobRow with held cleared. */
    clearHold: p<[string], JobRow>(`UPDATE ${t.jobs} SET held = 0 WHERE id = ? RETURNING *`),
    /** @id @now → JobRow: a failed/cancelled job ready again with at least one more attempt. */
    retry: p<object, JobRow>(
      `UPDATE ${t.jobs} SET state = 'ready', run_at = @now, finished_at = NULL, delete_at = NULL,
         cancel_reason = NULL, cascade_cause = NULL, held = 0, max_attempts = MAX(max_attempts, attempts + 1)
       WHERE id = @id AND state IN ('failed', 'cancelled') RETURNING *`,
    ),
    /** [id] → changes. Its dependency edges go with it (trigger). */
    deleteJob: p<[string]>(`DELETE FROM ${t.jobs} WHERE id = ?`),
    /** [depends_on] → changes: forgets who waited for a removed job, so a later job reusing its id inherits no dependents. */
    deleteDependentEdges: p<[string]>(`DELETE FROM ${t.deps} WHERE depends_on = ?`),
    /** @now @limit → changes: terminal jobs past delete_at, soonest first. */
    deleteExpired: p(
      `DELETE FROM ${t.jobs} WHERE seq IN (
         SELECT seq FROM ${t.jobs} WHERE delete_at <= @now AND state IN ${TERMINAL}
         ORDER BY delete_at LIMIT @limit)`,
    ),

    // ─── Queues ───────────────────────────────────────────────────────────
    /** [name] → { paused } */
    queuePaused: p<[string], { paused: number }>(`SELECT paused FROM ${t.queues} WHERE name = ?`),
    /** @name @paused (0/1) @now */
    setQueuePaused: p(
      `INSERT INTO ${t.queues} (name, paused, updated_at) VALUES (@name, @paused, @now)
       ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at`,
    ),
    /** → { name, paused } of every queue with jobs or a pause flag, by name. */
    listQueues: p<[], { name: string; paused: number }>(
      `SELECT name, MAX(paused) AS paused FROM (
         SELECT name, paused FROM ${t.queues} WHERE paused = 1
         UNION ALL SELECT DISTINCT queue AS name, 0 AS paused FROM ${t.jobs})
       GROUP BY name ORDER BY name`,
    ),

    // ─── Schedules ────────────────────────────────────────────────────────
    /**
     * @name @rule @task @queue @payload @options @nextRunAt @now → ScheduleRow.
     * On conflict the pause flag is kept, and next/last run too when the rule
     * is unchanged (SET expressions read the old row).
     */
    upsertSchedule: p<object, ScheduleRow>(
      `INSERT INTO ${t.schedules} (name, rule, task, queue, payload, options, next_run_at, paused, created_at, updated_at)
       VALUES (@name, @rule, @task, @queue, @payload, @options, @nextRunAt, 0, @now, @now)
       ON CONFLICT (name) DO UPDATE SET
         next_run_at = CASE WHEN rule = excluded.rule THEN next_run_at ELSE excluded.next_run_at END,
         rule = excluded.rule, task = excluded.task, queue = excluded.queue, payload = excluded.payload,
         options = excluded.options, updated_at = excluded.updated_at
       RETURNING *`,
    ),
    /** [name] → ScheduleRow */
    scheduleByName: p<[string], ScheduleRow>(`SELECT * FROM ${t.schedules} WHERE name = ?`),
    /** → ScheduleRow of all, by name. */
    listSchedules: p<[], ScheduleRow>(`SELECT * FROM ${t.schedules} ORDER BY name`),
    /** [name] → changes */
    deleteSchedule: p<[string]>(`DELETE FROM ${t.schedules} WHERE name = ?`),
    /** @name @paused @now → changes */
    setSchedulePaused: p(`UPDATE ${t.schedules} SET paused = @paused, updated_at = @now WHERE name = @name`),
    /** @now @limit → ScheduleRow of unpaused schedules due, earliest first. */
    dueSchedules: p<object, ScheduleRow>(
      `SELECT * FROM ${t.schedules} WHERE paused = 0 AND next_run_at <= @now
       ORDER BY next_run_at, name LIMIT @limit`,
    ),
    /** @name @nextRunAt @now → changes: records a fired tick. */
    scheduleFired: p(
      `UPDATE ${t.schedules} SET last_run_at = @now, next_run_at = @nextRunAt, updated_at = @now WHERE name = @name`,
    ),

    // ─── Wake-ups (wake.ts) ───────────────────────────────────────────────
    /** [queue] bumps the queue to a new global version. */
    bumpWakeup: p<[string]>(
      `INSERT INTO ${t.wakeups} (queue, version) VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM ${t.wakeups}))
       ON CONFLICT (queue) DO UPDATE SET version = excluded.version`,
    ),
    /** [version] → { queue, version } bumped after it. */
    wakeupsSince: p<[number], { queue: string; version: number }>(
      `SELECT queue, version FROM ${t.wakeups} WHERE version > ?`,
    ),
    /** → { v }: the latest wake-up version. */
    wakeupVersion: p<[], { v: number }>(`SELECT COALESCE(MAX(version), 0) AS v FROM ${t.wakeups}`),
    /** → { seq }: the highest seq of a job (enqueue order), or null. */
    maxSeq: p<[], { seq: number | null }>(`SELECT MAX(seq) AS seq FROM ${t.jobs}`),
    /** [after, upTo] → { queue } of each queue with a claimable or scheduled job inserted in that seq range. */
    queuesWithNewWork: p<[number, number], { queue: string }>(
      `SELECT DISTINCT queue FROM ${t.jobs} WHERE seq > ? AND seq <= ? AND state IN ${CLAIMABLE}`,
    ),
    /** → { v }: changes when another connection commits to the file. */
    dataVersion: p<[], { data_version: number }>('PRAGMA data_version'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
