import { PermanentError } from '../errors.js';
import type { AttemptError, JobRecord } from '../job.js';
import type { Ack } from '../storage.js';
import type { JobInfo, TaskDefinition } from '../task.js';
import { storableText } from '../validate.js';
import { backoffDelay, DEFAULT_BACKOFF, type Random } from './backoff.js';

/** Stacks are kept on the job for every attempt; a bound keeps a runaway stack from bloating rows. */
const MAX_STACK_CHARS = 8_000;
const MAX_MESSAGE_CHARS = 4_000;

/** The error of one attempt as it is stored on the job. */
export function toAttemptError(error: unknown, attempt: number, at: number): AttemptError {
  // Storable after truncation: a cut can split a surrogate pair.
  const record: AttemptError = {
    attempt,
    at,
    message: storableText(truncate(messageOf(error), MAX_MESSAGE_CHARS)),
  };
  if (error instanceof Error) {
    record.name = storableText(String(error.name));
    if (error.stack) record.stack = storableText(truncate(error.stack, MAX_STACK_CHARS));
  }
  return record;
}

/** What happens to a job whose attempt threw. */
export type FailureDecision =
  /** The attempt counts and none is left, or the error is permanent. */
  | { outcome: 'failed'; ack: Extract<Ack, { type: 'fail' }>; error: AttemptError }
  /** The attempt counts; the job runs again at `retryAt`. */
  | { outcome: 'retrying'; ack: Extract<Ack, { type: 'fail' }>; error: AttemptError; retryAt: number }
  /** `isFailure` said no: the job runs again at `retryAt` without spending an attempt. */
  | { outcome: 'snoozed'; ack: Extract<Ack, { type: 'snooze' }>; retryAt: number };

export interface FailureInput {
  /** The job as claimed: `attempts` is the number of the attempt that failed. */
  job: JobRecord;
  /** The job's task, if this worker knows it (backoff and `isFailure` come from it). */
  task: TaskDefinition<any, any> | undefined;
  /** What the handler threw (or the worker's own error: timeout, lease expired…). */
  error: unknown;
  /** The job as the handler saw it, passed to a backoff function. */
  info: JobInfo;
  now: number;
  /** Fail without retrying whatever the policy says (unknown task, payload failing its schema). */
  permanent?: boolean;
  /** Skip the task's `isFailure` (the rescuer's lease expiry always counts). */
  alwaysCounts?: boolean;
  /** Set when the rescuer applies the decision: only an expired lease may be failed. */
  requireExpired?: boolean;
  random?: Random;
  /** Called when the task's `isFailure` or backoff function throws; the defaults apply instead. */
  onPolicyError?: (error: unknown, what: string) => void;
}

/**
 * The one retry decision, made after an attempt throws:
 * 1. a `PermanentError` (or `permanent`) → `failed`;
 * 2. `task.isFailure(error) === false` → run again after the backoff delay
 *    without spending the attempt (a snooze);
 * 3. attempts exhausted (`attempt ≥ maxAttempts`) → `failed`;
 * 4. else → `retrying` at `now + backoff`.
 */
export function decideFailure(input: FailureInput): FailureDecision {
  const { job, task, error, now } = input;
  const attempt = job.attempts;
  const lease = { id: job.id, token: job.leaseToken ?? '' };
  const permanent = input.permanent === true || isPermanentError(error);

  if (!permanent && !input.alwaysCounts && task?.isFailure) {
    let counts = true;
    try {
      counts = task.isFailure(error) !== false;
    } catch (policyError) {
      input.onPolicyError?.(policyError, `isFailure of task "${task.name}"`);
    }
    if (!counts) {
      const retryAt = now + delayFor(input, attempt);
      return { outcome: 'snoozed', ack: { type: 'snooze', ...lease, runAt: retryAt }, retryAt };
    }
  }

  const attemptError = toAttemptError(error, attempt, now);
  const fail = (retryAt: number | null): Extract<Ack, { type: 'fail' }> => {
    const ack: Extract<Ack, { type: 'fail' }> = { type: 'fail', ...lease, error: attemptError, retryAt };
    if (input.requireExpired) ack.requireExpired = true;
    return ack;
  };
  if (permanent || attempt >= job.maxAttempts) {
    return { outcome: 'failed', ack: fail(null), error: attemptError };
  }
  const retryAt = now + delayFor(input, attempt);
  return { outcome: 'retrying', ack: fail(retryAt), error: attemptError, retryAt };
}

/** `PermanentError`, recognised by name too so two copies of the package (ESM + CJS) agree. */
export function isPermanentError(error: unknown): boolean {
  return error instanceof PermanentError || (error instanceof Error && error.name === 'PermanentError');
}

function delayFor(input: FailureInput, attempt: number): number {
  const { task, error, info, random } = input;
  try {
    return backoffDelay(task?.backoff, attempt, error, info, random);
  } catch (policyError) {
    input.onPolicyError?.(policyError, `backoff of task "${task?.name ?? input.job.task}"`);
    return backoffDelay(DEFAULT_BACKOFF, attempt, error, info, random);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
