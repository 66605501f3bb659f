import { InvalidOptionError, JOB_STATES, type JobState, type ListJobsParams } from '@docket/core';
import type Database from 'better-sqlite3';
import type { JobRow } from './rows.js';
import type { Statement } from './statements.js';
import type { Tables } from './tables.js';

/** The filter on a reported state (core's `reportedState`), in SQL. Param: @now, @state. */
function stateFilter(state: JobState): string {
  switch (state) {
    case 'ready':
      return `(state = 'ready' OR (state IN ('scheduled', 'retrying') AND run_at <= @now))`;
    case 'scheduled':
    case 'retrying':
      return `(state = @state AND run_at > @now)`;
    default:
      return 'state = @state';
  }
}

/**
 * `listJobs` as keyset pagination on `seq` (never reused, so pages are stable
 * under inserts and deletes). The statement text depends only on which
 * filters are present; each variant is prepared once and cached.
 */
export class JobLister {
  private readonly cache = new Map<string, Statement<[object], JobRow>>();

  constructor(
    private readonly db: Database.Database,
    private readonly t: Tables,
  ) {}

  list(params: ListJobsParams): { rows: JobRow[]; nextCursor: string | null } {
    const order = params.order ?? 'desc';
    if (order !== 'asc' && order !== 'desc') {
      throw new InvalidOptionError(`listJobs order must be "asc" or "desc", got ${String(order)}.`);
    }
    if (params.state !== undefined && !JOB_STATES.includes(params.state)) {
      throw new InvalidOptionError(`Unknown job state ${JSON.stringify(params.state)}.`);
    }
    let cursor: number | undefined;
    if (params.cursor !== undefined && params.cursor !== null) {
      if (!/^\d{1,15}$/.test(params.cursor)) {
        throw new InvalidOptionError(`Invalid listJobs cursor ${JSON.stringify(params.cursor)}.`);
      }
      cursor = Number(params.cursor);
    }
    const where: string[] = [];
    if (params.queue !== undefined) where.push('queue = @queue');
    if (params.task !== undefined) where.push('task = @task');
    if (params.state !== undefined) where.push(stateFilter(params.state));
    if (cursor !== undefined) where.push(order === 'desc' ? 'seq < @cursor' : 'seq > @cursor');
    const sql = `SELECT * FROM ${this.t.jobs}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq ${order === 'desc' ? 'DESC' : 'ASC'} LIMIT @limit`;
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql) as Statement<[object], JobRow>;
      this.cache.set(sql, statement);
    }
    const limit = params.limit;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidOptionError(`listJobs limit must be a positive integer, got ${String(limit)}.`);
    }
    const bind: Record<string, unknown> = { limit: limit + 1 };
    if (params.queue !== undefined) bind.queue = params.queue;
    if (params.task !== undefined) bind.task = params.task;
    if (params.state !== undefined) {
      if (params.state !== 'ready') bind.state = params.state;
      if (['ready', 'scheduled', 'retrying'].includes(params.state)) bind.now = params.now;
    }
    if (cursor !== undefined) bind.cursor = cursor;
    const rows = statement.all(bind);
    const more = rows.length > limit;
    if (more) rows.length = limit;
    return { rows, nextCursor: more ? String(rows[rows.length - 1]!.seq) : null };
  }
}
