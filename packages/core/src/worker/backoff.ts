import { InvalidOptionError } from '../errors.js';
import type { BackoffOptions, JobInfo } from '../task.js';

/** Defaults of a task without `backoff`: exponential from 1 s, capped at 1 h, ±10% jitter. */
export const DEFAULT_BACKOFF = {
  type: 'exponential',
  delay: 1000,
  max: 3_600_000,
  jitter: 0.2,
} as const;

/** A source of uniform numbers in [0, 1); injectable so tests are deterministic. */
export type Random = () => number;

/**
 * Throws `InvalidOptionError` unless `options` is a valid backoff: a function,
 * or `{ type, delay?, max?, jitter? }` with `delay`, `max` ≥ 0 and `jitter` in
 * [0, 1].
 */
export function assertBackoffOptions(options: unknown, what = 'backoff'): asserts options is BackoffOptions {
  if (typeof options === 'function') return;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      `${what} must be a function (attempt, error, job) => ms or { type: 'exponential' | 'fixed' | 'linear', delay?, max?, jitter? }.`,
    );
  }
  const { type, delay, max, jitter } = options as Record<string, unknown>;
  if (type !== 'exponential' && type !== 'fixed' && type !== 'linear') {
    throw new InvalidOptionError(
      `${what}.type must be 'exponential', 'fixed' or 'linear', got ${JSON.stringify(type) ?? String(type)}.`,
    );
  }
  for (const [key, value] of [
    ['delay', delay],
    ['max', max],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new InvalidOptionError(`${what}.${key} must be a finite number of ms ≥ 0, got ${String(value)}.`);
    }
  }
  if (jitter !== undefined && (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))) {
    throw new InvalidOptionError(`${what}.jitter must be a number between 0 and 1, got ${String(jitter)}.`);
  }
}

/**
 * The delay in ms before retry number `attempt` (1 = the first retry).
 *
 * - `fixed`: `delay`; `linear`: `delay × attempt`; `exponential`: `delay × 2^(attempt-1)`.
 * - The jitter spreads the delay uniformly over `delay × (1 ± jitter/2)`, so
 *   retries of jobs that failed together do not stampede.
 * - The delay is capped at `max` before and after the jitter, and rounded to a whole ms.
 * - A function is called as is; it must return a finite number ≥ 0, else this
 *   throws `InvalidOptionError` (the caller falls back to the defaults).
 */
export function backoffDelay(
  options: BackoffOptions | undefined,
  attempt: number,
  error: unknown,
  job: JobInfo,
  random: Random = Math.random,
): number {
  if (typeof options === 'function') {
    const ms = options(attempt, error, job);
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new InvalidOptionError(`The backoff function returned ${String(ms)}; it must return ms ≥ 0.`);
    }
    return Math.round(ms);
  }
  const type = options?.type ?? DEFAULT_BACKOFF.type;
  const delay = options?.delay ?? DEFAULT_BACKOFF.delay;
  const max = options?.max ?? DEFAULT_BACKOFF.max;
  const jitter = options?.jitter ?? DEFAULT_BACKOFF.jitter;
  const n = Math.max(1, Math.floor(attempt));
  let base: number;
  if (type === 'fixed') base = delay;
  else if (type === 'linear') base = delay * n;
  // 2^1100 is Infinity; capping the exponent keeps `0 × 2^n` a number.
  else base = delay * 2 ** Math.min(n - 1, 1000);
  const jittered = Math.min(base, max) * (1 + jitter * (random() - 0.5));
  return Math.round(Math.min(max, Math.max(0, jittered)));
}
