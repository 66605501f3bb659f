import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { AttemptError, JobState } from './job.js';
import type { Logger } from './logger.js';

/** A duration in ms, or `'forever'`. */
export type Retain = number | 'forever';

/** How long finished jobs are kept. Defaults: completed 1 day, failed and cancelled 7 days. */
export interface RetentionPolicy {
  completed?: Retain;
  failed?: Retain;
  cancelled?: Retain;
  /** Drop the payload when the job completes (the row is kept per `completed`). */
  dropPayload?: boolean;
}

/** The delay before retry number `attempt` (1 = the first retry). */
export type BackoffFunction = (attempt: number, error: unknown, job: JobInfo) => number;

export type BackoffOptions =
  | {
      type: 'exponential' | 'fixed' | 'linear';
      /** Base delay in ms. Default 1000. */
      delay?: number;
      /** Cap in ms. Default 1 hour. */
      max?: number;
      /** Fraction of the delay randomised, 0..1. Default 0.2 (±10%). */
      jitter?: number;
    }
  | BackoffFunction;

/** What a handler and an event listener see of a job. */
export interface JobInfo<Payload = unknown> {
  id: string;
  task: string;
  queue: string;
  payload: Payload;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
  priority: number;
  createdAt: Date;
  runAt: Date;
  startedAt: Date | null;
  /** Errors of earlier attempts. */
  errors: AttemptError[];
}

/** Options of one enqueue. Times are ms / `Date`. */
export interface EnqueueOptions {
  /** Run no sooner than this many ms from now. ≥ 0. */
  delay?: number;
  /** Run no sooner than this time. Exclusive with `delay`. */
  runAt?: Date | number;
  /** Higher runs first. Integer. Default: the task's, else 0. */
  priority?: number;
  /** Override the task's queue. */
  queue?: string;
  /** Override the task's `maxAttempts`. */
  maxAttempts?: number;
  /** At most one job per task and key while not terminal (or finished less than `period` ms ago). */
  unique?: { key: string; period?: number };
  /** Ids of jobs that must complete first. */
  dependsOn?: string[];
  /** Enqueue `waiting` until `docket.release(id)`. */
  hold?: boolean;
  /** Caller-supplied id: enqueueing the same id twice returns the first job. */
  id?: string;
  /** The backend's transaction handle (a `pg` client inside BEGIN, a better-sqlite3 database inside a transaction). */
  tx?: unknown;
}

/** The second argument of every handler. */
export interface HandlerContext<Payload = unknown> {
  job: JobInfo<Payload>;
  /** Fires when the task's timeout elapses, at shutdown, and when the lease is lost. */
  signal: AbortSignal;
  logger: Logger;
  /** Enqueue a follow-up job. */
  enqueue<P>(
    task: TaskDefinition<P, any> | string,
    payload: P,
    options?: EnqueueOptions,
  ): Promise<{ id: string; duplicate: boolean }>;
  /** Renew the lease now (the worker also heartbeats on its own). Throws `LeaseLostError` if it was lost. */
  heartbeat(): Promise<void>;
  /** Reschedule this job `ms` from now without spending an attempt. Ends the handler. */
  snooze(ms: number): never;
  /** Cancel this job (no more attempts). Ends the handler. */
  cancel(reason?: string): never;
}

export type Handler<Payload, Result> = (
  payload: Payload,
  ctx: HandlerContext<Payload>,
) => Promise<Result> | Result;

/** The input of `defineTask`. */
export interface TaskConfig<Payload, Result> {
  /** Unique task name: letters, digits, `_ - . :`. */
  name: string;
  handler: Handler<Payload, Result>;
  /** Default queue. Default `default`. */
  queue?: string;
  /** Total attempts including the first. Default 3. */
  maxAttempts?: number;
  /** Handler timeout in ms. Default: none. */
  timeout?: number;
  backoff?: BackoffOptions;
  /** Default priority. Default 0. */
  priority?: number;
  retention?: RetentionPolicy;
  /**
   * Validates payloads at enqueue and before the handler runs. Any Standard Schema validator (zod, valibot,
   * arktype). Its input type may differ from its output (coercions); the handler gets the output.
   */
  schema?: StandardSchemaV1<any, Payload>;
  /** Decides whether a thrown error counts as a failed attempt. Returning `false` reschedules without spending an attempt. */
  isFailure?: (error: unknown) => boolean;
}

/** A task: a named kind of work with its handler and defaults. */
export interface TaskDefinition<Payload = unknown, Result = unknown>
  extends Readonly<TaskConfig<Payload, Result>> {
  readonly kind: 'docket.task';
}

/** States that can be passed to `listJobs`. */
export type { JobState };
