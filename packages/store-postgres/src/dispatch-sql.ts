import type { Statement } from './db.js';
import { JOB_COLUMNS } from './job-row.js';

/**
 * What a claim returns of each job (`ClaimedRow`): the columns it does not
 * set itself. The caller knows the rest (state, lease, worker, startedAt),
 * and a claimed job is live, neither held nor finished (the claim index's
 * predicate), so finished_at and delete_at are null. Empty errors and
 * depends_on come back null: nothing to parse.
 */
const CLAIMED_COLUMNS = `j.id, j.seq, j.task, j.queue, j.payload, j.result, j.priority, j.run_at, j.created_at,
  j.attempts, j.max_attempts, nullif(j.errors, '[]'::jsonb) AS errors,
  CASE WHEN cardinality(j.depends_on) > 0 THEN j.depends_on END AS depends_on, j.unique_key, j.cancel_reason,
  j.ret_completed, j.ret_failed, j.ret_cancelled, j.drop_payload`;

/**
 * The hot-path statements of workers: claim, heartbeat, acknowledge, and the
 * dependency cascade of operator cancels.
 */
export function dispatchSql(s: string, make: (key: string, text: string) => Statement) {
  return {
    /**
     * Claims up to $3 jobs in one statement. Per unpaused queue (in the order
     * of $1) the claim index yields its claimable jobs in rule-2 order, locked
     * with SKIP LOCKED so concurrent claimers take disjoint sets; the first $3
     * across queues (queue order first) become active under the lease.
     * $1 text[]: queues, $2 int8: now, $3 int: limit, $4 text: token,
     * $5 int8: lease ms, $6 text: worker id, $7 text: synchronous_commit for
     * this statement's transaction ('on', or 'off' with `durableLeases: false`).
     * Returns the claimed jobs (CLAIMED_COLUMNS) plus `ord`, the queue's position.
     */
    claim: make(
      'claim',
      `WITH q AS (
         SELECT u.name, u.ord FROM unnest($1::text[]) WITH ORDINALITY AS u(name, ord)
         WHERE NOT EXISTS (SELECT 1 FROM ${s}.queues p WHERE p.name = u.name AND p.paused)
       ), picked AS (
         SELECT c.id, q.ord FROM q CROSS JOIN LATERAL (
           SELECT j.id, j.priority, j.run_at, j.seq FROM ${s}.jobs j
           WHERE j.queue = q.name AND j.state IN ('ready','scheduled','retrying') AND j.run_at <= $2
           ORDER BY j.priority DESC, j.run_at, j.seq
           LIMIT $3
           FOR UPDATE SKIP LOCKED
         ) c
         ORDER BY q.ord, c.priority DESC, c.run_at, c.seq
         LIMIT $3
       ), commit_mode AS (
         SELECT set_config('synchronous_commit', $7, true)
       )
       UPDATE ${s}.jobs j SET state = 'active', attempts = j.attempts + 1, started_at = $2,
         lease_token = $4, lease_expires_at = $2 + $5::int8, worker_id = $6
       FROM picked p, commit_mode WHERE j.id = p.id
       RETURNING ${CLAIMED_COLUMNS}, p.ord`,
    ),

    /**
     * Renews the leases still held. $1 text[]: ids, $2 text[]: tokens,
     * $3 int8: now, $4 int8: lease ms, $5 text: synchronous_commit (as claim).
     * Rows are locked in id order first, as by every multi-row writer here,
     * so two writers over the same jobs cannot deadlock: `locked` is read
     * whole by a one-time filter before the UPDATE fetches a row (joined
     * instead, the generic plan rescanned the lease array per row: 100
     * leases, 9,900 rows filtered, 8.4 ms against ≈ 2).
     * Returns id, token of each lease renewed.
     */
    heartbeat: make(
      'hb',
      `WITH locked AS (
         SELECT j.id FROM ${s}.jobs j WHERE j.id = ANY($1::text[]) ORDER BY j.id FOR UPDATE
       )
       UPDATE ${s}.jobs j SET lease_expires_at = $3 + $4::int8
       FROM unnest($1::text[], $2::text[]) AS l(id, token), (SELECT set_config('synchronous_commit', $5, true)) AS m
       WHERE (SELECT count(*) FROM locked) >= 0 AND j.id = l.id AND j.state = 'active' AND j.lease_token = l.token
       RETURNING j.id, l.token`,
    ),

    /**
     * Applies a batch of fenced acknowledgements (at most one per job) and
     * their dependency cascades in one round trip: see `acknowledge()` in
     * functions-v3.ts. $1 json: the acks, $2 int8: now, $3 text: NOTIFY channel,
     * $4 text: synchronous_commit ('on', or 'off' with `durableAcks: false`).
     * Returns one row `r`: { applied: int[] (the i of applied acks), woken: text[] }.
     */
    acknowledge: make('ack', `SELECT ${s}.acknowledge($1::json, $2::int8, $3::text, $4::text) AS r`),

    /**
     * The common batch: only `complete` acks, at most one per job; see
     * `complete_jobs()` in functions-v3.ts. $1 text[]: ids, $2 text[]: tokens,
     * $3 text[]: results (JSON text or null), $4 int8: now, $5 text: NOTIFY
     * channel, $6 text: synchronous_commit. Returns one row: `applied` int[]
     * (0-based indexes of the applied acks), `woken` text[].
     */
    complete: make(
      'done',
      `SELECT applied, woken FROM ${s}.complete_jobs($1::text[], $2::text[], $3::text[], $4::int8, $5::text, $6::text)`,
    ),

    /**
     * Rule 8 after operator cancels and removals: see `cascade()` in functions.ts.
     * $1 text[]: ids, $2 text[]: terminal states (or 'removed'), $3 text[]: cascade causes, $4 int8: now.
     * Returns one row `woken` (text[]).
     */
    cascade: make('cascade', `SELECT ${s}.cascade($1::text[], $2::text[], $3::text[], $4::int8) AS woken`),

    /**
     * Active jobs whose lease expired. $1 int8: now, $2 int: limit.
     * Returns JOB_COLUMNS, oldest expiry first.
     */
    expiredLeases: make(
      'expired',
      `SELECT ${JOB_COLUMNS} FROM ${s}.jobs WHERE state = 'active' AND lease_expires_at <= $1
       ORDER BY lease_expires_at, seq LIMIT $2`,
    ),

    /**
     * The earliest future run_at among claimable-state jobs of the unpaused
     * queues $1: scheduled and retrying ones, and ready ones whose run_at is
     * ahead of this caller's now (its clock a little behind the enqueuer's).
     * $2 int8: now. Returns one row `next` (null if none).
     * A loose index scan of jobs_claim_idx (queue, priority DESC, run_at, seq):
     * per queue, one probe per distinct priority of its claimable jobs (`p`),
     * then one probe for the first run_at > now within each priority.
     */
    nextRunAt: make(
      'next',
      `WITH RECURSIVE p AS (
         SELECT q.name, (SELECT j.priority FROM ${s}.jobs j
             WHERE j.queue = q.name AND j.state IN ('ready','scheduled','retrying')
             ORDER BY j.priority DESC LIMIT 1) AS priority
         FROM unnest($1::text[]) AS q(name)
         WHERE NOT EXISTS (SELECT 1 FROM ${s}.queues p WHERE p.name = q.name AND p.paused)
         UNION ALL
         SELECT p.name, (SELECT j.priority FROM ${s}.jobs j
             WHERE j.queue = p.name AND j.state IN ('ready','scheduled','retrying') AND j.priority < p.priority
             ORDER BY j.priority DESC LIMIT 1)
         FROM p WHERE p.priority IS NOT NULL
       )
       SELECT min(n.run_at) AS next FROM p CROSS JOIN LATERAL (
         SELECT j.run_at FROM ${s}.jobs j
         WHERE j.queue = p.name AND j.priority = p.priority AND j.state IN ('ready','scheduled','retrying')
           AND j.run_at > $2
         ORDER BY j.run_at LIMIT 1
       ) n
       WHERE p.priority IS NOT NULL`,
    ),
  };
}

export type DispatchSql = ReturnType<typeof dispatchSql>;
