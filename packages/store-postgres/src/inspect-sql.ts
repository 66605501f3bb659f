import type { Statement } from './db.js';
import { JOB_COLUMNS } from './job-row.js';

/** Reads (rule 11). `listJobs` is built per call: its filters vary. */
export function inspectSql(s: string, make: (key: string, text: string) => Statement) {
  return {
    /** $1 text: id. Returns JOB_COLUMNS. */
    getJob: make('get', `SELECT ${JOB_COLUMNS} FROM ${s}.jobs WHERE id = $1`),

    /**
     * Counts per queue and reported state. $1 int8: now, $2 text: queue or null.
     * Returns queue, state, count (non-zero only), unordered.
     */
    countJobs: make(
      'count',
      `SELECT queue,
         CASE WHEN state IN ('scheduled','retrying') AND run_at <= $1 THEN 'ready' ELSE state END AS state,
         count(*)::int AS count
       FROM ${s}.jobs WHERE $2::text IS NULL OR queue = $2
       GROUP BY 1, 2`,
    ),

    /**
     * Every queue with jobs (a loose index scan over jobs_queue_idx: one index
     * probe per distinct queue, not a scan of the table) or a pause flag.
     * Returns name, paused, ordered by name.
     */
    listQueues: make(
      'queues',
      `WITH RECURSIVE q AS (
         (SELECT queue FROM ${s}.jobs ORDER BY queue LIMIT 1)
         UNION ALL
         SELECT (SELECT j.queue FROM ${s}.jobs j WHERE j.queue > q.queue ORDER BY j.queue LIMIT 1)
         FROM q WHERE q.queue IS NOT NULL
       )
       SELECT coalesce(q.queue, p.name) AS name, coalesce(p.paused, false) AS paused
       FROM (SELECT queue FROM q WHERE queue IS NOT NULL) q
       FULL JOIN (SELECT name, paused FROM ${s}.queues WHERE paused) p ON p.name = q.queue
       ORDER BY coalesce(q.queue, p.name) COLLATE "C"`,
    ),
  };
}

export type InspectSql = ReturnType<typeof inspectSql>;

/** A listJobs query with only the filters given. */
export function listJobsQuery(
  s: string,
  filter: { queue?: string; state?: string; task?: string; afterSeq?: number; order: 'asc' | 'desc' },
  now: number,
  limit: number,
): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filter.queue !== undefined) where.push(`queue = ${param(filter.queue)}`);
  if (filter.task !== undefined) where.push(`task = ${param(filter.task)}`);
  if (filter.state !== undefined) {
    const state = filter.state;
    if (state === 'ready') {
      const n = param(now);
      where.push(`(state = 'ready' OR (state IN ('scheduled','retrying') AND run_at <= ${n}))`);
    } else if (state === 'scheduled' || state === 'retrying') {
      where.push(`state = ${param(state)} AND run_at > ${param(now)}`);
    } else {
      where.push(`state = ${param(state)}`);
    }
  }
  if (filter.afterSeq !== undefined)
    where.push(`seq ${filter.order === 'asc' ? '>' : '<'} ${param(filter.afterSeq)}`);
  const direction = filter.order === 'asc' ? 'ASC' : 'DESC';
  const n = param(limit + 1);
  if (filter.queue !== undefined) {
    const text = `SELECT ${JOB_COLUMNS} FROM ${s}.jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq ${direction} LIMIT ${n}`;
    return { text, values };
  }
  // No index orders every job by seq (schema version 4 dropped it: each insert,
  // claim and ack paid an entry in it). Each queue's jobs are in seq order in
  // jobs_queue_idx, so the page is the first rows of a merge of the queues'
  // ranges: the distinct queues by a loose index scan (one probe per queue),
  // then at most limit + 1 rows of each, then the merge.
  const text = `WITH RECURSIVE q AS (
      (SELECT queue FROM ${s}.jobs ORDER BY queue LIMIT 1)
      UNION ALL
      SELECT (SELECT j.queue FROM ${s}.jobs j WHERE j.queue > q.queue ORDER BY j.queue LIMIT 1)
      FROM q WHERE q.queue IS NOT NULL
    )
    SELECT x.* FROM q CROSS JOIN LATERAL (
      SELECT ${JOB_COLUMNS} FROM ${s}.jobs
      WHERE queue = q.queue ${where.length ? `AND ${where.join(' AND ')}` : ''}
      ORDER BY seq ${direction} LIMIT ${n}
    ) x
    WHERE q.queue IS NOT NULL
    ORDER BY x.seq ${direction} LIMIT ${n}`;
  return { text, values };
}
