import {
  type AttemptError,
  type JobRecord,
  type JobState,
  type NewJob,
  type RetentionSpec,
  reportedState,
} from '@docket/core';
import type { DueItem } from './due-queue.js';

/**
 * A job as the memory store keeps it: the record's fields with the stored
 * (not reported) state, plus the bookkeeping of the indexes. Never handed out:
 * callers get copies made by {@link toRecord}.
 */
export interface StoredJob extends DueItem {
  readonly id: string;
  readonly task: string;
  readonly queue: string;
  /** Stored state: `scheduled`/`retrying` stay as written once `runAt` passes. */
  state: JobState;
  payload: string | null;
  result: string | null;
  readonly priority: number;
  runAt: number;
  readonly createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  attempts: number;
  maxAttempts: number;
  readonly errors: AttemptError[];
  leaseToken: string | null;
  leaseExpiresAt: number | null;
  workerId: string | null;
  held: boolean;
  readonly dependsOn: string[];
  readonly uniqueKey: string | null;
  cancelReason: string | null;
  readonly retention: RetentionSpec;
  deleteAt: number | null;
  /** Enqueue order, unique and increasing: the last tie-break of rule 2 and the listing cursor. */
  seq: number;
  /** Dependencies not yet completed; the job leaves `waiting` when it reaches 0 (and it is not held). */
  pendingDependencies: number;
  /** For a job cancelled by a failed dependency: the phrase naming the job where the cascade began. */
  cascadeCause: string | null;
  /** Set once the job is deleted, so the listing index can skip it. */
  removed: boolean;
}

/** A fresh stored job from the core's `NewJob`, copying every nested value. */
export function createStoredJob(job: NewJob, dependsOn: string[], now: number): StoredJob {
  return {
    id: job.id,
    task: job.task,
    queue: job.queue,
    state: 'waiting',
    payload: job.payload,
    result: null,
    priority: job.priority,
    runAt: job.runAt,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    attempts: 0,
    maxAttempts: job.maxAttempts,
    errors: [],
    leaseToken: null,
    leaseExpiresAt: null,
    workerId: null,
    held: job.hold,
    dependsOn,
    uniqueKey: job.unique?.key ?? null,
    cancelReason: null,
    retention: { ...job.retention },
    deleteAt: null,
    seq: 0,
    pendingDependencies: 0,
    cascadeCause: null,
    removed: false,
    heapIndex: -1,
    fifoTicket: 0,
  };
}

/** A copy of `job` as the API reports it at `now`; shares nothing with the store. */
export function toRecord(job: StoredJob, now: number): JobRecord {
  const { errors, dependsOn, retention } = job;
  // Every claimed job passes here: empty arrays and the retention are copied without iterators or spreads.
  return {
    id: job.id,
    task: job.task,
    queue: job.queue,
    state: reportedState(job.state, job.runAt, now),
    payload: job.payload,
    result: job.result,
    priority: job.priority,
    runAt: job.runAt,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    errors: errors.length === 0 ? [] : errors.map((error) => ({ ...error })),
    leaseToken: job.leaseToken,
    leaseExpiresAt: job.leaseExpiresAt,
    workerId: job.workerId,
    held: job.held,
    dependsOn: dependsOn.length === 0 ? [] : dependsOn.slice(),
    uniqueKey: job.uniqueKey,
    cancelReason: job.cancelReason,
    retention: {
      completed: retention.completed,
      failed: retention.failed,
      cancelled: retention.cancelled,
      dropPayload: retention.dropPayload,
    },
    deleteAt: job.deleteAt,
  };
}
