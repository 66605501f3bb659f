import { InvalidOptionError } from '@docket/core';

/**
 * The `listJobs` cursor: the enqueue sequence of the last job of a page, so
 * the next page starts strictly after it whatever was inserted or deleted in
 * between. Opaque to callers.
 */
export function encodeCursor(seq: number): string {
  return `m${seq.toString(36)}`;
}

/** Throws `InvalidOptionError` for text this store did not produce. */
export function decodeCursor(cursor: string): number {
  const seq = /^m[0-9a-z]{1,11}$/.test(cursor) ? Number.parseInt(cursor.slice(1), 36) : Number.NaN;
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new InvalidOptionError(
      `Invalid listJobs cursor ${JSON.stringify(cursor)}: pass back a nextCursor unchanged.`,
    );
  }
  return seq;
}
