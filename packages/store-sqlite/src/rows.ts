import { type JobRecord, type JobState, reportedState, type ScheduleRecord } from '@docket/core';

/** A row of the jobs table, as SQLite returns it. */
export interface JobRow {
  seq: number;
  id: string;
  task: string;
  queue: string;
  state: JobState;
  payload: string | null;
  result: string | null;
  priority: number;
  run_at: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  attempts: number;
  max_attempts: number;
  errors: string;
  lease_token: string | null;
  lease_expires_at: number | null;
  worker_id: string | null;
  held: number;
  depends_on: string;
  unique_key: string | null;
  cancel_reason: string | null;
  cascade_cause: string | null;
  keep_completed: number | null;
  keep_failed: number | null;
  keep_cancelled: number | null;
  drop_payload: number;
  delete_at: number | null;
}

export interface ScheduleRow {
  name: string;
  rule: string;
  task: string;
  queue: string;
  payload: string;
  options: string;
  next_run_at: number;
  last_run_at: number | null;
  paused: number;
  created_at: number;
  updated_at: number;
}

/** A JSON array column; most rows hold the default `[]`, which needs no parse. */
function parseList(text: string): any[] {
  return text === '[]' ? [] : JSON.parse(text);
}

export function toJobRecord(row: JobRow, now: number): JobRecord {
  return {
    id: row.id,
    task: row.task,
    queue: row.queue,
    state: reportedState(row.state, row.run_at, now),
    payload: row.payload,
    result: row.result,
    priority: row.priority,
    runAt: row.run_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    errors: parseList(row.errors),
    leaseToken: row.lease_token,
    leaseExpiresAt: row.lease_expires_at,
    workerId: row.worker_id,
    held: row.held === 1,
    dependsOn: parseList(row.depends_on),
    uniqueKey: row.unique_key,
    cancelReason: row.cancel_reason,
    retention: {
      completed: row.keep_completed,
      failed: row.keep_failed,
      cancelled: row.keep_cancelled,
      dropPayload: row.drop_payload === 1,
    },
    deleteAt: row.delete_at,
  };
}

/**
 * The columns a claim returns, in this order, as one array per row
 * (better-sqlite3's raw mode): building an object of 28 named properties
 * per row costs more than the claim's own UPDATE.
 */
export const CLAIMED_COLUMNS =
  'seq, id, task, queue, state, payload, result, priority, run_at, created_at, started_at, finished_at, attempts, max_attempts, errors, lease_token, lease_expires_at, worker_id, held, depends_on, unique_key, cancel_reason, keep_completed, keep_failed, keep_cancelled, drop_payload, delete_at';

/** One row of {@link CLAIMED_COLUMNS}. */
export type ClaimedRow = [
  seq: number,
  id: string,
  task: string,
  queue: string,
  state: JobState,
  payload: string | null,
  result: string | null,
  priority: number,
  runAt: number,
  createdAt: number,
  startedAt: number | null,
  finishedAt: number | null,
  attempts: number,
  maxAttempts: number,
  errors: string,
  leaseToken: string | null,
  leaseExpiresAt: number | null,
  workerId: string | null,
  held: number,
  dependsOn: string,
  uniqueKey: string | null,
  cancelReason: string | null,
  keepCompleted: number | null,
  keepFailed: number | null,
  keepCancelled: number | null,
  dropPayload: number,
  deleteAt: number | null,
];

/** Rule-2 order of claimed rows: higher priority, then earlier run_at, then seq. */
export function claimOrder(a: ClaimedRow, b: ClaimedRow): number {
  return b[7] - a[7] || a[8] - b[8] || a[0] - b[0];
}

/** {@link toJobRecord} of a {@link ClaimedRow}. */
export function claimedToJobRecord(r: ClaimedRow, now: number): JobRecord {
  return {
    id: r[1],
    task: r[2],
    queue: r[3],
    state: reportedState(r[4], r[8], now),
    payload: r[5],
    result: r[6],
    priority: r[7],
    runAt: r[8],
    createdAt: r[9],
    startedAt: r[10],
    finishedAt: r[11],
    attempts: r[12],
    maxAttempts: r[13],
    errors: parseList(r[14]),
    leaseToken: r[15],
    leaseExpiresAt: r[16],
    workerId: r[17],
    held: r[18] === 1,
    dependsOn: parseList(r[19]),
    uniqueKey: r[20],
    cancelReason: r[21],
    retention: {
      completed: r[22],
      failed: r[23],
      cancelled: r[24],
      dropPayload: r[25] === 1,
    },
    deleteAt: r[26],
  };
}

export function toScheduleRecord(row: ScheduleRow): ScheduleRecord {
  return {
    name: row.name,
    rule: row.rule,
    task: row.task,
    queue: row.queue,
    payload: row.payload,
    options: row.options,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    paused: row.paused === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
