import { DocketError, ErrorCode } from '@docket/core';
import { HttpError } from './http-error.js';

/** What an error becomes on the wire. */
export interface ErrorResponse {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
}

const STATUS_OF_CODE: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.INVALID_NAME]: 400,
  [ErrorCode.INVALID_PAYLOAD]: 400,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 400,
  [ErrorCode.INVALID_OPTION]: 400,
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.UNKNOWN_TASK]: 400,
  [ErrorCode.JOB_NOT_FOUND]: 404,
  [ErrorCode.SCHEDULE_NOT_FOUND]: 404,
  [ErrorCode.INVALID_STATE]: 409,
};

/**
 * Maps an error to its response. Docket's bad-input errors carry messages
 * written for the caller, so they are passed through; anything unexpected
 * becomes a 500 whose message reveals nothing of the server (the caller
 * logs the original).
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof HttpError) {
    return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  }
  if (error instanceof DocketError) {
    const status = STATUS_OF_CODE[error.code];
    if (status !== undefined) return { status, code: error.code, message: error.message, headers: {} };
    // A store failure's message may carry connection details: name the code, not the cause.
    return {
      status: 500,
      code: error.code,
      message: 'The job store failed; see the server log.',
      headers: {},
    };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal server error.', headers: {} };
}
