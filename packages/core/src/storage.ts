import type {
  AttemptError,
  EnqueueOutcome,
  JobCount,
  JobPage,
  JobRecord,
  JobState,
  Lease,
  NewJob,
  QueueInfo,
  ScheduleRecord,
} from './job.js';

/**
 * The seam between the core and a backend.
 *
 * Every method is one atomic job transition or one read: it runs in one
 * transaction, one Lua script or one synchronous block, and the core never
 * chains several writes to make one transition. Policy (whether to retry, when,
 * the next tick of a schedule, how long to keep a job) is decided by the core
 * and arrives as data; a store only applies it.
 *
 * Conventions:
 * - Every time is epoch milliseconds. Time-dependent methods take `now` from the
 *   core's clock; a store never reads its own clock except in `serverTime`.
 * - Lookups of a missing job or schedule return `null`/`false`. Broken
 *   preconditions throw the typed errors of `errors.ts` (`JobNotFoundError`
 *   for an unknown dependency, `InvalidStateError` for a forbidden transition).
 * - Names (queues, tasks, ids) are validated by the core before they arrive,
 *   but a store still passes them as parameters, never spliced into SQL or Lua.
 * - Fenced methods take a {@link Lease} (`id` + `token`): they apply only while
 *   the job is `active` under that very token, and report `false` otherwise.
 *
 * The conformance suite (`@docket/conformance`) checks every clause below.
 */
export interface Storage {
  /** What this store can do; read by the core and the conformance suite. */
  readonly capabilities: StorageCapabilities;

  // ─── Lifecycle ─────────────────────────────────────────────────────────────

  /**
   * Creates or migrates the store's schema. Idempotent, and safe when several
   * processes call it at once.
   */
  setup(): Promise<void>;

  /**
   * Releases what the store opened (connections, listeners, timers). Leaves
   * user-supplied clients and pools open. Idempotent.
   */
  close(): Promise<void>;

  /** The store server's current time, for the clock's offset (rule 5). */
  serverTime(): Promise<number>;

  // ─── Enqueue ───────────────────────────────────────────────────────────────

  /**
   * Inserts a batch of jobs, all or nothing (rule 6). Returns one outcome per
   * job, in order.
   *
   * Initial state, first match: `cancelled` (reason naming it) if a
   * dependency is already `failed` or `cancelled` (even with `hold`: it could
   * never run; `finishedAt = now` and `deleteAt` from its retention, like any
   * terminal transition); `waiting` if `hold` or a dependency is not yet
   * `completed`; `scheduled` if `runAt > now`; else `ready`.
   *
   * Duplicates (rule 7) are not errors: the outcome carries the existing job's
   * id and state with `duplicate: true`, and nothing is written for that job.
   * A job is a duplicate when a job with the same `id` exists, or when a job
   * of the same `task` with the same `unique.key` is not terminal, or reached
   * its terminal state less than `unique.period` ms before `now`. This holds
   * under concurrent enqueues from many clients. A later job of the same batch
   * that duplicates an earlier one gets the earlier one's id.
   *
   * Throws `JobNotFoundError` (and writes nothing) when a dependency names
   * neither a stored job nor an earlier job of the batch.
   *
   * With `tx` (only when `capabilities.transactions`), the insert runs inside
   * the caller's open transaction: a rollback leaves no job; a commit makes the
   * jobs visible and wakes subscribers with no further call.
   */
  enqueue(params: EnqueueParams): Promise<EnqueueOutcome[]>;

  // ─── Dispatch ──────────────────────────────────────────────────────────────

  /**
   * Atomically claims up to `limit` claimable jobs and returns them `active`
   * under `token` with `leaseExpiresAt = now + leaseMs`, `attempts + 1` and
   * `startedAt = now`.
   *
   * Claimable: state `ready`, `scheduled` or `retrying` with `runAt <= now`,
   * in one of `queues`, and the queue not paused. Queues are served in the
   * order given (all of the first queue's claimable jobs before the second's);
   * within a queue, rule 2: higher `priority`, then earlier `runAt`, then
   * enqueue order. Concurrent claimers get disjoint sets (rule 1).
   */
  claim(params: ClaimParams): Promise<JobRecord[]>;

  /**
   * Extends each lease to `now + leaseMs`. Fenced: returns, per lease in
   * order, `true` if renewed, `false` if the job is no longer active under
   * that token (cancelled, rescued, re-claimed), in which case the worker
   * must stop the handler.
   */
  heartbeat(params: HeartbeatParams): Promise<boolean[]>;

