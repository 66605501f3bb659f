/**
 * The schema's PL/pgSQL functions, created by migration 1. They exist so an
 * acknowledgement and its dependency cascade are one round trip and one
 * commit: inside a VOLATILE function every statement takes a new snapshot
 * (READ COMMITTED), so a cascade step sees dependents committed while the
 * previous step waited on their row locks, which one SQL statement could not.
 * `s` is the quoted schema. Dependents are found with `depends_on && ids
 * AND cardinality(depends_on) > 0`: the second term lets the planner use the
 * partial GIN index jobs_deps_idx.
 * Every multi-row writer of jobs (these functions, heartbeat, the dependency
 * lock of enqueue) locks its rows in id order before updating them, so two
 * writers over the same jobs never deadlock; claims and the cleaner skip
 * locked rows and never wait.
 */
export function functionsSql(s: string): string {
  return `
/*
 * cascade(ids, states, causes, now) -> text[]
 * Rule 8 for jobs that just reached a terminal state and have dependents.
 * ids/states/causes: the jobs, their terminal states and cascade causes.
 * Completed jobs: each waiting dependent loses one pending dependency per
 * completed job it names; at zero (and not held) it becomes ready, or
 * scheduled if its run_at is ahead. Row locks serialise concurrent
 * completions, each seeing the other's decrement.
 * Failed/cancelled jobs (and removed ones, state 'removed'): every
 * non-terminal dependent is cancelled, the reason naming the dependency (and
 * the job where the cascade began), level by level until no cancelled job
 * has dependents.
 * Returns the queues that got ready or scheduled jobs (an earlier runAt).
 */
CREATE OR REPLACE FUNCTION ${s}.cascade(p_ids text[], p_states text[], p_causes text[], p_now bigint)
RETURNS text[] LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_done text[];
  v_ids text[];
  v_states text[];
  v_causes text[];
  v_woken text[] := '{}';
BEGIN
  SELECT array_agg(u.id) INTO v_done FROM unnest(p_ids, p_states) AS u(id, state) WHERE u.state = 'completed';
  IF v_done IS NOT NULL THEN
    PERFORM 1 FROM ${s}.jobs d
    WHERE d.depends_on && v_done AND cardinality(d.depends_on) > 0 AND d.state = 'waiting'
    ORDER BY d.id FOR UPDATE;
    WITH x AS (
      SELECT d.id, count(*)::int AS n FROM ${s}.jobs d, unnest(d.depends_on) AS dep
      WHERE d.depends_on && v_done AND cardinality(d.depends_on) > 0 AND d.state = 'waiting' AND dep = ANY(v_done)
      GROUP BY d.id
    ), upd AS (
      UPDATE ${s}.jobs j SET pending_deps = greatest(j.pending_deps - x.n, 0),
        state = CASE WHEN j.pending_deps - x.n <= 0 AND NOT j.held
          THEN CASE WHEN j.run_at > p_now THEN 'scheduled' ELSE 'ready' END ELSE j.state END
      FROM x WHERE j.id = x.id AND j.state = 'waiting' AND j.pending_deps > 0
      RETURNING j.queue, j.state
    )
    SELECT coalesce(array_agg(DISTINCT upd.queue) FILTER (WHERE upd.state IN ('ready', 'scheduled')), '{}')
    INTO v_woken FROM upd;
  END IF;

  SELECT array_agg(u.id), array_agg(u.state), array_agg(u.cause) INTO v_ids, v_states, v_causes
  FROM unnest(p_ids, p_states, p_causes) AS u(id, state, cause) WHERE u.state IN ('failed', 'cancelled', 'removed');
  WHILE v_ids IS NOT NULL LOOP
    PERFORM 1 FROM ${s}.jobs d
    WHERE d.depends_on && v_ids AND cardinality(d.depends_on) > 0
      AND d.state NOT IN ('completed', 'failed', 'cancelled')
    ORDER BY d.id FOR UPDATE;
    WITH c AS (
      SELECT * FROM unnest(v_ids, v_states, v_causes) AS u(id, state, cause)
    ), x AS (
      SELECT DISTINCT ON (d.id) d.id,
        'dependency "' || c.id || '" '
          || CASE c.state WHEN 'failed' THEN 'failed' WHEN 'removed' THEN 'was removed' ELSE 'was cancelled' END AS phrase,
        c.cause
      FROM ${s}.jobs d JOIN c ON d.depends_on @> ARRAY[c.id]
      WHERE d.depends_on && v_ids AND cardinality(d.depends_on) > 0
        AND d.state NOT IN ('completed', 'failed', 'cancelled')
      ORDER BY d.id, array_position(d.depends_on, c.id)
    ), upd AS (
      UPDATE ${s}.jobs j SET state = 'cancelled',
        cancel_reason = CASE WHEN x.cause IS NULL THEN x.phrase ELSE x.phrase || ' because ' || x.cause END,
        cascade_cause = coalesce(x.cause, x.phrase),
        finished_at = p_now, delete_at = p_now + j.ret_cancelled,
        lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
      FROM x WHERE j.id = x.id AND j.state NOT IN ('completed', 'failed', 'cancelled')
      RETURNING j.id, j.state, j.has_dependents, j.cascade_cause
    )
    SELECT array_agg(upd.id), array_agg(upd.state), array_agg(upd.cascade_cause)
    INTO v_ids, v_states, v_causes
    FROM upd WHERE upd.has_dependents;
  END LOOP;
  RETURN v_woken;
END
$fn$;

/*
 * acknowledge(acks json, now, channel) -> json { applied: int[], woken: text[] }
 * Applies a batch of fenced acknowledgements, at most one per job, then the
 * dependency cascade, atomically (the caller's statement is one transaction).
 * acks: array of { i, type, id, token, result, error, retry_at,
 * require_expired, run_at, reason }; an ack applies only while its job is
 * active under its token (and, with require_expired, once the lease expired).
 * applied: the i of each applied ack. woken: queues that got claimable jobs,
 * also sent to channel with pg_notify (delivered on commit).
 */
CREATE OR REPLACE FUNCTION ${s}.acknowledge(p_acks json, p_now bigint, p_channel text)
RETURNS json LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_applied int[];
  v_ids text[];
  v_states text[];
  v_causes text[];
  v_woken text[];
BEGIN
  PERFORM 1 FROM ${s}.jobs j
  WHERE j.id IN (SELECT x.id FROM json_to_recordset(p_acks) AS x(id text))
  ORDER BY j.id FOR UPDATE;
  WITH a AS (
    SELECT * FROM json_to_recordset(p_acks) AS x(i int, type text, id text, token text, result text,
      error jsonb, retry_at int8, require_expired bool, run_at int8, reason text)
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
    WHERE j.id = ANY(v_lock) AND j.id = a.id AND j.state = 'active' AND j.lease_token = a.token
      AND (a.require_expired IS NOT TRUE OR j.lease_expires_at <= p_now)
    RETURNING a.i, j.id, j.state, j.queue, j.run_at, j.has_dependents, j.cascade_cause
  )
  SELECT coalesce(array_agg(upd.i), '{}'),
    array_agg(upd.id) FILTER (WHERE upd.has_dependents AND upd.state IN ('completed', 'failed', 'cancelled')),
    array_agg(upd.state) FILTER (WHERE upd.has_dependents AND upd.state IN ('completed', 'failed', 'cancelled')),
    array_agg(upd.cascade_cause) FILTER (WHERE upd.has_dependents AND upd.state IN ('completed', 'failed', 'cancelled')),
    coalesce(array_agg(DISTINCT upd.queue)
      FILTER (WHERE upd.state IN ('ready', 'scheduled', 'retrying') AND upd.run_at <= p_now), '{}')
  INTO v_applied, v_ids, v_states, v_causes, v_woken
  FROM upd;
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

/**
 * Migration 2's acknowledge(): same contract and the same lock order as
 * migration 1's, without its two sequential scans of jobs. Migration 1 wrote
 * the lock pass as `j.id IN (SELECT … FROM json_to_recordset(…))`, which the
 * planner runs as a hash semi-join over a sequential scan of the whole table
 * (completed rows included, so every ack got slower as the table grew), and
 * the UPDATE joined the same way. Here the ack ids are read once into an
 * array and both statements select by `j.id = ANY(array)`: index scans of
 * jobs_pkey. The lock pass still locks the batch's rows in id order before
 * the UPDATE touches them (the UPDATE's own plan may visit rows in any
 * order), so every multi-row writer still locks in id order.
 */
export function acknowledgeV2Sql(s: string): string {
  return `
CREATE OR REPLACE FUNCTION ${s}.acknowledge(p_acks json, p_now bigint, p_channel text)
RETURNS json LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_lock text[];
  v_applied int[];
  v_ids text[];
  v_states text[];
  v_causes text[];
  v_woken text[];
BEGIN
  v_lock := ARRAY(SELECT x.id FROM json_to_recordset(p_acks) AS x(id text));
  PERFORM 1 FROM ${s}.jobs j WHERE j.id = ANY(v_lock) ORDER BY j.id FOR UPDATE;
  WITH a AS (
    SELECT * FROM json_to_recordset(p_acks) AS x(i int, type text, id text, token text, result text,
      error jsonb, retry_at int8, require_expired bool, run_at int8, reason text)
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
    RETURNING a.i, j.id, j.state, j.queue, j.run_at, j.has_dependents, j.cascade_cause
  )
  SELECT coalesce(array_agg(upd.i), '{}'),
    array_agg(upd.id) FILTER (WHERE upd.has_dependents AND upd.state IN ('completed', 'failed', 'cancelled')),
    array_agg(upd.state) FILTER (WHERE upd.has_dependents AND upd.state IN ('completed', 'failed', 'cancelled')),
    array_agg(upd.cascade_cause) FILTER (WHERE upd.has_dependents AND upd.state IN ('completed', 'failed', 'cancelled')),
    coalesce(array_agg(DISTINCT upd.queue)
      FILTER (WHERE upd.state IN ('ready', 'scheduled', 'retrying') AND upd.run_at <= p_now), '{}')
  INTO v_applied, v_ids, v_states, v_causes, v_woken
  FROM upd;
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
