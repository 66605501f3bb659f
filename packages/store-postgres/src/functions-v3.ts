/**
 * Migration 3: fewer index writes per job and cheaper acknowledgements.
 *
 * Indexes. Claims and acks are never HOT updates (`state` is in the partial
 * indexes' predicates), so every claim, ack and enqueue inserts a new entry
 * into every index whose predicate the new row version matches. Two indexes
 * go:
 *   jobs_task_idx (task, seq): listJobs filtered by task (and no queue) now
 *     walks jobs_seq_idx backwards with a filter instead: fast for common
 *     tasks, slower for a rare task in a big table.
 *   jobs_wake_idx (queue, run_at): nextRunAt now finds the earliest future
 *     run_at in jobs_claim_idx by a loose index scan over the queue's distinct
 *     priorities (one probe per priority level, see dispatch-sql.ts).
 * Per job that is one index entry fewer per claim and per ack (5 → 4) and two
 * fewer per enqueue (6 → 4).
 *
 * Fillfactor. With full pages (the default 100), the new version of every
 * claimed or acknowledged row lands on another page, mostly a fresh one at
 * the end of the table; with room left on each page at insert time it stays
 * on the row's own page (still not HOT), which halves the claim + ack time
 * measured here. Applies to pages written after the migration.
 *
 * complete_jobs(): the fast path of the common batch, only `complete` acks,
 * with plain array arguments (no JSON) and no CASE per column.
 * acknowledge(): same contract as migration 2's, parsing its JSON once.
 * Both delete instead of updating a completed job whose completed retention
 * is 0 and which has no unique key (the cleaner would delete it at its next
 * pass anyway; a unique key is kept for its `period`): a DELETE inserts into
 * no index. Both take `p_commit`, the transaction's synchronous_commit
 * ('on' unless `durableAcks: false`).
 * Both still lock the batch's rows in id order before writing them, like
 * every multi-row writer of jobs (see functions.ts).
 */
/** Percentage of each heap page of jobs that inserts fill (the rest is left to claims' and acks' new row versions). */
const FILLFACTOR = 70;

