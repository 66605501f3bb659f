import type { JobInfo } from './task.js';

/**
 * The typed events a `Docket` (and each of its workers) emits. Listeners that
 * throw are caught and logged: they never stop a worker.
 */
export interface DocketEvents {
  /** A job's handler succeeded and the completion was stored. */
  completed: { job: JobInfo; result: unknown; durationMs: number };
  /** A job reached `failed` (attempts exhausted, permanent error, timeout on the last attempt). */
  failed: { job: JobInfo; error: unknown };
  /** An attempt failed and the job will run again at `retryAt`. */
  retrying: { job: JobInfo; error: unknown; retryAt: Date };
  /** A job's lease expired without an acknowledgement (its worker died or hung). */
  stalled: { jobId: string; task: string; queue: string; attempt: number; willRetry: boolean };
  /** An internal error (store unreachable, a listener threw, a stale ack). */
  error: { error: unknown; context: string };
}

export type DocketEventName = keyof DocketEvents;
export type DocketListener<E extends DocketEventName> = (event: DocketEvents[E]) => void;
