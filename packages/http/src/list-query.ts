import { JOB_STATES, type JobState, type ListJobsOptions } from '@docket/core';
import { badRequest } from './http-error.js';

/** The largest page `GET /api/jobs` serves. */
export const MAX_PAGE_LIMIT = 200;
/** The page size of `GET /api/jobs` without `limit`. */
export const DEFAULT_PAGE_LIMIT = 50;

const KEYS = new Set(['queue', 'state', 'task', 'cursor', 'limit', 'order']);

/**
 * Validates the query of `GET /api/jobs`. Unknown or repeated parameters are
 * refused rather than ignored, so a typo does not silently list everything.
 * Names are checked again by docket itself.
 *
 * @throws HttpError 400.
 */
export function parseListQuery(query: URLSearchParams): ListJobsOptions {
  const options: ListJobsOptions = { limit: DEFAULT_PAGE_LIMIT };
  const seen = new Set<string>();
  for (const [key, value] of query) {
    if (!KEYS.has(key)) {
      throw badRequest(`Unknown query parameter "${key}"; use ${[...KEYS].join(', ')}.`);
    }
    if (seen.has(key)) throw badRequest(`The query parameter "${key}" is given twice.`);
    seen.add(key);
    if (value === '') continue;
    switch (key) {
      case 'state':
        if (!JOB_STATES.includes(value as JobState)) {
          throw badRequest(`Unknown state "${value}"; use one of ${JOB_STATES.join(', ')}.`);
        }
        options.state = value as JobState;
        break;
      case 'limit': {
        const limit = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
        if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT)) {
          throw badRequest(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}, got "${value}".`);
        }
        options.limit = limit;
        break;
      }
      case 'order':
        if (value !== 'asc' && value !== 'desc')
          throw badRequest(`order must be asc or desc, got "${value}".`);
        options.order = value;
        break;
      case 'queue':
        options.queue = value;
        break;
      case 'task':
        options.task = value;
        break;
      case 'cursor':
        options.cursor = value;
        break;
    }
  }
  return options;
}
