import {
  type AcknowledgeParams,
  type ClaimParams,
  type EnqueueOutcome,
  type EnqueueParams,
  type FireScheduleParams,
  type HeartbeatParams,
  InvalidOptionError,
  InvalidStateError,
  isTerminal,
  JOB_STATES,
  type JobCount,
  type JobPage,
  type JobRecord,
  type JobState,
  type ListJobsParams,
  type QueueInfo,
  reportedState,
  type ScheduleRecord,
  type Storage,
  type StorageCapabilities,
  StoreClosedError,
  type Unsubscribe,
  type UpsertScheduleInput,
  type WakeListener,
} from '@docket/core';
import Database from 'better-sqlite3';
import { applyAcks } from './acknowledge.js';
import { waitForCallerTransaction } from './caller-transaction.js';
import { cancelDependents } from './dependencies.js';
import { insertBatch, insertPlainBatch, insertPlainJob, isPlain } from './enqueue-batch.js';
import { JobLister } from './list-jobs.js';
import { migrate } from './migrate.js';
import { claimedToJobRecord, claimOrder, type JobRow, toJobRecord, toScheduleRecord } from './rows.js';
import { prepareStatements, type Statements } from './statements.js';
import { type Tables, tablesFor } from './tables.js';
import { WakeHub } from './wake.js';

/** WAL pages between automatic checkpoints on a file the store opens (SQLite's default: 1000). */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** Where the store keeps its data. */
export type SqliteConnection =
  /** A database file (created if missing), or `:memory:`. The store opens and closes it. */
  | { path: string }
  /** An open better-sqlite3 handle, shared with the application; the store never closes it. */
  | { database: Database.Database };

export interface SqliteStoreOptions {
  /** Table prefix, the store's namespace. Default `docket_`. `[A-Za-z_][A-Za-z0-9_]*`, at most 48 chars. */
  prefix?: string;
  /** How often to look for other processes' writes while subscribed, in ms. Default 50. */
  pollIntervalMs?: number;
  /** How long to wait for a lock held by another connection, in ms (`{ path }` only). Default 5000. */
  busyTimeoutMs?: number;
  /** Errors of the background wake-up poll. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

type Row = JobRow;

/**
 * A docket `Storage` on SQLite (better-sqlite3): the embedded default. Several
 * processes may share one database file; every write is one IMMEDIATE
 * transaction, so claims never overlap.
 */
export class SqliteStore implements Storage {
  readonly capabilities: StorageCapabilities = {
    transactions: true,
    pushNotifications: true,
    multiProcess: true,
    timePrecisionMs: 1,
  };
  /** The connection the store uses; pass it as `tx` while inside a transaction on it. */
  readonly database: Database.Database;
  private readonly owned: boolean;
  private readonly tables: Tables;
  private readonly busyTimeoutMs: number;
  private readonly hub: WakeHub;
  private readonly transact: <T>(fn: () => T) => T;
  private statements: Statements | undefined;
  private lister: JobLister | undefined;
  private closed = false;

  constructor(connection: SqliteConnection, options: SqliteStoreOptions = {}) {
    this.tables = tablesFor(options.prefix);
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    const pollIntervalMs = options.pollIntervalMs ?? 50;
    if (!(pollIntervalMs > 0)) throw new InvalidOptionError('pollIntervalMs must be a positive number.');
    if (connection && 'database' in connection && connection.database) {
      if (typeof connection.database.prepare !== 'function') {
        throw new InvalidOptionError('`database` must be an open better-sqlite3 Database.');
      }
      this.database = connection.database;
      this.owned = false;
    } else if (connection && 'path' in connection && typeof connection.path === 'string' && connection.path) {
      this.database = new Database(connection.path, { timeout: this.busyTimeoutMs });
      this.owned = true;
      if (connection.path !== ':memory:') {
        // WAL: readers never block the writer, and commits are cheap with synchronous=NORMAL.
        this.database.pragma('journal_mode = WAL');
        this.database.pragma('synchronous = NORMAL');
        // Checkpoint every ~40 MB of WAL instead of ~4 MB: an automatic
        // checkpoint runs inside the committing write, so fewer of them
        // shorten enqueues and acks (the WAL still resets after each one).
        this.database.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      }
    } else {
      throw new InvalidOptionError(
        'SqliteStore needs { path } (a file or ":memory:") or { database } (an open better-sqlite3 Database).',
      );
    }
    const run = this.database.transaction((fn: () => unknown) => fn());
    this.transact = <T>(fn: () => T) => run.immediate(fn) as T;
    const onError =
      options.onError ?? ((error) => console.error('[docket/store-sqlite] wake-up poll:', error));
    this.hub = new WakeHub(this.database, () => this.st, pollIntervalMs, onError);
  }

