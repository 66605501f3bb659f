import type { Statement } from './db.js';

/**
 * The statements of `enqueue`. `s` is the quoted schema; `make` names them.
 */
export function enqueueSql(s: string, make: (key: string, text: string) => Statement) {
  return {
    /**
     * Inserts a batch in one statement and wakes the unpaused queues that got ready
     * or scheduled jobs (a dispatcher sleeping until a later runAt re-reads nextRunAt)
     * (the NOTIFY is delivered when the surrounding transaction commits).
     * $1 json: array of `InsertRow` (see enqueue-plan.ts), in batch order `i`.
     * $2 int8: now (created_at). $3 text: the NOTIFY channel, or null to leave the
     * wake-up to `notify` after the commit (see `wakeAfterCommit` in postgres-store.ts).
     * Returns id, queue, state of each inserted row; rows whose id already
     * exists are skipped (ON CONFLICT DO NOTHING) and missing from the result.
     */
    insert: make(
      'ins',
      `WITH input AS (
         SELECT * FROM json_to_recordset($1::json) AS x(
           i int, id text, task text, queue text, state text, payload text, priority int, run_at int8,
           max_attempts int, held bool, depends_on text[], pending_deps int, has_dependents bool, unique_key text,
           cancel_reason text, cascade_cause text, finished_at int8, delete_at int8,
           ret_completed int8, ret_failed int8, ret_cancelled int8, drop_payload bool)
       ), ins AS (
         INSERT INTO ${s}.jobs (id, task, queue, state, payload, priority, run_at, created_at, max_attempts, held,
           depends_on, pending_deps, has_dependents, unique_key, cancel_reason, cascade_cause, finished_at, delete_at,
           ret_completed, ret_failed, ret_cancelled, drop_payload)
         SELECT id, task, queue, state, payload, priority, run_at, $2, max_attempts, held,
           coalesce(depends_on, '{}'), pending_deps, coalesce(has_dependents, false), unique_key, cancel_reason, cascade_cause, finished_at, delete_at,
           ret_completed, ret_failed, ret_cancelled, drop_payload
         FROM input ORDER BY i
         ON CONFLICT (id) DO NOTHING
         RETURNING id, queue, state
       ), wake AS (
         SELECT pg_notify($3, string_agg(DISTINCT queue, ',')) FROM ins
         WHERE $3::text IS NOT NULL AND state IN ('ready','scheduled')
           AND NOT EXISTS (SELECT 1 FROM ${s}.queues p WHERE p.name = ins.queue AND p.paused)
         HAVING count(*) > 0
       )
       SELECT ins.id, ins.queue, ins.state FROM ins LEFT JOIN wake ON true`,
    ),

    /**
     * The single-statement path of a batch without uniqueness or dependencies
     * (and one-by-one enqueues): one array per column, zipped in batch order
     * (ROWS FROM yields its rows in array order, so seq follows the
     * batch), every other column left to its default. Wakes the unpaused
     * queues that got jobs (delivered on commit).
     * $1 json id[], $2 json task[], $3 json queue[], $4 json state[], $5 json payload[] (text
     * columns as JSON arrays of strings: JSON.stringify escapes in native code, far cheaper than
     * pg's array literal escaping), $6 int[] priority, $7 int8[] run_at, $8 int[] max_attempts,
     * $9 bool[] held, $10/$11/$12 int8[] retention (completed/failed/cancelled, null: forever),
     * $13 bool[] drop_payload, $14 int8: now (created_at), $15 text: NOTIFY channel (null: none, as `insert`).
     * Returns one row: `taken` text[] (ids that already existed: nothing
     * inserted for them), `woken` text[] (queues that got ready or scheduled jobs).
     */
    insertSimple: make('ins1', simpleInsert(s, 'ON CONFLICT (id) DO NOTHING')),

    /**
     * `insertSimple` without `ON CONFLICT`: a duplicate id fails the whole
     * statement (unique_violation on jobs_pkey) instead of being skipped, so
     * only for a statement that is its own transaction (the store's pool),
     * which then retries with `insertSimple`. Speculative insertion costs a
     * second jobs_pkey probe and a WAL record per row: 1,000 rows into a
     * 20,000-row table, 13,164 → 10,289 buffer hits and 6,060 → 5,060 WAL records.
     * Same parameters and result (`taken` is always empty).
     */
    insertSimpleStrict: make('ins1s', simpleInsert(s, '')),

    /**
     * `insertSimple` for a batch whose jobs share every column but id, payload
     * and run_at, and their initial state (one task's jobs, and every single
     * job): those three go as arrays, the rest once. Per row the server
     * unpacks 3 arrays instead of 13, and the client encodes 3.
     * $1 json id[], $2 json payload[], $3 int8[] run_at, $4 text task, $5 text queue, $6 int priority,
     * $7 int max_attempts, $8 bool held, $9/$10/$11 int8 retention (completed/failed/cancelled, null:
     * forever), $12 bool drop_payload, $13 int8 now, $14 text NOTIFY channel (null: none), $15 text state.
     * Returns one row: `taken` text[], `woken` text[] (as `insertSimple`).
     */
    insertUniform: make('ins1u', uniformInsert(s, 'ON CONFLICT (id) DO NOTHING')),

    /** `insertUniform` without `ON CONFLICT`, as `insertSimpleStrict` (`taken` is always empty). */
    insertUniformStrict: make('ins1us', uniformInsert(s, '')),

    /**
     * Wakes the unpaused queues among $2 (text[]) on channel $1, in a
     * transaction of its own committed asynchronously: it writes no data, and
     * a NOTIFY holds PostgreSQL's cluster-wide notify lock from the statement
     * to the end of its commit, so inside a durable enqueue it would
     * serialise every notifying commit behind each other's WAL flush.
     */
    notify: make(
      'wake',
      `SELECT pg_notify($1, string_agg(q.name, ',')) FROM unnest($2::text[]) AS q(name),
         (SELECT set_config('synchronous_commit', 'off', true)) AS m
       WHERE NOT EXISTS (SELECT 1 FROM ${s}.queues p WHERE p.name = q.name AND p.paused)
       HAVING count(*) > 0`,
    ),

    /**
     * The jobs that exist among the given ids.
     * $1 text[]: ids. Returns id, state, run_at, cascade_cause.
     */
    findIds: make(
      'fids',
      `SELECT id, state, run_at, cascade_cause FROM ${s}.jobs WHERE id = ANY($1::text[])`,
    ),

    /**
     * For each (task, key, period), the job that makes a new one a duplicate
     * (rule 7): the latest stored job with that task and key, if it is not
     * terminal or reached its terminal state less than `period` ms before now.
     * $1 int[]: batch index, $2 text[]: task, $3 text[]: key, $4 int8[]: period (null: none), $5 int8: now.
     * Returns i, id, state, run_at for the indexes that have one.
     */
    findUnique: make(
      'funiq',
      `SELECT u.i, j.id, j.state, j.run_at
       FROM unnest($1::int[], $2::text[], $3::text[], $4::int8[]) AS u(i, task, key, period)
       CROSS JOIN LATERAL (
         SELECT id, state, run_at, finished_at FROM ${s}.jobs j
         WHERE j.task = u.task AND j.unique_key = u.key
         ORDER BY j.seq DESC LIMIT 1
       ) j
       WHERE j.state NOT IN ('completed','failed','cancelled') OR (u.period IS NOT NULL AND j.finished_at > $5 - u.period)`,
    ),

    /**
     * Serialises uniqueness checks of single keys: a shared lock on the
     * schema-wide uniqueness lock. $1 text: the schema-wide lock name.
     */
    lockUniqueShared: make('luqs', 'SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))'),

    /**
     * Locks each (task, key) for the rest of the transaction, in hash order
     * so two enqueuers never wait on each other in a cycle.
     * $1 text[]: one lock name per key. Returns the number of locks taken.
     */
    lockUniqueKeys: make(
      'luqk',
      `SELECT count(*) AS n FROM (SELECT DISTINCT hashtextextended(x, 0) AS k FROM unnest($1::text[]) x ORDER BY k) d,
         LATERAL pg_advisory_xact_lock(d.k) l`,
    ),

    /**
     * A batch with many unique keys takes the schema-wide uniqueness lock
     * exclusively instead of one lock per key (bounded lock-table use).
     * $1 text: the schema-wide lock name.
     */
    lockUniqueAll: make('luqa', 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))'),

    /**
     * Marks stored dependencies as having dependents, which row-locks them:
     * an acknowledgement of one of them waits for this transaction and then
     * sees the flag, so it runs the cascade that finds the new dependent.
     * Locks in id order, as every multi-row writer here, so writers cannot deadlock.
     * $1 text[]: ids. Returns id, state, run_at, cascade_cause of those that exist.
     */
    lockDependencies: make(
      'ldeps',
      `WITH locked AS (
         SELECT id FROM ${s}.jobs WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE
       )
       UPDATE ${s}.jobs SET has_dependents = true WHERE id IN (SELECT id FROM locked)
       RETURNING id, state, run_at, cascade_cause`,
    ),
  };
}

