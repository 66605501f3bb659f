/** Error codes of the HTTP layer itself, beside docket's `ErrorCode`s. */
export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL';

/** An error the handler answers with `status` and `{ error: { code, message } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A 400 for bad input the handler detects before calling docket. */
export const badRequest = (message: string): HttpError => new HttpError(400, 'BAD_REQUEST', message);
