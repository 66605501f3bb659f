import type { AttemptError, JobRecord, JobState, RetentionSpec } from '../job.js';
import type { JobInfo } from '../task.js';
import { fromJson } from '../validate.js';

/** An attempt's error as the public API reports it. */
export interface JobError extends Omit<AttemptError, 'at'> {
  at: Date;
}

/**
 * A job as `docket.getJob` and `docket.listJobs` report it: the stored record
 * with `payload` and `result` parsed from JSON and every time as a `Date`.
 */
export interface Job<Payload = unknown, Result = unknown> {
  id: string;
  task: string;
  queue: string;
  state: JobState;
  /** `null` once dropped by retention. */
  payload: Payload | null;
  /** The handler's result once completed, else `null`. */
  result: Result | null;
  priority: number;
  runAt: Date;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  attempts: number;
  maxAttempts: number;
  errors: JobError[];
  leaseExpiresAt: Date | null;
  workerId: string | null;
  held: boolean;
  dependsOn: string[];
  uniqueKey: string | null;
  cancelReason: string | null;
  retention: RetentionSpec;
  deleteAt: Date | null;
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/**
 * The public view of a stored job. The lease token stays internal: it fences
 * acknowledgements, and a caller holding it could forge one.
 */
export function toJob<Payload = unknown, Result = unknown>(record: JobRecord): Job<Payload, Result> {
  return {
    id: record.id,
    task: record.task,
    queue: record.queue,
    state: record.state,
    payload: fromJson(record.payload) as Payload | null,
    result: fromJson(record.result) as Result | null,
    priority: record.priority,
    runAt: new Date(record.runAt),
    createdAt: new Date(record.createdAt),
    startedAt: date(record.startedAt),
    finishedAt: date(record.finishedAt),
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
    errors: record.errors.map((error) => ({ ...error, at: new Date(error.at) })),
    leaseExpiresAt: date(record.leaseExpiresAt),
    workerId: record.workerId,
    held: record.held,
    dependsOn: [...record.dependsOn],
    uniqueKey: record.uniqueKey,
    cancelReason: record.cancelReason,
    retention: { ...record.retention },
    deleteAt: date(record.deleteAt),
  };
}

/**
 * What a handler and an event listener see of a job. `attempt` is the
 * record's `attempts`: for a claimed job, the number of the running attempt.
 */
export function toJobInfo<Payload = unknown>(record: JobRecord): JobInfo<Payload> {
  return {
    id: record.id,
    task: record.task,
    queue: record.queue,
    payload: fromJson(record.payload) as Payload,
    attempt: record.attempts,
    maxAttempts: record.maxAttempts,
    priority: record.priority,
    createdAt: new Date(record.createdAt),
    runAt: new Date(record.runAt),
    startedAt: date(record.startedAt),
    errors: record.errors.map((error) => ({ ...error })),
  };
}
