import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>`. Both sides are hashed first so the
 * comparison takes the same time whatever the length or content of the
 * presented token: a timing attack learns nothing, not even the length.
 */
export class BearerAuth {
  readonly #expected: Buffer;

  constructor(token: string) {
    this.#expected = digest(token);
  }

  /** @throws HttpError 401 when the header is missing, malformed or wrong. */
  check(req: IncomingMessage): void {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    const presented = digest(match?.[1] ?? '');
    // Compare even when the header is missing, so every rejection costs the same.
    const equal = timingSafeEqual(presented, this.#expected);
    if (!match || !equal) {
      throw new HttpError(
        401,
        'UNAUTHORIZED',
        match
          ? 'The bearer token is not valid.'
          : 'Missing credentials: send the header "Authorization: Bearer <token>".',
        { 'WWW-Authenticate': 'Bearer realm="docket"' },
      );
    }
  }
}
