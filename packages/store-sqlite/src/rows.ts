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
