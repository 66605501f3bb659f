/** An error answer of the docket API, as the typed client throws it. */
export class HttpApiError extends Error {
  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** The API error code: a docket `ErrorCode` or BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, … */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpApiError';
  }
}
