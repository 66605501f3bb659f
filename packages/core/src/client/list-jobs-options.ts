import { InvalidOptionError } from '../errors.js';
import { JOB_STATES, type JobState } from '../job.js';
import type { ListJobsParams } from '../storage.js';
import { assertName } from '../validate.js';

/** The most jobs one `listJobs` page may hold. */
export const MAX_LIST_LIMIT = 1000;
/** The page size of `listJobs` when no `limit` is given. */
export const DEFAULT_LIST_LIMIT = 100;

/** Filters and paging of `docket.listJobs`. */
export interface ListJobsOptions {
  queue?: string;
  state?: JobState;
  task?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1..1000, default 100. */
  limit?: number;
  /** Enqueue order; default `desc` (newest first). */
  order?: 'asc' | 'desc';
}

const LIST_KEYS = new Set(['queue', 'state', 'task', 'cursor', 'limit', 'order']);

/** Validates `listJobs` options into store params (without `now`). Throws `InvalidOptionError`/`InvalidNameError`. */
export function listJobsParams(options: ListJobsOptions): Omit<ListJobsParams, 'now'> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('listJobs expects an object.');
  for (const key of Object.keys(options)) {
    if (!LIST_KEYS.has(key)) throw new InvalidOptionError(`Unknown listJobs option "${key}".`);
  }
  const { queue, state, task, cursor, order } = options;
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  if (queue !== undefined) assertName('queue', queue);
  if (task !== undefined) assertName('task', task);
  if (state !== undefined && !JOB_STATES.includes(state)) {
    throw new InvalidOptionError(
      `Unknown job state ${JSON.stringify(state)}; use one of ${JOB_STATES.join(', ')}.`,
    );
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new InvalidOptionError(
      `listJobs limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${String(limit)}.`,
    );
  }
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    throw new InvalidOptionError(`listJobs order must be 'asc' or 'desc', got ${String(order)}.`);
  }
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor === '')) {
    throw new InvalidOptionError('listJobs cursor must be the nextCursor string of a previous page.');
  }
  return { queue, state, task, cursor, limit, order };
}
