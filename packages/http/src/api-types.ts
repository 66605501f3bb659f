import type { JobState } from '@docket/core';

/** Job counts of one queue (or of all queues), one number per state. */
export type StateCounts = Record<JobState, number>;

/** One attempt's error as the API reports it. */
export interface JobErrorJson {
  attempt: number;
  /** ISO 8601. */
  at: string;
  message: string;
  name?: string;
  stack?: string;
}

/** A job as the API reports it; every time is ISO 8601 (or `null`). */
export interface JobJson<Payload = unknown, Result = unknown> {
  id: string;
  task: string;
  queue: string;
  state: JobState;
  payload: Payload | null;
  result: Result | null;
  priority: number;
  attempts: number;
  maxAttempts: number;
  errors: JobErrorJson[];
  runAt: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  held: boolean;
  dependsOn: string[];
  uniqueKey: string | null;
  cancelReason: string | null;
  workerId: string | null;
  leaseExpiresAt: string | null;
}

/** A schedule as the API reports it. */
export interface ScheduleJson<Payload = unknown> {
  name: string;
  rule: { every: number } | { cron: string; timezone?: string };
  task: string;
  queue: string;
  payload: Payload;
  options: { priority?: number; queue?: string; maxAttempts?: number };
  nextRunAt: string;
  lastRunAt: string | null;
  paused: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A queue with its counts per state. */
export interface QueueJson {
  name: string;
  paused: boolean;
  counts: StateCounts;
}

/** `GET /api/overview`. */
export interface OverviewJson {
  queues: QueueJson[];
  totals: StateCounts;
  /** The server's time, ISO 8601. */
  time: string;
  /** When the counts were taken, ISO 8601: earlier than `time` when served from the counts cache. */
  countedAt: string;
  /** Whether the server refuses every change (403): the dashboard hides its actions. */
  readOnly: boolean;
}

/** `GET /api/jobs`. */
export interface JobPageJson {
  jobs: JobJson[];
  nextCursor: string | null;
}

/** `POST /api/jobs` (201). */
export interface EnqueueResultJson {
  id: string;
  duplicate: boolean;
  state: JobState;
}

/** The body of every error response. */
export interface ErrorJson {
  error: { code: string; message: string };
}

/** Query of `GET /api/jobs`. */
export interface ListJobsQuery {
  queue?: string;
  state?: JobState;
  task?: string;
  cursor?: string;
  /** 1..200, default 50. */
  limit?: number;
  order?: 'asc' | 'desc';
}

/** Options of `POST /api/jobs`; times are ms or ISO 8601 strings. */
export interface EnqueueOptionsJson {
  delay?: number;
  runAt?: string | number;
  priority?: number;
  queue?: string;
  maxAttempts?: number;
  unique?: { key: string; period?: number };
  dependsOn?: string[];
  hold?: boolean;
  id?: string;
}

/** Body of `POST /api/jobs`. */
export interface EnqueueBody {
  task: string;
  payload?: unknown;
  options?: EnqueueOptionsJson;
}
