import type { JobRecord } from '../job.js';
import type { JobInfo } from '../task.js';

/** Where a handler's context and an event read the job from: built once, on first read. */
export interface JobInfoSource {
  readonly info: JobInfo;
}

/**
 * What a handler and an event listener see of a claimed job, with the payload
 * the worker already parsed (the very object the handler received). The same
 * view as the client's `toJobInfo`, which parses the payload itself.
 */
export function jobInfo(record: JobRecord, payload: unknown): JobInfo {
  const { errors } = record;
  return {
    id: record.id,
    task: record.task,
    queue: record.queue,
    payload,
    attempt: record.attempts,
    maxAttempts: record.maxAttempts,
    priority: record.priority,
    createdAt: new Date(record.createdAt),
    runAt: new Date(record.runAt),
    startedAt: record.startedAt === null ? null : new Date(record.startedAt),
    errors: errors.length === 0 ? [] : errors.map((error) => ({ ...error })),
  };
}