export type EnqueueSql = ReturnType<typeof enqueueSql>;

/** The text of `insertSimple` with the given conflict clause. */
function simpleInsert(s: string, onConflict: string): string {
  return `WITH ins AS (
         INSERT INTO ${s}.jobs (id, task, queue, state, payload, priority, run_at, created_at, max_attempts, held,
           ret_completed, ret_failed, ret_cancelled, drop_payload)
         SELECT x.id, x.task, x.queue, x.state, x.payload, x.priority, x.run_at, $14, x.max_attempts, x.held,
           x.ret_completed, x.ret_failed, x.ret_cancelled, x.drop_payload
         FROM ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json),
           json_array_elements_text($3::json), json_array_elements_text($4::json), json_array_elements_text($5::json),
           unnest($6::int[]), unnest($7::int8[]), unnest($8::int[]), unnest($9::bool[]), unnest($10::int8[]),
           unnest($11::int8[]), unnest($12::int8[]), unnest($13::bool[]))
           AS x(id, task, queue, state, payload, priority, run_at, max_attempts, held,
             ret_completed, ret_failed, ret_cancelled, drop_payload)
         ${onConflict}
         RETURNING id, queue, state
       ), wake AS (
         SELECT coalesce(array_agg(DISTINCT ins.queue), '{}') AS queues FROM ins WHERE ins.state IN ('ready','scheduled')
       ), notify AS (
         SELECT pg_notify($15, string_agg(q.name, ',')) FROM wake, unnest(wake.queues) AS q(name)
         WHERE $15::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${s}.queues p WHERE p.name = q.name AND p.paused)
         HAVING count(*) > 0
       )
       SELECT (SELECT coalesce(array_agg(t.id), '{}') FROM json_array_elements_text($1::json) AS t(id)
               WHERE t.id NOT IN (SELECT ins.id FROM ins)) AS taken,
         wake.queues AS woken
       FROM wake LEFT JOIN notify ON true`;
}

