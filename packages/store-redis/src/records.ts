import type { EnqueueOutcome, JobRecord, JobState, RetentionSpec, ScheduleRecord } from '@docket/core';
import { JobNotFoundError, reportedState } from '@docket/core';
import { decodeRetention } from './encode.js';

type Reply = unknown[];

function pairs(reply: Reply, from: number): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = from; i + 1 < reply.length; i += 2) map.set(String(reply[i]), String(reply[i + 1]));
  return map;
}

const num = (v: string | undefined): number | null => (v === undefined ? null : Number(v));

/** A job as the scripts return it (`{ id, field, value, … }`), with its state reported at `now`. */
export function toJobRecord(reply: Reply, now: number): JobRecord {
  const h = pairs(reply, 1);
  const runAt = Number(h.get('runAt'));
  const state = h.get('state') as JobState;
  return {
    id: String(reply[0]),
    task: h.get('task')!,
    queue: h.get('queue')!,
    state: reportedState(state, runAt, now),
    payload: h.get('payload') ?? null,
    result: h.get('result') ?? null,
    priority: Number(h.get('prio')),
    runAt,
    createdAt: Number(h.get('createdAt')),
    startedAt: num(h.get('startedAt')),
    finishedAt: num(h.get('finishedAt')),
    attempts: Number(h.get('attempts')),
    maxAttempts: Number(h.get('maxAttempts')),
    errors: JSON.parse(h.get('errors') ?? '[]'),
    leaseToken: state === 'active' ? (h.get('token') ?? null) : null,
    leaseExpiresAt: state === 'active' ? num(h.get('leaseExp')) : null,
    workerId: h.get('worker') ?? null,
    held: h.get('held') === '1',
    dependsOn: JSON.parse(h.get('deps') ?? '[]'),
    uniqueKey: h.get('ukey') ?? null,
    cancelReason: h.get('reason') ?? null,
    retention: decodeRetention(h.get('ret')!),
    deleteAt: num(h.get('deleteAt')),
  };
}

/** A job from a plain `HGETALL` (no id in front), or `null` for a missing key. */
export function fromHash(id: string, hash: Record<string, string>, now: number): JobRecord | null {
  if (!hash.state) return null;
  const reply: string[] = [id];
  for (const [k, v] of Object.entries(hash)) reply.push(k, v);
  return toJobRecord(reply, now);
}

type Cell = string | null;

const retentions = new Map<string, RetentionSpec>();

/** decodeRetention, memoised: a namespace's jobs share a handful of retention specs. */
function retentionOf(text: string): RetentionSpec {
  let r = retentions.get(text);
  if (r === undefined) {
    r = decodeRetention(text);
    if (retentions.size < 1000) retentions.set(text, r);
  }
  return { ...r };
}

/**
 * A job as `claim.lua` returns it: the CLAIMED fields in order (null when absent), then the id.
 * The rest is the claim's own: state `active`, `token`, `workerId`, startedAt = now, the lease.
 */
export function toClaimedRecord(
  row: Cell[],
  now: number,
  token: string,
  workerId: string,
  leaseExpiresAt: number,
): JobRecord {
  const [task, queue, payload, result, prio, runAt, createdAt, finishedAt, attempts, maxAttempts, errors] =
    row;
  return {
    id: row[17]!,
    task: task!,
    queue: queue!,
    state: 'active',
    payload: payload ?? null,
    result: result ?? null,
    priority: Number(prio),
    runAt: Number(runAt),
    createdAt: Number(createdAt),
    startedAt: now,
    finishedAt: finishedAt == null ? null : Number(finishedAt),
    attempts: Number(attempts),
    maxAttempts: Number(maxAttempts),
    errors: errors == null ? [] : JSON.parse(errors),
    leaseToken: token,
    leaseExpiresAt,
    workerId,
    held: row[11] === '1',
    dependsOn: row[12] == null ? [] : JSON.parse(row[12]),
    uniqueKey: row[13] ?? null,
    cancelReason: row[14] ?? null,
    retention: retentionOf(row[15]!),
    deleteAt: row[16] == null ? null : Number(row[16]),
  };
}

/** A schedule as the scripts return it (`{ name, field, value, … }`). */
export function toScheduleRecord(reply: Reply): ScheduleRecord {
  const h = pairs(reply, 1);
  return {
    name: String(reply[0]),
    rule: h.get('rule')!,
    task: h.get('task')!,
    queue: h.get('queue')!,
    payload: h.get('payload')!,
    options: h.get('options')!,
    nextRunAt: Number(h.get('nextRunAt')),
    lastRunAt: num(h.get('lastRunAt')),
    paused: h.get('paused') === '1',
    createdAt: Number(h.get('createdAt')),
    updatedAt: Number(h.get('updatedAt')),
  };
}

/**
 * Outcomes of `enqueue.lua`/`fire-schedule.lua` for `jobs`: `{ 'OK', outcome, … }` where an
 * outcome is the new job's state or `<state>:<existing id>` for a duplicate; or
 * `{ 'NOTFOUND', id }`, thrown as `JobNotFoundError` (nothing was written).
 */
export function toOutcomes(reply: Reply, jobs: ReadonlyArray<{ id: string }>): EnqueueOutcome[] {
  if (reply[0] === 'NOTFOUND') throw new JobNotFoundError(String(reply[1]), 'named in dependsOn');
  const out: EnqueueOutcome[] = new Array(jobs.length);
  for (let i = 0; i < jobs.length; i++) out[i] = toOutcome(reply[i + 1] as string, jobs[i]!.id);
  return out;
}

/** One job's outcome as the enqueue scripts write it: its state, or `<state>:<existing id>` for a duplicate. */
export function toOutcome(outcome: string, id: string): EnqueueOutcome {
  const colon = outcome.indexOf(':');
  return colon === -1
    ? { id, duplicate: false, state: outcome as JobState }
    : { id: outcome.slice(colon + 1), duplicate: true, state: outcome.slice(0, colon) as JobState };
}
