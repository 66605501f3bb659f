import type { Ack } from '@docket/core';
import { InvalidOptionError, type NewJob, type RetentionSpec } from '@docket/core';

const PRIORITY_OFFSET = 2n ** 53n;

/**
 * The ordering key of a priority in the ready set: 17 decimal digits of
 * `2^53 - priority`, so that a lexicographic range yields the highest priority
 * first, exactly, over every safe integer.
 */
export function priorityKey(priority: number): string {
  if (!Number.isSafeInteger(priority)) {
    throw new InvalidOptionError(`priority must be a safe integer, got ${String(priority)}.`);
  }
  return (PRIORITY_OFFSET - BigInt(priority)).toString().padStart(17, '0');
}

/** One job as `enqueue.lua` reads it from ARGV (14 fields, then its dependencies). */
export function jobArgs(job: NewJob): string[] {
  return [
    job.id,
    job.task,
    job.queue,
    job.payload,
    String(job.priority),
    priorityKey(job.priority),
    String(Math.trunc(job.runAt)),
    String(job.maxAttempts),
    job.hold ? '1' : '0',
    job.unique ? job.unique.key : '',
    job.unique ? '1' : '0',
    job.unique?.period == null ? '' : String(job.unique.period),
    encodeRetention(job.retention),
    String(job.dependsOn.length),
    ...job.dependsOn,
  ];
}

/** One ack as `acknowledge.lua` reads it: type, id, token and three type-specific fields. */
export function ackArgs(ack: Ack): string[] {
  switch (ack.type) {
    case 'complete':
      return [ack.type, ack.id, ack.token, ack.result === null ? '0' : '1', ack.result ?? '', ''];
    case 'fail':
      return [
        ack.type,
        ack.id,
        ack.token,
        JSON.stringify(ack.error),
        ack.retryAt === null ? '' : String(Math.trunc(ack.retryAt)),
        ack.requireExpired ? '1' : '0',
      ];
    case 'snooze':
      return [ack.type, ack.id, ack.token, String(Math.trunc(ack.runAt)), '', ''];
    case 'cancel':
      return [ack.type, ack.id, ack.token, ack.reason, '', ''];
    default:
      // 'release', and any unknown type, which the script rejects (reports false) like a stale ack.
      return [String((ack as Ack).type), ack.id, ack.token, '', '', ''];
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