/**
 * The text of `insertUniform` with the given conflict clause. Without one
 * (the strict form) a taken id fails the statement, so `taken` is not computed.
 */
function uniformInsert(s: string, onConflict: string): string {
  const taken =
    onConflict === ''
      ? `'{}'::text[]`
      : `(SELECT coalesce(array_agg(t.id), '{}') FROM json_array_elements_text($1::json) AS t(id)
               WHERE t.id NOT IN (SELECT ins.id FROM ins))`;
  return `WITH ins AS (
         INSERT INTO ${s}.jobs (id, task, queue, state, payload, priority, run_at, created_at, max_attempts, held,
           ret_completed, ret_failed, ret_cancelled, drop_payload)
         SELECT x.id, $4::text, $5::text,
           $15::text,
           x.payload, $6::int, x.run_at, $13::int8, $7::int, $8::bool, $9::int8, $10::int8, $11::int8, $12::bool
         FROM ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json), unnest($3::int8[]))
           AS x(id, payload, run_at)
         ${onConflict}
         RETURNING id
       ), wake AS (
         SELECT CASE WHEN $15::text IN ('ready','scheduled') AND EXISTS (SELECT 1 FROM ins)
           THEN ARRAY[$5::text] ELSE '{}' END AS queues
       ), notify AS (
         SELECT pg_notify($14, $5::text) FROM wake
         WHERE $14::text IS NOT NULL AND cardinality(wake.queues) > 0
           AND NOT EXISTS (SELECT 1 FROM ${s}.queues p WHERE p.name = $5::text AND p.paused)
       )
       SELECT ${taken} AS taken, wake.queues AS woken
       FROM wake LEFT JOIN notify ON true`;
}