  /**
   * Applies a batch of fenced outcomes (rule 3), each atomically; one stale
   * acknowledgement does not fail the others. Returns, per ack in order,
   * `true` if applied and `false` if the job is no longer active under that
   * token (the stale ack is rejected and changes nothing).
   *
   * Reaching `completed` moves each `waiting` dependent whose dependencies are
   * now all completed (and which is not held) to `ready` or `scheduled`.
   * Reaching `failed` or `cancelled` cancels every dependent, transitively,
   * with a reason naming the job it waited for (which may in turn name the
   * failed root) (rule 8). Every terminal transition sets
   * `finishedAt = now` and `deleteAt` from the job's retention. A store may
   * instead delete, in the same transition, a job whose retention for its
   * new state is 0 and that holds no unique key (what `deleteExpired` would
   * do at once; `getJob` then returns `null`).
   */
  acknowledge(params: AcknowledgeParams): Promise<boolean[]>;

  /**
   * Active jobs whose lease expired at `now` (`leaseExpiresAt <= now`), oldest
   * expiry first, at most `limit`. A read: the core decides each job's fate
   * and applies it with a `fail` ack carrying `requireExpired`.
   */
  listExpiredLeases(params: { now: number; limit: number }): Promise<JobRecord[]>;

  /**
   * The earliest `runAt > now` among jobs in a claimable state (`ready`,
   * `scheduled`, `retrying`) of the given unpaused queues, or `null`: the
   * dispatcher sleeps until then. (`ready` counts: a job enqueued by a
   * process whose clock runs slightly ahead is not yet due on this one.)
   */
  nextRunAt(params: { queues: string[]; now: number }): Promise<number | null>;

  /**
   * Registers a wake-up listener, called with the queues that got claimable
   * work or an earlier `runAt`: on enqueue of ready or scheduled jobs, on a
   * dependency release, `retryJob`, `releaseHold` or a queue resume (a dispatcher
   * woken for a scheduled job re-reads `nextRunAt` and sleeps until then). With `capabilities.pushNotifications` it hears every
   * process sharing the store; otherwise at least this instance. Calls are
   * hints and may be coalesced; the dispatcher still polls, slowly.
   */
  subscribe(listener: WakeListener): Promise<Unsubscribe>;

  // ─── Operator transitions (not fenced) ─────────────────────────────────────

  /**
   * Cancels a non-terminal job (an `active` one loses its lease: its worker's
   * acks are rejected) and cascades to its dependents. Returns the job, or
   * `null` if unknown. Throws `InvalidStateError` if it is already terminal.
   */
  cancelJob(params: { id: string; reason: string; now: number }): Promise<JobRecord | null>;

  /**
   * Moves a `failed` or `cancelled` job back to `ready` (`runAt = now`,
   * `deleteAt`/`finishedAt` cleared, errors kept) and grants at least one more
   * attempt (`maxAttempts = max(maxAttempts, attempts + 1)`). Returns the job,
   * or `null`. Throws `InvalidStateError` for any other state.
   */
  retryJob(params: { id: string; now: number }): Promise<JobRecord | null>;

  /**
   * Lifts `hold` from a job: it becomes `ready`/`scheduled` unless it still has
   * dependencies to wait for. Returns the job, or `null`. Throws
   * `InvalidStateError` if the job is not held.
   */
  releaseHold(params: { id: string; now: number }): Promise<JobRecord | null>;

  /**
   * Deletes a job that is not `active`. A job that was not `completed`
   * can no longer satisfy its dependents: they are cancelled, transitively,
   * with a reason naming it, in the same transition. Returns `false` if
   * unknown. Throws `InvalidStateError` for an active job (cancel it first).
   */
  removeJob(params: { id: string; now: number }): Promise<boolean>;

  /** Pauses or resumes a queue; a paused queue is not claimed from. Idempotent. */
  setQueuePaused(params: { queue: string; paused: boolean; now: number }): Promise<void>;

  // ─── Inspection (rule 11) ──────────────────────────────────────────────────

  getJob(params: { id: string; now: number }): Promise<JobRecord | null>;

  /**
   * Jobs matching every given filter, in enqueue order (`order`, default
   * `desc`: newest first), `limit` per page. The cursor is opaque, produced by
   * the store, and stable: jobs enqueued or deleted between pages neither
   * repeat nor shift a page. Filters use reported states. A store that bounds
   * the work of one call may return fewer than `limit` jobs (even none) with a
   * cursor: only `nextCursor: null` marks the end.
   */
  listJobs(params: ListJobsParams): Promise<JobPage>;

  /** Counts per queue and reported state; only non-zero counts are listed. */
  countJobs(params: { now: number; queue?: string }): Promise<JobCount[]>;

  /** Every queue that has jobs or is paused, by name (a resumed queue without jobs is not listed). */
  listQueues(): Promise<QueueInfo[]>;

