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

/**
 * The `completed` event. Its `job` is built when a listener first reads it:
 * most listeners count or log ids, and the view (three `Date`s, a copy of the
 * errors) was a tenth of a no-op job's cost. `job` is an accessor on the
 * prototype: `toJSON` lists it for serialisers, but a spread (`{ ...event }`)
 * copies only `result` and `durationMs`.
 */
export class CompletedEvent {
  readonly #source: JobInfoSource;
  readonly result: unknown;
  readonly durationMs: number;

  constructor(source: JobInfoSource, result: unknown, durationMs: number) {
    this.#source = source;
    this.result = result;
    this.durationMs = durationMs;
  }

  get job(): JobInfo {
    return this.#source.info;
  }

  toJSON(): { job: JobInfo; result: unknown; durationMs: number } {
    return { job: this.job, result: this.result, durationMs: this.durationMs };
  }
}
