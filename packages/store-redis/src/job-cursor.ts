import { InvalidOptionError } from '@docket/core';

/**
 * The `listJobs` cursor: `r` and the enqueue sequence (decimal) of the last job
 * of a page. Opaque to callers; stable because sequences never change.
 */
export function encodeCursor(seq: string): string {
  return `r${seq}`;
}

/** The sequence in a cursor; throws `InvalidOptionError` for text this store did not produce. */
export function decodeCursor(cursor: string): string {
  if (!/^r\d{1,16}$/.test(cursor)) {
    throw new InvalidOptionError(
      `Invalid listJobs cursor ${JSON.stringify(cursor)}: pass back a nextCursor unchanged.`,
    );
  }
  return cursor.slice(1);
}
