import { InvalidOptionError } from '../errors.js';
import type { BackoffOptions, TaskConfig, TaskDefinition } from '../task.js';
import { assertName, assertNumber } from '../validate.js';
import { assertRetentionPolicy } from './retention.js';

/** Default total attempts of a task. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Default queue of a task. */
export const DEFAULT_QUEUE = 'default';
/** Priorities and attempt counts are kept in 32-bit integer columns by the SQL stores. */
export const MAX_INT32 = 2 ** 31 - 1;
/** `setTimeout` fires at once for longer delays, so a task timeout cannot exceed this. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const TASK_KEYS = new Set([
  'name',
  'handler',
  'queue',
  'maxAttempts',
  'timeout',
  'backoff',
  'priority',
  'retention',
  'schema',
  'isFailure',
]);
const BACKOFF_TYPES = new Set(['exponential', 'fixed', 'linear']);
const BACKOFF_KEYS = new Set(['type', 'delay', 'max', 'jitter']);

/** Throws `InvalidOptionError` unless `value` is an integer in the 32-bit range and ≥ `min`. */
export function assertInt32(what: string, value: unknown, min = -MAX_INT32 - 1): asserts value is number {
  assertNumber(what, value, { min, integer: true });
  if (value > MAX_INT32) throw new InvalidOptionError(`${what} must be ≤ ${MAX_INT32}, got ${value}.`);
}

function assertBackoff(task: string, backoff: unknown): asserts backoff is BackoffOptions | undefined {
  if (backoff === undefined || typeof backoff === 'function') return;
  const what = `Task "${task}" backoff`;
  if (typeof backoff !== 'object' || backoff === null || Array.isArray(backoff)) {
    throw new InvalidOptionError(`${what} must be a function or { type, delay?, max?, jitter? }.`);
  }
  for (const key of Object.keys(backoff)) {
    if (!BACKOFF_KEYS.has(key)) throw new InvalidOptionError(`${what} has an unknown key "${key}".`);
  }
  const { type, delay, max, jitter } = backoff as Record<string, unknown>;
  if (typeof type !== 'string' || !BACKOFF_TYPES.has(type)) {
    throw new InvalidOptionError(
      `${what}.type must be 'exponential', 'fixed' or 'linear', got ${String(type)}.`,
    );
  }
  if (delay !== undefined) assertNumber(`${what}.delay`, delay, { min: 0 });
  if (max !== undefined) assertNumber(`${what}.max`, max, { min: 0 });
  if (jitter !== undefined) {
    assertNumber(`${what}.jitter`, jitter, { min: 0 });
    if (jitter > 1) throw new InvalidOptionError(`${what}.jitter must be between 0 and 1, got ${jitter}.`);
  }
}

function assertStandardSchema(task: string, schema: unknown): void {
  const std = (schema as { '~standard'?: { validate?: unknown } } | null)?.['~standard'];
  if (typeof std?.validate !== 'function') {
    throw new InvalidOptionError(
      `Task "${task}" schema is not a Standard Schema (no ['~standard'].validate); use zod, valibot, arktype or any Standard Schema validator.`,
    );
  }
}

/**
 * Defines a task: a named kind of work with its handler and defaults. Every
 * option is validated here, once, so a typo fails at startup rather than at
 * the first enqueue. Unknown keys are rejected for the same reason.
 *
 * The returned definition is frozen, with `queue`, `maxAttempts` and
 * `priority` filled with their defaults (`'default'`, 3, 0).
 *
 * @throws InvalidNameError for a bad task or queue name.
 * @throws InvalidOptionError for any other bad option.
 */
export function defineTask<Payload = unknown, Result = unknown>(
  config: TaskConfig<Payload, Result>,
): TaskDefinition<Payload, Result> {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidOptionError('defineTask expects an object { name, handler, ... }.');
  }
  assertName('task', config.name);
  const name = config.name;
  for (const key of Object.keys(config)) {
    if (!TASK_KEYS.has(key)) throw new InvalidOptionError(`Task "${name}" has an unknown option "${key}".`);
  }
  if (typeof config.handler !== 'function') {
    throw new InvalidOptionError(`Task "${name}" needs a handler function.`);
  }
  const queue = config.queue ?? DEFAULT_QUEUE;
  assertName('queue', queue);
  const maxAttempts = config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  assertInt32(`Task "${name}" maxAttempts`, maxAttempts, 1);
  const priority = config.priority ?? 0;
  assertInt32(`Task "${name}" priority`, priority);
  if (config.timeout !== undefined) {
    assertNumber(`Task "${name}" timeout`, config.timeout, { min: 0 });
    if (config.timeout <= 0 || config.timeout > MAX_TIMEOUT_MS) {
      throw new InvalidOptionError(
        `Task "${name}" timeout must be > 0 and ≤ ${MAX_TIMEOUT_MS} ms, got ${config.timeout}.`,
      );
    }
  }
  assertBackoff(name, config.backoff);
  assertRetentionPolicy(`Task "${name}" retention`, config.retention);
  if (config.schema !== undefined) assertStandardSchema(name, config.schema);
  if (config.isFailure !== undefined && typeof config.isFailure !== 'function') {
    throw new InvalidOptionError(`Task "${name}" isFailure must be a function.`);
  }
  return Object.freeze({ ...config, queue, maxAttempts, priority, kind: 'docket.task' as const });
}

/** Whether `value` was made by {@link defineTask}. */
export function isTaskDefinition(value: unknown): value is TaskDefinition<any, any> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'docket.task';
}