  // ─── Schedules (rule 9) ────────────────────────────────────────────────────

  /**
   * Inserts or updates the schedule named `schedule.name`. On update the
   * stored `paused` flag is kept (an operator's pause survives a redeploy),
   * and so is `nextRunAt` when the stored `rule` equals the new one; a
   * changed rule takes the given `nextRunAt`. `lastRunAt` and `createdAt` are
   * always kept. Returns the stored record.
   */
  upsertSchedule(params: { schedule: UpsertScheduleInput; now: number }): Promise<ScheduleRecord>;

  getSchedule(params: { name: string }): Promise<ScheduleRecord | null>;
  listSchedules(): Promise<ScheduleRecord[]>;
  /** Returns `false` if unknown. Jobs already enqueued by it are untouched. */
  removeSchedule(params: { name: string }): Promise<boolean>;
  /** Returns `false` if unknown. */
  setSchedulePaused(params: { name: string; paused: boolean; now: number }): Promise<boolean>;

  /** Unpaused schedules with `nextRunAt <= now`, earliest first, at most `limit`. */
  dueSchedules(params: { now: number; limit: number }): Promise<ScheduleRecord[]>;

  /**
   * Fires one tick, atomically: only if the schedule exists, is unpaused and
   * its `nextRunAt` still equals `expectedNextRunAt`, enqueues `job` (as
   * `enqueue` would), sets `lastRunAt = now` and `nextRunAt`. Otherwise
   * changes nothing and returns `null`: another instance fired that tick.
   */
  fireSchedule(params: FireScheduleParams): Promise<EnqueueOutcome | null>;

  // ─── Retention (rule 10) ───────────────────────────────────────────────────

  /**
   * Deletes at most `limit` terminal jobs with `deleteAt <= now` and returns
   * how many it deleted. Never touches a non-terminal job.
   */
  deleteExpired(params: { now: number; limit: number }): Promise<number>;
}

/** What a store can do, declared once. */
export interface StorageCapabilities {
  /** `enqueue` accepts the backend's transaction handle as `tx`. */
  readonly transactions: boolean;
  /** `subscribe` hears enqueues made by other processes/instances. */
  readonly pushNotifications: boolean;
  /** Several processes may share one store (SQL/Redis, not memory). */
  readonly multiProcess: boolean;
  /** The finest time unit the store keeps, in ms (1 for all built-in stores). */
  readonly timePrecisionMs: number;
}

export interface EnqueueParams {
  jobs: NewJob[];
  now: number;
  /** The backend's transaction handle; only with `capabilities.transactions`. */
  tx?: unknown;
}

export interface ClaimParams {
  /** Queues to serve, in order of preference. */
  queues: string[];
  limit: number;
  now: number;
  leaseMs: number;
  /** Fresh per claim call; fences every ack of the jobs it claims. */
  token: string;
  workerId: string;
}

export interface HeartbeatParams {
  leases: Lease[];
  now: number;
  leaseMs: number;
}

/** One fenced outcome of a claimed job. */
export type Ack =
  /** → `completed`; `result` is JSON text or `null`. Drops the payload if retention says so. */
  | { type: 'complete'; id: string; token: string; result: string | null }
  /**
   * Records `error` on the job, then → `retrying` at `retryAt`, or → `failed`
   * when `retryAt` is `null`. With `requireExpired`, applies only if the lease
   * has expired at `now` (the rescuer's ack: a renewed lease wins).
   */
  | {
      type: 'fail';
      id: string;
      token: string;
      error: AttemptError;
      retryAt: number | null;
      requireExpired?: boolean;
    }
  /** → `scheduled` at `runAt`, giving the attempt back. */
  | { type: 'snooze'; id: string; token: string; runAt: number }
  /** → `cancelled` with `reason`, by the handler. */
  | { type: 'cancel'; id: string; token: string; reason: string }
  /** → `ready` (runAt unchanged), giving the attempt back: shutdown. */
  | { type: 'release'; id: string; token: string };

export interface AcknowledgeParams {
  acks: Ack[];
  now: number;
}

export interface ListJobsParams {
  now: number;
  queue?: string;
  state?: JobState;
  task?: string;
  cursor?: string;
  limit: number;
  order?: 'asc' | 'desc';
}

export type UpsertScheduleInput = Omit<ScheduleRecord, 'lastRunAt' | 'paused' | 'createdAt' | 'updatedAt'>;

export interface FireScheduleParams {
  name: string;
  expectedNextRunAt: number;
  nextRunAt: number;
  job: NewJob;
  now: number;
}

/** Called with the queues that got claimable work. */
export type WakeListener = (queues: string[]) => void;
export type Unsubscribe = () => Promise<void>;
