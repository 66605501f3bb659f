/**
 * The closed set of error codes docket raises. Every store raises the same
 * code for the same condition, so callers can branch on `error.code`.
 */
export const ErrorCode = {
  INVALID_NAME: 'INVALID_NAME',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INVALID_OPTION: 'INVALID_OPTION',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNKNOWN_TASK: 'UNKNOWN_TASK',
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  SCHEDULE_NOT_FOUND: 'SCHEDULE_NOT_FOUND',
  INVALID_STATE: 'INVALID_STATE',
  LEASE_LOST: 'LEASE_LOST',
  TIMEOUT: 'TIMEOUT',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  STORE_CLOSED: 'STORE_CLOSED',
  STORE_ERROR: 'STORE_ERROR',
  STORE_NOT_INSTALLED: 'STORE_NOT_INSTALLED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error docket throws on purpose. */
export class DocketError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A queue, task, schedule, job id or namespace name is not allowed. */
export class InvalidNameError extends DocketError {
  constructor(message: string) {
    super(ErrorCode.INVALID_NAME, message);
  }
}

/** A payload or result cannot be stored as JSON. */
export class InvalidPayloadError extends DocketError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.INVALID_PAYLOAD, message, options);
  }
}

/** A payload's JSON text is over the configured limit. */
export class PayloadTooLargeError extends DocketError {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `Payload is ${size} bytes of JSON, over the limit of ${limit}. Store large data elsewhere and enqueue a reference, or raise \`maxPayloadBytes\`.`,
    );
  }
}

/** An option is out of range or of the wrong type (negative delay, bad cron…). */
export class InvalidOptionError extends DocketError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.INVALID_OPTION, message, options);
  }
}

/** One issue reported by a Standard Schema validator. */
export interface ValidationIssue {
  message: string;
  path?: ReadonlyArray<PropertyKey>;
}

/** A payload failed its task's `schema`. */
export class ValidationError extends DocketError {
  constructor(
    readonly task: string,
    readonly issues: ReadonlyArray<ValidationIssue>,
  ) {
    const detail = issues
      .map((i) => (i.path?.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
      .join('; ');
    super(ErrorCode.VALIDATION_FAILED, `Payload of task "${task}" does not match its schema: ${detail}`);
  }
}

/** A job names a task this `Docket` or worker does not know. */
export class UnknownTaskError extends DocketError {
  constructor(readonly task: string) {
    super(
      ErrorCode.UNKNOWN_TASK,
      `Unknown task "${task}". Pass its definition to \`new Docket({ tasks })\` before enqueueing or working on it.`,
    );
  }
}

/** A job id (to act on, or as a dependency) does not exist. */
export class JobNotFoundError extends DocketError {
  constructor(
    readonly jobId: string,
    context?: string,
  ) {
    super(ErrorCode.JOB_NOT_FOUND, `Job "${jobId}" does not exist${context ? ` (${context})` : ''}.`);
  }
}

/** A schedule name does not exist. */
export class ScheduleNotFoundError extends DocketError {
  constructor(readonly scheduleName: string) {
    super(ErrorCode.SCHEDULE_NOT_FOUND, `Schedule "${scheduleName}" does not exist.`);
  }
}

/** The job's state forbids the requested transition. */
export class InvalidStateError extends DocketError {
  constructor(
    readonly jobId: string,
    readonly state: string,
    action: string,
  ) {
    super(ErrorCode.INVALID_STATE, `Cannot ${action} job "${jobId}": it is ${state}.`);
  }
}

/** A fenced operation was rejected: the job is no longer held under this claim. */
export class LeaseLostError extends DocketError {
  constructor(readonly jobId: string) {
    super(
      ErrorCode.LEASE_LOST,
      `Lease on job "${jobId}" was lost (expired and re-claimed, or cancelled); its outcome was discarded.`,
    );
  }
}

/** A handler ran past its task's timeout. */
export class TimeoutError extends DocketError {
  constructor(readonly timeoutMs: number) {
    super(ErrorCode.TIMEOUT, `Handler timed out after ${timeoutMs} ms.`);
  }
}

/** The store lacks a capability the call needs (e.g. `tx` on the memory store). */
export class NotSupportedError extends DocketError {
  constructor(message: string) {
    super(ErrorCode.NOT_SUPPORTED, message);
  }
}

/** A call was made after `close()`. */
export class StoreClosedError extends DocketError {
  constructor(operation: string) {
    super(ErrorCode.STORE_CLOSED, `Cannot call ${operation}: the store is closed.`);
  }
}

/** A store operation failed for a reason of the backend (connection, SQL…). */
export class StoreError extends DocketError {
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(ErrorCode.STORE_ERROR, `Store operation ${operation} failed: ${reason}`, { cause });
  }
}

/** `createStore` was given a URL whose store package is not installed. */
export class StoreNotInstalledError extends DocketError {
  constructor(
    readonly packageName: string,
    cause?: unknown,
  ) {
    super(
      ErrorCode.STORE_NOT_INSTALLED,
      `The store package "${packageName}" is not installed. Run \`npm install ${packageName}\`.`,
      { cause },
    );
  }
}

/**
 * Throw from a handler to fail the job at once, skipping the remaining
 * attempts.
 */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}
