import type { Ack } from '@docket/core';
import { InvalidOptionError, type NewJob, type RetentionSpec } from '@docket/core';

const PRIORITY_OFFSET = 2n ** 53n;
const DEFAULT_PRIORITY_KEY = '09007199254740992';

/**
 * The ordering key of a priority in the ready set: 17 decimal digits of
 * `2^53 - priority`, so that a lexicographic range yields the highest priority
 * first, exactly, over every safe integer.
 */
export function priorityKey(priority: number): string {
  if (priority === 0) return DEFAULT_PRIORITY_KEY;
  if (!Number.isSafeInteger(priority)) {
    throw new InvalidOptionError(`priority must be a safe integer, got ${String(priority)}.`);
  }
  // 2^53 - p is exact in a double for 0 <= p <= 2^53; a negative priority needs 54 bits.
  if (priority > 0) return String(9007199254740992 - priority).padStart(17, '0');
  return (PRIORITY_OFFSET - BigInt(priority)).toString().padStart(17, '0');
}

/** runAt as the ready member orders it (lib.lua ready_member): clamped to [0, 10^15), 15 digits. */
export function runAtKey(runAt: number): string {
  const r = runAt < 0 ? 0 : runAt > 999999999999999 ? 999999999999999 : runAt;
  const text = String(r);
  // Every time from 2001 to 2286 has 13 digits; padStart costs ~0.4 µs a call.
  return text.length === 13 ? `00${text}` : text.padStart(15, '0');
}

const SHAPE_SEPARATOR = '\u0000';

const sameSpec = (a: RetentionSpec, b: RetentionSpec) =>
  a === b ||
  (a.completed === b.completed &&
    a.failed === b.failed &&
    a.cancelled === b.cancelled &&
    a.dropPayload === b.dropPayload);

/**
 * Jobs as lib.lua `enqueue_jobs` reads them from ARGV: the job count, the distinct "shapes"
 * (task, queue, priority, pk, maxAttempts, retention: one per kind of job in the batch, usually
 * one), then per job its id, payload, runAt (raw and as the ready member's 15 digits), shape
 * number and flags, followed only when the flags say so by its unique key and period and its
 * dependencies. A plain job is 6 arguments, not 15: fewer strings for ioredis to write and for
 * Redis to turn into Lua strings.
 */
export function encodeJobs(jobs: readonly NewJob[]): Array<string | number> {
  const shapes = new Map<string, number>();
  const shapeArgs: Array<string | number> = [];
  const jobArgs: Array<string | number> = [];
  let last: NewJob | undefined;
  let lastRetentionText = '';
  let shape = 0;
  for (const job of jobs) {
    // A batch is usually one kind of job: compare with the previous one before building a key.
    const sameRetention = last !== undefined && sameSpec(job.retention, last.retention);
    if (!sameRetention) lastRetentionText = encodeRetention(job.retention);
    if (
      !sameRetention ||
      job.task !== last!.task ||
      job.queue !== last!.queue ||
      job.priority !== last!.priority ||
      job.maxAttempts !== last!.maxAttempts
    ) {
      const pk = priorityKey(job.priority);
      const shapeKey = `${job.task}${SHAPE_SEPARATOR}${job.queue}${SHAPE_SEPARATOR}${pk}${SHAPE_SEPARATOR}${job.maxAttempts}${SHAPE_SEPARATOR}${lastRetentionText}`;
      const known = shapes.get(shapeKey);
      if (known === undefined) {
        shape = shapes.size + 1;
        shapes.set(shapeKey, shape);
        shapeArgs.push(job.task, job.queue, job.priority, pk, job.maxAttempts, lastRetentionText);
      } else {
        shape = known;
      }
    }
    last = job;
    const runAt = Math.trunc(job.runAt);
    const unique = job.unique;
    const deps = job.dependsOn;
    const flags = (job.hold ? 1 : 0) + (unique ? 2 : 0) + (deps.length > 0 ? 4 : 0);
    jobArgs.push(job.id, job.payload, runAt, runAtKey(runAt), shape, flags);
    if (unique) jobArgs.push(unique.key, unique.period == null ? '' : unique.period);
    if (deps.length > 0) jobArgs.push(deps.length, ...deps);
  }
  return [jobs.length, shapes.size, ...shapeArgs, ...jobArgs];
}

/** Appends one ack as `acknowledge.lua` reads it: type, id, token and three type-specific fields. */
export function pushAckArgs(out: Array<string | number>, ack: Ack): void {
  switch (ack.type) {
    case 'complete':
      if (ack.result === null) out.push('complete', ack.id, ack.token, '0', '', '');
      else out.push('complete', ack.id, ack.token, '1', ack.result, '');
      return;
    case 'fail':
      out.push(
        'fail',
        ack.id,
        ack.token,
        JSON.stringify(ack.error),
        ack.retryAt === null ? '' : Math.trunc(ack.retryAt),
        ack.requireExpired ? '1' : '0',
      );
      return;
    case 'snooze':
      out.push('snooze', ack.id, ack.token, Math.trunc(ack.runAt), '', '');
      return;
    case 'cancel':
      out.push('cancel', ack.id, ack.token, ack.reason, '', '');
      return;
    default:
      // 'release', and any unknown type, which the script rejects (reports false) like a stale ack.
      out.push(String((ack as Ack).type), ack.id, ack.token, '', '', '');
  }
}

const ms = (v: number | null) => (v === null ? '' : String(Math.max(0, Math.trunc(v))));

/**
 * A retention spec as the job hash keeps it: `<completed>,<failed>,<cancelled>,<dropPayload>`
 * (empty = forever). Far shorter than JSON, so small jobs stay in Redis' compact hash encoding.
 */
export function encodeRetention(r: RetentionSpec): string {
  return `${ms(r.completed)},${ms(r.failed)},${ms(r.cancelled)},${r.dropPayload ? '1' : '0'}`;
}

/** The inverse of {@link encodeRetention}. */
export function decodeRetention(text: string): RetentionSpec {
  const [c = '', f = '', x = '', d] = text.split(',');
  const back = (v: string) => (v === '' ? null : Number(v));
  return { completed: back(c), failed: back(f), cancelled: back(x), dropPayload: d === '1' };
}