export function migrationV3Sql(s: string): string {
  return `
DROP INDEX IF EXISTS ${s}.jobs_task_idx;
DROP INDEX IF EXISTS ${s}.jobs_wake_idx;
ALTER TABLE ${s}.jobs SET (fillfactor = ${FILLFACTOR});

/*
 * complete_jobs(ids, tokens, results, now, channel, commit) -> (applied int[], woken text[])
 * Fenced 'complete' acks, at most one per job. applied: the 0-based index of
 * each applied ack in the arrays. woken: queues that got claimable jobs from
 * the dependency cascade (also sent to channel with pg_notify).
 */
CREATE OR REPLACE FUNCTION ${s}.complete_jobs(p_ids text[], p_tokens text[], p_results text[], p_now bigint,
  p_channel text, p_commit text, OUT applied int[], OUT woken text[])
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_ids text[];
BEGIN
  PERFORM set_config('synchronous_commit', p_commit, true);
  PERFORM 1 FROM ${s}.jobs j WHERE j.id = ANY(p_ids) ORDER BY j.id FOR UPDATE;
  WITH a AS (
    SELECT * FROM unnest(p_ids, p_tokens, p_results) WITH ORDINALITY AS x(id, token, result, i)
  ), upd AS (
    UPDATE ${s}.jobs j SET state = 'completed', result = a.result,
      payload = CASE WHEN j.drop_payload THEN NULL ELSE j.payload END,
      finished_at = p_now, delete_at = p_now + j.ret_completed,
      lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
    FROM a
    WHERE j.id = a.id AND j.state = 'active' AND j.lease_token = a.token
      AND (j.ret_completed IS DISTINCT FROM 0 OR j.unique_key IS NOT NULL)
    RETURNING a.i, j.id, j.has_dependents
  )
  SELECT coalesce(array_agg(upd.i::int - 1), '{}'), array_agg(upd.id) FILTER (WHERE upd.has_dependents)
  INTO applied, v_ids FROM upd;
  -- Only when some acks found no row to update: completions of retention-0 jobs (deleted), or stale acks.
  IF cardinality(applied) < cardinality(p_ids) THEN
    WITH a AS (
      SELECT * FROM unnest(p_ids, p_tokens) WITH ORDINALITY AS x(id, token, i)
    ), del AS (
      DELETE FROM ${s}.jobs j USING a
      WHERE j.id = a.id AND j.state = 'active' AND j.lease_token = a.token
        AND j.ret_completed = 0 AND j.unique_key IS NULL
      RETURNING a.i, j.id, j.has_dependents
    )
    SELECT applied || coalesce(array_agg(del.i::int - 1), '{}'),
      v_ids || array_agg(del.id) FILTER (WHERE del.has_dependents)
    INTO applied, v_ids FROM del;
  END IF;
  woken := '{}';
  IF v_ids IS NOT NULL THEN
    woken := ${s}.cascade(v_ids, array_fill('completed'::text, ARRAY[cardinality(v_ids)]),
      array_fill(NULL::text, ARRAY[cardinality(v_ids)]), p_now);
    IF cardinality(woken) > 0 THEN
      PERFORM pg_notify(p_channel, array_to_string(woken, ','));
    END IF;
  END IF;
END
$fn$;

/*
 * acknowledge(acks json, now, channel, commit) -> json { applied: int[], woken: text[] }
 * Migration 2's contract (see functions.ts), with the JSON parsed once into
 * arrays, completed jobs with retention 0 deleted (as in complete_jobs), and
 * the commit mode as a parameter.
 */
CREATE OR REPLACE FUNCTION ${s}.acknowledge(p_acks json, p_now bigint, p_channel text, p_commit text)
RETURNS json LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  a_i int[]; a_type text[]; a_id text[]; a_token text[]; a_result text[]; a_error jsonb[];
  a_retry int8[]; a_req bool[]; a_run int8[]; a_reason text[];
  v_applied int[];
  v_ids text[];
  v_states text[];
  v_causes text[];
  v_woken text[];
  v_gone text[];
BEGIN
  PERFORM set_config('synchronous_commit', p_commit, true);
  SELECT array_agg(x.i), array_agg(x.type), array_agg(x.id), array_agg(x.token), array_agg(x.result),
    array_agg(x.error), array_agg(x.retry_at), array_agg(x.require_expired), array_agg(x.run_at), array_agg(x.reason)
  INTO a_i, a_type, a_id, a_token, a_result, a_error, a_retry, a_req, a_run, a_reason
  FROM json_to_recordset(p_acks) AS x(i int, type text, id text, token text, result text,
      error jsonb, retry_at int8, require_expired bool, run_at int8, reason text);
  PERFORM 1 FROM ${s}.jobs j WHERE j.id = ANY(a_id) ORDER BY j.id FOR UPDATE;
  WITH a AS (
    SELECT * FROM unnest(a_i, a_type, a_id, a_token, a_result, a_error, a_retry, a_req, a_run, a_reason)
      AS x(i, type, id, token, result, error, retry_at, require_expired, run_at, reason)
  ), upd AS (
    UPDATE ${s}.jobs j SET
      state = CASE a.type WHEN 'complete' THEN 'completed'
        WHEN 'fail' THEN CASE WHEN a.retry_at IS NULL THEN 'failed' ELSE 'retrying' END
        WHEN 'snooze' THEN 'scheduled' WHEN 'cancel' THEN 'cancelled' ELSE 'ready' END,
      result = CASE WHEN a.type = 'complete' THEN a.result ELSE j.result END,
      payload = CASE WHEN a.type = 'complete' AND j.drop_payload THEN NULL ELSE j.payload END,
      errors = CASE WHEN a.type = 'fail' THEN j.errors || jsonb_build_array(a.error) ELSE j.errors END,
      run_at = CASE WHEN a.type = 'fail' AND a.retry_at IS NOT NULL THEN a.retry_at
        WHEN a.type = 'snooze' THEN a.run_at ELSE j.run_at END,
      attempts = CASE WHEN a.type IN ('snooze', 'release') THEN greatest(j.attempts - 1, 0) ELSE j.attempts END,
      cancel_reason = CASE WHEN a.type = 'cancel' THEN a.reason ELSE j.cancel_reason END,
      finished_at = CASE WHEN a.type IN ('complete', 'cancel') OR (a.type = 'fail' AND a.retry_at IS NULL)
        THEN p_now ELSE NULL END,
      delete_at = CASE WHEN a.type = 'complete' THEN p_now + j.ret_completed
        WHEN a.type = 'cancel' THEN p_now + j.ret_cancelled
        WHEN a.type = 'fail' AND a.retry_at IS NULL THEN p_now + j.ret_failed ELSE NULL END,
      lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
    FROM a
    WHERE j.id = a.id AND j.state = 'active' AND j.lease_token = a.token
      AND (a.require_expired IS NOT TRUE OR j.lease_expires_at <= p_now)
    RETURNING a.i, j.id, j.state, j.queue, j.run_at, j.has_dependents, j.cascade_cause,
      j.ret_completed, j.unique_key
  )
  SELECT coalesce(array_agg(upd.i), '{}'),
    array_agg(upd.id) FILTER (WHERE upd.has_dependents AND upd.state IN ('completed', 'failed', 'cancelled')),
    array_agg(upd.state) FILTER (WHERE upd.has_dependents AND upd.state IN ('completed', 'failed', 'cancelled')),
    array_agg(upd.cascade_cause) FILTER (WHERE upd.has_dependents AND upd.state IN ('completed', 'failed', 'cancelled')),
    coalesce(array_agg(DISTINCT upd.queue)
      FILTER (WHERE upd.state IN ('ready', 'scheduled', 'retrying') AND upd.run_at <= p_now), '{}'),
    array_agg(upd.id) FILTER (WHERE upd.state = 'completed' AND upd.ret_completed = 0 AND upd.unique_key IS NULL)
  INTO v_applied, v_ids, v_states, v_causes, v_woken, v_gone
  FROM upd;
  IF v_gone IS NOT NULL THEN
    DELETE FROM ${s}.jobs WHERE id = ANY(v_gone);
  END IF;
  IF v_ids IS NOT NULL THEN
    v_woken := ARRAY(SELECT DISTINCT unnest(v_woken || ${s}.cascade(v_ids, v_states, v_causes, p_now)));
  END IF;
  IF cardinality(v_woken) > 0 THEN
    PERFORM pg_notify(p_channel, array_to_string(v_woken, ','));
  END IF;
  RETURN json_build_object('applied', v_applied, 'woken', v_woken);
END
$fn$;
`;
}
