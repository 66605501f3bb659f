import type { Clock } from '../clock.js';
import { InvalidOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Storage } from '../storage.js';
import type { RetentionPolicy, TaskDefinition } from '../task.js';
import { assertName, assertNumber } from '../validate.js';
import { isTaskDefinition } from './define-task.js';
import { assertRetentionPolicy } from './retention.js';

/** Options of `new Docket(...)`. */
export interface DocketOptions {
  /** The store; the `Docket` wraps it, sets it up on `setup()` and closes it on `close()`. */
  store: Storage;
  /** Every task this `Docket` enqueues or works on, made by `defineTask`. Names must be unique. */
  tasks?: ReadonlyArray<TaskDefinition<any, any>>;
  /** The source of `now` for every store call. Default: the local clock corrected to the store server's time. */
  clock?: Clock;
  /** Where internal errors and warnings go. Default: `consoleLogger` (warnings and errors). */
  logger?: Logger;
  /** Limit on a payload's JSON text in bytes. Default 1 MiB. */
  maxPayloadBytes?: number;
  /** Retention for every job whose task and queue do not set it. */
  retention?: RetentionPolicy;
  /** Per-queue settings: retention for jobs of the queue whose task does not set it. */
  queues?: Readonly<Record<string, { retention?: RetentionPolicy }>>;
}

const DOCKET_KEYS = new Set(['store', 'tasks', 'clock', 'logger', 'maxPayloadBytes', 'retention', 'queues']);
const STORE_METHODS = [
  'setup',
  'close',
  'serverTime',
  'enqueue',
  'claim',
  'acknowledge',
  'getJob',
  'listJobs',
];

/** Throws `InvalidOptionError` (or `InvalidNameError`) for bad `Docket` options; returns the task registry. */
export function validateDocketOptions(options: DocketOptions): Map<string, TaskDefinition<any, any>> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('new Docket() expects an options object { store, tasks, ... }.');
  }
  for (const key of Object.keys(options)) {
    if (!DOCKET_KEYS.has(key)) throw new InvalidOptionError(`Unknown Docket option "${key}".`);
  }
  const store = options.store as unknown as Record<string, unknown> | undefined;
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.capabilities !== 'object' ||
    STORE_METHODS.some((method) => typeof store[method] !== 'function')
  ) {
    throw new InvalidOptionError(
      'Docket option `store` must implement Storage, e.g. new MemoryStore() or await createStore(url).',
    );
  }
  if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
    throw new InvalidOptionError('Docket option `clock` must have a now() method.');
  }
  if (options.logger !== undefined) {
    const logger = options.logger as unknown as Record<string, unknown>;
    if (['debug', 'info', 'warn', 'error'].some((level) => typeof logger?.[level] !== 'function')) {
      throw new InvalidOptionError('Docket option `logger` must have debug, info, warn and error methods.');
    }
  }
  if (options.maxPayloadBytes !== undefined) {
    assertNumber('maxPayloadBytes', options.maxPayloadBytes, { min: 1, integer: true });
  }
  assertRetentionPolicy('Docket retention', options.retention);
  if (options.queues !== undefined) {
    if (typeof options.queues !== 'object' || options.queues === null || Array.isArray(options.queues)) {
      throw new InvalidOptionError('Docket option `queues` must be an object { [queue]: { retention } }.');
    }
    for (const [queue, settings] of Object.entries(options.queues)) {
      assertName('queue', queue);
      if (typeof settings !== 'object' || settings === null) {
        throw new InvalidOptionError(`Settings of queue "${queue}" must be an object { retention? }.`);
      }
      for (const key of Object.keys(settings)) {
        if (key !== 'retention')
          throw new InvalidOptionError(`Queue "${queue}" has an unknown setting "${key}".`);
      }
      assertRetentionPolicy(`Queue "${queue}" retention`, settings.retention);
    }
  }
  const tasks = new Map<string, TaskDefinition<any, any>>();
  if (options.tasks !== undefined && !Array.isArray(options.tasks)) {
    throw new InvalidOptionError('Docket option `tasks` must be an array of defineTask() definitions.');
  }
  for (const task of options.tasks ?? []) {
    if (!isTaskDefinition(task)) {
      throw new InvalidOptionError('Docket option `tasks` may only hold definitions made by defineTask().');
    }
    if (tasks.has(task.name)) {
      throw new InvalidOptionError(`Two tasks are named "${task.name}"; task names must be unique.`);
    }
    tasks.set(task.name, task);
  }
  return tasks;
}