  // ─── Lifecycle ─────────────────────────────────────────────────────────────

  async setup(): Promise<void> {
    this.assertOpen('setup');
    await waitForCallerTransaction(this.database, 'setup', this.busyTimeoutMs);
    migrate(this.database, this.tables);
    this.statements ??= prepareStatements(this.database, this.tables);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.close();
    if (this.owned) this.database.close();
  }

  async serverTime(): Promise<number> {
    this.assertOpen('serverTime');
    return Date.now();
  }

  // ─── Enqueue ───────────────────────────────────────────────────────────────

  enqueue({ jobs, now, tx }: EnqueueParams): Promise<EnqueueOutcome[]> {
    // New rows need no wake-up bump: other connections find them by seq (wake.ts).
    if (tx === undefined || tx === null) {
      const plain = jobs.every(isPlain);
      if (plain && jobs.length === 1 && !this.database.inTransaction) {
        // One statement is atomic by itself: autocommit, no BEGIN IMMEDIATE … COMMIT around it.
        try {
          this.assertOpen('enqueue');
          const wake = new Set<string>();
          const outcome = insertPlainJob(this.st, jobs[0]!, now, wake, []);
          this.hub.notify(this.unpaused(wake));
          return Promise.resolve([outcome]);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      const insert = plain ? insertPlainBatch : insertBatch;
      return this.write('enqueue', (wake) => insert(this.st, jobs, now, wake, []), false);
    }
    try {
      this.assertOpen('enqueue');
      if (tx !== this.database) {
        throw new InvalidOptionError(
          '`tx` must be the better-sqlite3 Database this SqliteStore uses (`store.database`), inside a transaction on it.',
        );
      }
      if (!this.database.inTransaction) {
        throw new InvalidOptionError(
          '`tx` was given but the database is not inside a transaction. Open one first (`db.exec("BEGIN")`, or call from within `db.transaction(...)`); see the @docket/store-sqlite README.',
        );
      }
      // Nested in the caller's transaction, better-sqlite3 uses a SAVEPOINT: a
      // failed batch is undone without touching the caller's other writes.
      const st = this.st;
      const wake = new Set<string>();
      const inserted: string[] = [];
      const insert = jobs.every(isPlain) ? insertPlainBatch : insertBatch;
      const outcomes = this.transact(() => insert(st, jobs, now, wake, inserted));
      if (inserted.length > 0) this.hub.afterCallerCommit(this.unpaused(wake), inserted[0]!);
      return Promise.resolve(outcomes);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // ─── Dispatch ──────────────────────────────────────────────────────────────

  claim({ queues, limit, now, leaseMs, token, workerId }: ClaimParams): Promise<JobRecord[]> {
    return this.write('claim', () => {
      const claimed: JobRecord[] = [];
      for (const queue of new Set(queues)) {
        const remaining = limit - claimed.length;
        if (remaining <= 0) break;
        if (this.st.queuePaused.get(queue)?.paused === 1) continue;
        const rows = this.st.claim.all({
          queue,
          now,
          limit: remaining,
          token,
          expires: now + leaseMs,
          worker: workerId,
        });
        rows.sort(claimOrder);
        for (const row of rows) claimed.push(claimedToJobRecord(row, now));
      }
      return claimed;
    });
  }

  heartbeat({ leases, now, leaseMs }: HeartbeatParams): Promise<boolean[]> {
    return this.write('heartbeat', () =>
      leases.map(
        (lease) =>
          this.st.heartbeat.run({ id: lease.id, token: lease.token, expires: now + leaseMs }).changes === 1,
      ),
    );
  }

  acknowledge({ acks, now }: AcknowledgeParams): Promise<boolean[]> {
    return this.write('acknowledge', (wake) => applyAcks(this.st, acks, now, wake));
  }

  listExpiredLeases({ now, limit }: { now: number; limit: number }): Promise<JobRecord[]> {
    return this.read('listExpiredLeases', () =>
      this.st.expiredLeases.all({ now, limit }).map((row) => toJobRecord(row, now)),
    );
  }

  nextRunAt({ queues, now }: { queues: string[]; now: number }): Promise<number | null> {
    return this.read('nextRunAt', () => {
      let earliest: number | null = null;
      for (const queue of new Set(queues)) {
        if (this.st.queuePaused.get(queue)?.paused === 1) continue;
        const at = this.st.nextRunAt.get({ queue, now })!.at;
        if (at !== null && (earliest === null || at < earliest)) earliest = at;
      }
      return earliest;
    });
  }

  async subscribe(listener: WakeListener): Promise<Unsubscribe> {
    this.assertOpen('subscribe');
    const unsubscribe = this.hub.subscribe(listener);
    return async () => unsubscribe();
  }

  // ─── Operator transitions ──────────────────────────────────────────────────

  cancelJob({ id, reason, now }: { id: string; reason: string; now: number }): Promise<JobRecord | null> {
    return this.write('cancelJob', () => {
      const job = this.st.jobById.get(id);
      if (!job) return null;
      if (isTerminal(job.state)) throw new InvalidStateError(id, job.state, 'cancel');
      const row = this.st.cancel.get({ id, reason, cause: null, now })!;
      cancelDependents(this.st, { id, state: 'cancelled', cascadeCause: null }, now);
      return toJobRecord(row, now);
    });
  }

  retryJob({ id, now }: { id: string; now: number }): Promise<JobRecord | null> {
    return this.write('retryJob', (wake) => {
      const job = this.st.jobById.get(id);
      if (!job) return null;
      if (job.state !== 'failed' && job.state !== 'cancelled') {
        throw new InvalidStateError(id, reported(job, now), 'retry');
      }
      const row = this.st.retry.get({ id, now })!;
      wake.add(row.queue);
      return toJobRecord(row, now);
    });
  }

  releaseHold({ id, now }: { id: string; now: number }): Promise<JobRecord | null> {
    return this.write('releaseHold', (wake) => {
      const job = this.st.jobById.get(id);
      if (!job) return null;
      if (job.state !== 'waiting' || job.held !== 1) {
        const state = reported(job, now);
        throw new InvalidStateError(
          id,
          job.held === 1 ? state : `${state} and not held`,
          'release the hold of',
        );
      }
      let row = this.st.clearHold.get(id)!;
      if (row.state === 'waiting' && this.st.unmetDeps.get({ deps: row.depends_on })!.n === 0) {
        row = this.st.unblock.get({ id, now })!;
        wake.add(row.queue);
      }
      return toJobRecord(row, now);
    });
  }

  removeJob({ id, now }: { id: string; now: number }): Promise<boolean> {
    return this.write('removeJob', () => {
      const job = this.st.jobById.get(id);
      if (!job) return false;
      if (job.state === 'active') throw new InvalidStateError(id, 'active', 'remove (cancel it first)');
      if (job.state !== 'completed') {
        // Its dependents would otherwise wait forever (or run without it once the edge is gone).
        cancelDependents(this.st, { id, state: 'removed', cascadeCause: null }, now);
      }
      this.st.deleteJob.run(id);
      this.st.deleteDependentEdges.run(id);
      return true;
    });
  }

  setQueuePaused({ queue, paused, now }: { queue: string; paused: boolean; now: number }): Promise<void> {
    return this.write('setQueuePaused', (wake) => {
      const wasPaused = this.st.queuePaused.get(queue)?.paused === 1;
      this.st.setQueuePaused.run({ name: queue, paused: paused ? 1 : 0, now });
      if (wasPaused && !paused) wake.add(queue);
    });
  }

  // ─── Inspection ────────────────────────────────────────────────────────────

  getJob({ id, now }: { id: string; now: number }): Promise<JobRecord | null> {
    return this.read('getJob', () => {
      const row = this.st.jobById.get(id);
      return row ? toJobRecord(row, now) : null;
    });
  }

  listJobs(params: ListJobsParams): Promise<JobPage> {
    return this.read('listJobs', () => {
      this.lister ??= new JobLister(this.database, this.tables);
      const { rows, nextCursor } = this.lister.list(params);
      return { jobs: rows.map((row) => toJobRecord(row, params.now)), nextCursor };
    });
  }

  countJobs({ now, queue }: { now: number; queue?: string }): Promise<JobCount[]> {
    return this.read('countJobs', () => {
      const rows =
        queue === undefined ? this.st.countAll.all({ now }) : this.st.countQueue.all({ now, queue });
      // Rows come by queue (BINARY order); within a queue, states in lifecycle order.
      const rank = (state: string) => JOB_STATES.indexOf(state as JobState);
      return rows
        .map((r) => ({ queue: r.queue, state: r.state as JobState, count: r.count }))
        .sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : rank(a.state) - rank(b.state)));
    });
  }

  listQueues(): Promise<QueueInfo[]> {
    return this.read('listQueues', () =>
      this.st.listQueues.all().map((r) => ({ name: r.name, paused: r.paused === 1 })),
    );
  }

  // ─── Schedules ─────────────────────────────────────────────────────────────

  upsertSchedule({ schedule, now }: { schedule: UpsertScheduleInput; now: number }): Promise<ScheduleRecord> {
    return this.write('upsertSchedule', () =>
      toScheduleRecord(
        this.st.upsertSchedule.get({
          name: schedule.name,
          rule: schedule.rule,
          task: schedule.task,
          queue: schedule.queue,
          payload: schedule.payload,
          options: schedule.options,
          nextRunAt: schedule.nextRunAt,
          now,
        })!,
      ),
    );
  }

  getSchedule({ name }: { name: string }): Promise<ScheduleRecord | null> {
    return this.read('getSchedule', () => {
      const row = this.st.scheduleByName.get(name);
      return row ? toScheduleRecord(row) : null;
    });
  }

  listSchedules(): Promise<ScheduleRecord[]> {
    return this.read('listSchedules', () => this.st.listSchedules.all().map(toScheduleRecord));
  }

  removeSchedule({ name }: { name: string }): Promise<boolean> {
    return this.write('removeSchedule', () => this.st.deleteSchedule.run(name).changes === 1);
  }

  setSchedulePaused({ name, paused, now }: { name: string; paused: boolean; now: number }): Promise<boolean> {
    return this.write(
      'setSchedulePaused',
      () => this.st.setSchedulePaused.run({ name, paused: paused ? 1 : 0, now }).changes === 1,
    );
  }

  dueSchedules({ now, limit }: { now: number; limit: number }): Promise<ScheduleRecord[]> {
    return this.read('dueSchedules', () => this.st.dueSchedules.all({ now, limit }).map(toScheduleRecord));
  }

  fireSchedule({
    name,
    expectedNextRunAt,
    nextRunAt,
    job,
    now,
  }: FireScheduleParams): Promise<EnqueueOutcome | null> {
    return this.write('fireSchedule', (wake) => {
      const schedule = this.st.scheduleByName.get(name);
      if (!schedule || schedule.paused === 1 || schedule.next_run_at !== expectedNextRunAt) return null;
      const [outcome] = insertBatch(this.st, [job], now, wake, []);
      this.st.scheduleFired.run({ name, nextRunAt, now });
      return outcome!;
    });
  }

  // ─── Retention ─────────────────────────────────────────────────────────────

  deleteExpired({ now, limit }: { now: number; limit: number }): Promise<number> {
    return this.write('deleteExpired', () => this.st.deleteExpired.run({ now, limit }).changes);
  }

  // ─── Internals ─────────────────────────────────────────────────────────────

  /** The prepared statements; the schema is migrated first if `setup()` was not called. */
  private get st(): Statements {
    if (!this.statements) {
      migrate(this.database, this.tables);
      this.statements = prepareStatements(this.database, this.tables);
    }
    return this.statements;
  }

  /** Wake-ups go only to queues that can be claimed from (other processes re-check on their own). */
  private unpaused(queues: Set<string>): string[] {
    if (queues.size === 0 || this.hub.size === 0) return [];
    return [...queues].filter((queue) => this.st.queuePaused.get(queue)?.paused !== 1);
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new StoreClosedError(operation);
  }

  /**
   * Runs `fn` as one IMMEDIATE transaction, then wakes this instance's
   * listeners with the queues `fn` added (and, with `bump`, bumps them for
   * other connections inside the transaction). Synchronous unless the
   * application holds the connection in a transaction (see caller-transaction.ts).
   */
  private write<T>(operation: string, fn: (wake: Set<string>) => T, bump = true): Promise<T> {
    const attempt = (): T => {
      this.assertOpen(operation);
      const st = this.st;
      const wake = new Set<string>();
      const result = this.transact(() => {
        const value = fn(wake);
        if (bump) for (const queue of wake) st.bumpWakeup.run(queue);
        return value;
      });
      this.hub.notify(this.unpaused(wake));
      return result;
    };
    try {
      if (!this.database.inTransaction) return Promise.resolve(attempt());
      return waitForCallerTransaction(this.database, operation, this.busyTimeoutMs).then(attempt);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Runs a read. Reads need no transaction of their own: one statement sees one snapshot. */
  private read<T>(operation: string, fn: () => T): Promise<T> {
    try {
      this.assertOpen(operation);
      void this.st;
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

function reported(row: Row, now: number): JobState {
  return reportedState(row.state, row.run_at, now);
}
