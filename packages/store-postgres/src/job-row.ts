import {
  type AttemptError,
  type JobRecord,
  type JobState,
  type RetentionSpec,
  reportedState,
  type ScheduleRecord,
} from '@docket/core';

/** The columns every statement returning a job selects, in `JobRow` shape. */
export const JOB_COLUMNS = `id, seq, task, queue, state, payload, result, priority, run_at, created_at, started_at,
  finished_at, attempts, max_attempts, errors, lease_token, lease_expires_at, worker_id, held, depends_on,
  unique_key, cancel_reason, ret_completed, ret_failed, ret_cancelled, drop_payload, delete_at`;

/** A row of `jobs` as `JOB_COLUMNS` returns it (int8 already parsed to numbers). */
export interface JobRow {
  id: string;
  seq: number;
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
  errors: AttemptError[];
  lease_token: string | null;
  lease_expires_at: number | null;
  worker_id: string | null;
  held: boolean;
  depends_on: string[];
  unique_key: string | null;
  cancel_reason: string | null;
  ret_completed: number | null;
  ret_failed: number | null;
  ret_cancelled: number | null;
  drop_payload: boolean;
  delete_at: number | null;
}

/** The job as the core sees it, with the state it reports at `now`. */
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
    errors: row.errors,
    leaseToken: row.lease_token,
    leaseExpiresAt: row.lease_expires_at,
    workerId: row.worker_id,
    held: row.held,
    dependsOn: row.depends_on,
    uniqueKey: row.unique_key,
    cancelReason: row.cancel_reason,
    retention: retentionOf(row),
    deleteAt: row.delete_at,
  };
}

/** The retention a job was enqueued with, from its row. */
function retentionOf(
  row: Pick<JobRow, 'ret_completed' | 'ret_failed' | 'ret_cancelled' | 'drop_payload'>,
): RetentionSpec {
  return {
    completed: row.ret_completed,
    failed: row.ret_failed,
    cancelled: row.ret_cancelled,
    dropPayload: row.drop_payload,
  };
}

/** A claimed job as the claim statement returns it (see CLAIMED_COLUMNS in dispatch-sql.ts). */
export type ClaimedRow = Omit<
  JobRow,
  | 'state'
  | 'started_at'
  | 'finished_at'
  | 'lease_token'
  | 'lease_expires_at'
  | 'worker_id'
  | 'held'
  | 'delete_at'
  | 'errors'
  | 'depends_on'
> & { errors: AttemptError[] | null; depends_on: string[] | null; ord: number };

/** A job claimed at `now` under `token` for `leaseMs` by `workerId`, from what the claim returned. */
export function toClaimedRecord(
  row: ClaimedRow,
  now: number,
  token: string,
  leaseMs: number,
  workerId: string,
): JobRecord {
  return {
    id: row.id,
    task: row.task,
    queue: row.queue,
    state: 'active',
    payload: row.payload,
    result: row.result,
    priority: row.priority,
    runAt: row.run_at,
    createdAt: row.created_at,
    startedAt: now,
    finishedAt: null,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    errors: row.errors ?? [],
    leaseToken: token,
    leaseExpiresAt: now + leaseMs,
    workerId,
    held: false,
    dependsOn: row.depends_on ?? [],
    uniqueKey: row.unique_key,
    cancelReason: row.cancel_reason,
    retention: retentionOf(row),
    deleteAt: null,
  };
}

/** The columns of `schedules`, in `ScheduleRow` shape. */
export const SCHEDULE_COLUMNS =
  'name, rule, task, queue, payload, options, next_run_at, last_run_at, paused, created_at, updated_at';

export interface ScheduleRow {
  name: string;
  rule: string;
  task: string;
  queue: string;
  payload: string;
  options: string;
  next_run_at: number;
  last_run_at: number | null;
  paused: boolean;
  created_at: number;
  updated_at: number;
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
    paused: row.paused,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
