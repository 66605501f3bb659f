import { InvalidOptionError } from '../errors.js';
import type { RetentionSpec } from '../job.js';
import type { Retain, RetentionPolicy } from '../task.js';

const DAY = 24 * 60 * 60 * 1000;

/** The built-in retention, used for every field no task, queue or `Docket` policy sets. */
export const DEFAULT_RETENTION: Readonly<Required<RetentionPolicy>> = Object.freeze({
  completed: DAY,
  failed: 7 * DAY,
  cancelled: 7 * DAY,
  dropPayload: false,
});

const KEYS = new Set(['completed', 'failed', 'cancelled', 'dropPayload']);

function assertRetain(what: string, value: unknown): asserts value is Retain {
  if (value === 'forever') return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(
      `${what} must be an integer number of ms ≥ 0 or 'forever', got ${String(value)}.`,
    );
  }
}

/** Throws `InvalidOptionError` unless `policy` is a valid {@link RetentionPolicy} (or undefined). */
export function assertRetentionPolicy(
  what: string,
  policy: unknown,
): asserts policy is RetentionPolicy | undefined {
  if (policy === undefined) return;
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new InvalidOptionError(
      `${what} must be an object like { completed, failed, cancelled, dropPayload }.`,
    );
  }
  for (const [key, value] of Object.entries(policy)) {
    if (!KEYS.has(key)) {
      throw new InvalidOptionError(
        `${what} has an unknown key "${key}"; expected completed, failed, cancelled or dropPayload.`,
      );
    }
    if (value === undefined) continue;
    if (key === 'dropPayload') {
      if (typeof value !== 'boolean') throw new InvalidOptionError(`${what}.dropPayload must be a boolean.`);
    } else {
      assertRetain(`${what}.${key}`, value);
    }
  }
}

/**
 * Resolves retention field by field: the first layer that sets a field wins
 * (task, then queue, then the `Docket` default), then {@link DEFAULT_RETENTION}.
 * `'forever'` becomes `null`.
 */
export function resolveRetention(...layers: ReadonlyArray<RetentionPolicy | undefined>): RetentionSpec {
  const pick = <K extends keyof RetentionPolicy>(key: K): Required<RetentionPolicy>[K] => {
    for (const layer of layers) {
      const value = layer?.[key];
      if (value !== undefined) return value as Required<RetentionPolicy>[K];
    }
    return DEFAULT_RETENTION[key];
  };
  const ms = (value: Retain): number | null => (value === 'forever' ? null : value);
  return {
    completed: ms(pick('completed')),
    failed: ms(pick('failed')),
    cancelled: ms(pick('cancelled')),
    dropPayload: pick('dropPayload'),
  };
}
