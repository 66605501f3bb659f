import type { EnqueueOptions } from '@docket/core';
import { badRequest } from './http-error.js';

const BODY_KEYS = new Set(['task', 'payload', 'options']);
/** Every enqueue option but `tx`, which has no meaning over HTTP. */
const OPTION_KEYS = new Set([
  'delay',
  'runAt',
  'priority',
  'queue',
  'maxAttempts',
  'unique',
  'dependsOn',
  'hold',
  'id',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A validated `POST /api/jobs` body. */
export interface EnqueueRequest {
  task: string;
  payload: unknown;
  options: EnqueueOptions;
}

/**
 * Checks the shape of `POST /api/jobs` and turns `runAt` into a time; the
 * values themselves are validated by `docket.enqueue`, the one place for it.
 * A missing `payload` is `null`.
 *
 * @throws HttpError 400.
 */
export function parseEnqueueBody(body: unknown): EnqueueRequest {
  if (!isObject(body)) throw badRequest('The body must be a JSON object { task, payload, options? }.');
  for (const key of Object.keys(body)) {
    if (!BODY_KEYS.has(key))
      throw badRequest(`Unknown field "${key}"; the body is { task, payload, options? }.`);
  }
  const { task, payload = null, options = {} } = body;
  if (typeof task !== 'string' || task === '') throw badRequest('"task" must be the name of a task.');
  if (!isObject(options)) throw badRequest('"options" must be an object.');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw badRequest(`Unknown option "${key}"; use ${[...OPTION_KEYS].join(', ')}.`);
    }
  }
  const parsed: EnqueueOptions = { ...(options as EnqueueOptions) };
  const runAt: unknown = options.runAt;
  if (typeof runAt === 'string') {
    const time = /^\d{4}-\d\d-\d\d/.test(runAt) ? Date.parse(runAt) : Number.NaN;
    if (Number.isNaN(time)) throw badRequest(`runAt must be an ISO 8601 time or epoch ms, got "${runAt}".`);
    parsed.runAt = time;
  } else if (runAt !== undefined && typeof runAt !== 'number') {
    throw badRequest('runAt must be an ISO 8601 time or epoch ms.');
  }
  return { task, payload, options: parsed };
}

/** The optional `{ reason }` body of `POST /api/jobs/{id}/cancel`. */
export function parseCancelBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (!isObject(body)) throw badRequest('The body must be a JSON object { reason? }.');
  for (const key of Object.keys(body)) {
    if (key !== 'reason') throw badRequest(`Unknown field "${key}"; the body is { reason? }.`);
  }
  if (body.reason !== undefined && typeof body.reason !== 'string')
    throw badRequest('"reason" must be a string.');
  return body.reason as string | undefined;
}
