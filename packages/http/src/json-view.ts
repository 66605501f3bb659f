import type { Job, Schedule } from '@docket/core';
import type { JobJson, ScheduleJson } from './api-types.js';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/**
 * The API's view of a job: times as ISO strings. Retention internals
 * (`retention`, `deleteAt`) stay out of the contract.
 */
export function toJobJson(job: Job): JobJson {
  return {
    id: job.id,
    task: job.task,
    queue: job.queue,
    state: job.state,
    payload: job.payload,
    result: job.result,
    priority: job.priority,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    errors: job.errors.map((error) => ({ ...error, at: error.at.toISOString() })),
    runAt: job.runAt.toISOString(),
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    held: job.held,
    dependsOn: job.dependsOn,
    uniqueKey: job.uniqueKey,
    cancelReason: job.cancelReason,
    workerId: job.workerId,
    leaseExpiresAt: iso(job.leaseExpiresAt),
  };
}

/** The API's view of a schedule: times as ISO strings. */
export function toScheduleJson(schedule: Schedule): ScheduleJson {
  return {
    name: schedule.name,
    rule: schedule.rule,
    task: schedule.task,
    queue: schedule.queue,
    payload: schedule.payload,
    options: schedule.options,
    nextRunAt: schedule.nextRunAt.toISOString(),
    lastRunAt: iso(schedule.lastRunAt),
    paused: schedule.paused,
    createdAt: schedule.createdAt.toISOString(),
    updatedAt: schedule.updatedAt.toISOString(),
  };
}
