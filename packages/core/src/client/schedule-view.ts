import { InvalidOptionError } from '../errors.js';
import type { ScheduleRecord } from '../job.js';
import type { EnqueueOptions } from '../task.js';
import { fromJson } from '../validate.js';
import type { ScheduleRuleInput } from '../worker/schedule-rule.js';

/**
 * Options of the jobs a schedule enqueues. Stored as JSON in
 * `ScheduleRecord.options`; the scheduler passes them back to `prepareJob`,
 * so options left out follow the task's defaults at each tick.
 */
export type ScheduleJobOptions = Pick<EnqueueOptions, 'priority' | 'queue' | 'maxAttempts'>;

const SCHEDULE_OPTION_KEYS = new Set(['priority', 'queue', 'maxAttempts']);

/** A stored schedule as `docket.listSchedules` reports it. */
export interface Schedule<Payload = unknown> {
  name: string;
  /** The normalised rule: `{ every }` or `{ cron, timezone }`. */
  rule: ScheduleRuleInput;
  task: string;
  queue: string;
  payload: Payload;
  options: ScheduleJobOptions;
  nextRunAt: Date;
  lastRunAt: Date | null;
  paused: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Keeps the options a schedule may carry, dropping `undefined` ones.
 * Throws `InvalidOptionError` for any other option: a schedule's jobs run at
 * its ticks, so `delay`, `runAt`, `id`, `unique`, `dependsOn`, `hold` and `tx`
 * have no meaning there. The values are validated by `prepareJob`.
 */
export function scheduleJobOptions(options: unknown): ScheduleJobOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('Schedule options must be an object { priority?, queue?, maxAttempts? }.');
  }
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!SCHEDULE_OPTION_KEYS.has(key)) {
      throw new InvalidOptionError(
        `Schedule option "${key}" is not supported; a schedule's jobs take priority, queue and maxAttempts.`,
      );
    }
    if (value !== undefined) kept[key] = value;
  }
  return kept as ScheduleJobOptions;
}

/** The public view of a stored schedule. */
export function toSchedule<Payload = unknown>(record: ScheduleRecord): Schedule<Payload> {
  return {
    name: record.name,
    rule: fromJson(record.rule) as ScheduleRuleInput,
    task: record.task,
    queue: record.queue,
    payload: fromJson(record.payload) as Payload,
    options: fromJson(record.options) as ScheduleJobOptions,
    nextRunAt: new Date(record.nextRunAt),
    lastRunAt: record.lastRunAt === null ? null : new Date(record.lastRunAt),
    paused: record.paused,
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
  };
}
