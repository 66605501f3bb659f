import type { IncomingMessage } from 'node:http';
import { badRequest, HttpError } from './http-error.js';

/** Past this many bytes, an oversized body is cut off instead of drained. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is over the limit of ${limit} bytes.`);
}

/**
 * Reads a JSON request body of at most `limit` bytes. An empty body is
 * `undefined`. A body must be sent as `application/json`: this also keeps
 * plain HTML forms (which cannot send that type) from reaching the API.
 *
 * An oversized body is drained rather than cut at once, so the client
 * receives the 413 instead of a reset connection; past `MAX_DRAIN_BYTES`
 * the socket is destroyed.
 *
 * @throws HttpError 413 over the limit, 400 for a wrong content type or malformed JSON.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = Number.isFinite(declared) && declared > limit;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) over = true;
      if (over) {
        if (size > Math.max(limit, MAX_DRAIN_BYTES)) {
          req.destroy();
          break;
        }
        continue;
      }
      chunks.push(chunk);
    }
  } catch {
    // The client went away mid-body: nothing to answer, and not a server fault.
    throw badRequest('The request body was cut off.');
  }
  if (over) throw tooLarge(limit);
  if (size === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') {
    throw badRequest(
      `Send the request body as application/json (got ${type === '' ? 'no content type' : type}).`,
    );
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}
