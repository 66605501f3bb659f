import {
  type AcknowledgeParams,
  assertNamespace,
  type ClaimParams,
  consoleLogger,
  type EnqueueOutcome,
  type EnqueueParams,
  type FireScheduleParams,
  type HeartbeatParams,
  InvalidOptionError,
  InvalidStateError,
  JOB_STATES,
  type JobCount,
  type JobPage,
  type JobRecord,
  type JobState,
  type ListJobsParams,
  type Logger,
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
import pg from 'pg';
import { ackRounds } from './ack-rounds.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { type Queryable, run, runOnce, transaction } from './db.js';
import { type DispatchSql, dispatchSql } from './dispatch-sql.js';
import { type EnqueueContext, enqueueInTransaction, enqueueSimple, isSimpleBatch } from './enqueue-plan.js';
import { enqueueSql } from './enqueue-sql.js';
import { type InspectSql, inspectSql, listJobsQuery } from './inspect-sql.js';
import {
  type ClaimedRow,
  type JobRow,
  type ScheduleRow,
  toClaimedRecord,
  toJobRecord,
  toScheduleRecord,
} from './job-row.js';
import { NotificationListener } from './listener.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';
import { type OperatorSql, operatorSql } from './operator-sql.js';
import type { PostgresConnection, PostgresStoreOptions } from './options.js';
import { type ScheduleSql, scheduleSql } from './schedule-sql.js';
import { statementFactory } from './statement.js';

/**
 * docket's `Storage` on PostgreSQL: claims with `FOR UPDATE SKIP LOCKED`,
 * batched fenced acknowledgements, LISTEN/NOTIFY wake-ups, transactional
 * enqueue on your own `pg` client, versioned migrations.
 *
 * This class is the facade of the `Storage` contract, one short method per
 * clause; the statements live in the *-sql.ts files and functions.ts, the
 * enqueue planning in enqueue-plan.ts, the LISTEN connection in listener.ts.
 */
export class PostgresStore implements Storage {
  readonly capabilities: StorageCapabilities = {
    transactions: true,
    pushNotifications: true,
    multiProcess: true,
    timePrecisionMs: 1,
  };
  /** The pool the store queries through (yours, or the one it created). */
  readonly pool: pg.Pool;
  /** The schema name, unquoted. */
  readonly schema: string;

  private readonly ownsPool: boolean;
  private readonly quoted: string;
  private readonly channel: string;
  private readonly logger: Logger;
  private readonly listenConnection: pg.ClientConfig;
  private readonly leaseCommit: 'on' | 'off';
  private readonly ackCommit: 'on' | 'off';
  private readonly enqueueCtx: EnqueueContext;
  /** As enqueueCtx, without the NOTIFY inside the statement: the store's own transactions wake after commit. */
  private readonly ownEnqueueCtx: EnqueueContext;
  /** The store's own transactions, NOTIFY inside the statement (an enqueue with no other in flight). */
  private readonly inlineEnqueueCtx: EnqueueContext;
  private enqueuesInFlight = 0;
  private readonly pendingWakes = new Set<string>();
  private wakeFlight: Promise<void> | null = null;
  private readonly dispatch: DispatchSql;
  private readonly operator: OperatorSql;
  private readonly inspect: InspectSql;
  private readonly schedules: ScheduleSql;
  private readonly listeners = new Set<WakeListener>();
  private listener: NotificationListener | undefined;
  private closed = false;

  constructor(connection: PostgresConnection, options: PostgresStoreOptions = {}) {
    const schema = options.schema ?? 'docket';
    assertNamespace('schema name', schema);
    this.schema = schema;
    this.quoted = pg.escapeIdentifier(schema);
    this.channel = `docket:${schema}`;
    this.logger = options.logger ?? consoleLogger;
    for (const flag of ['durableLeases', 'durableAcks'] as const) {
      const value = options[flag];
      if (value !== undefined && typeof value !== 'boolean') {
        throw new InvalidOptionError(`PostgresStore option ${flag} must be true or false.`);
      }
    }
    this.leaseCommit = options.durableLeases ? 'on' : 'off';
    this.ackCommit = options.durableAcks === false ? 'off' : 'on';
    if (connection?.pool !== undefined) {
      this.pool = connection.pool;
      this.ownsPool = false;
      this.listenConnection = options.listenConnection ?? (connection.pool as any).options ?? {};
    } else if (typeof connection?.connectionString === 'string') {
      this.pool = new pg.Pool({
        connectionString: connection.connectionString,
        max: options.poolSize ?? 10,
        connectionTimeoutMillis: 10_000,
        keepAlive: true,
      });
      this.ownsPool = true;
      this.listenConnection = options.listenConnection ?? {
        connectionString: connection.connectionString,
        connectionTimeoutMillis: 10_000,
      };
      // An idle client whose connection drops emits on the pool; unhandled, that would crash the process.
      this.pool.on('error', (error) =>
        this.logger.warn({ error: error.message }, 'docket postgres pool lost an idle connection'),
      );
    } else {
      throw new InvalidOptionError('PostgresStore needs { connectionString } or { pool }.');
    }
    const make = statementFactory(schema, options.preparedStatements ?? true);
    this.enqueueCtx = {
      sql: enqueueSql(this.quoted, make),
      schema,
      channel: this.channel,
      autocommit: false,
    };
    this.ownEnqueueCtx = { ...this.enqueueCtx, channel: null, autocommit: true };
    this.inlineEnqueueCtx = { ...this.enqueueCtx, autocommit: true };
    this.dispatch = dispatchSql(this.quoted, make);
    this.operator = operatorSql(this.quoted, make);
    this.inspect = inspectSql(this.quoted, make);
    this.schedules = scheduleSql(this.quoted, make);
  }

  // ─── Lifecycle ─────────────────────────────────────────────────────────────

  async setup(): Promise<void> {
    this.assertOpen('setup');
    const { applied, newerVersion } = await migrate(this.pool, this.schema, this.quoted);
    if (applied.length > 0)
      this.logger.info({ schema: this.schema, applied }, 'docket postgres schema migrated');
    if (newerVersion !== null) {
      this.logger.warn(
        { schema: this.schema, schemaVersion: newerVersion, packageVersion: SCHEMA_VERSION },
        'docket postgres schema was migrated by a newer @docket/store-postgres; upgrade this process',
      );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.wakeFlight;
    await this.listener?.stop();
    if (this.ownsPool) await this.pool.end();
  }

  async serverTime(): Promise<number> {
    this.assertOpen('serverTime');
    const rows = await runOnce<{ t: number }>(this.pool, SERVER_TIME_SQL);
    return rows[0]!.t;
  }

  // ─── Enqueue ───────────────────────────────────────────────────────────────

  async enqueue({ jobs, now, tx }: EnqueueParams): Promise<EnqueueOutcome[]> {
    this.assertOpen('enqueue');
    if (jobs.length === 0) return [];
    if (tx !== undefined && tx !== null) {
      if (typeof (tx as Queryable).query !== 'function') {
        throw new InvalidOptionError('tx must be a pg client (Client or PoolClient) inside BEGIN.');
      }
      // The caller's transaction: its COMMIT delivers the NOTIFY, its ROLLBACK drops everything.
      const db = tx as Queryable;
      const result = isSimpleBatch(jobs)
        ? await enqueueSimple(db, this.enqueueCtx, jobs, now)
        : await enqueueInTransaction(db, this.enqueueCtx, jobs, now);
      return result.outcomes;
    }
    // Alone, an enqueue NOTIFYs inside its own statement (one statement per enqueue); with other enqueues
    // of this instance in flight it leaves the wake-up to wakeAfterCommit, so concurrent enqueuers do not
    // serialise on the notify lock through each other's WAL flush.
    const inline = this.enqueuesInFlight === 0;
    const ctx = inline ? this.inlineEnqueueCtx : this.ownEnqueueCtx;
    this.enqueuesInFlight++;
    let result: Awaited<ReturnType<typeof enqueueSimple>>;
    try {
      result = isSimpleBatch(jobs)
        ? await enqueueSimple(this.pool, ctx, jobs, now)
        : await transaction(this.pool, (client) => enqueueInTransaction(client, ctx, jobs, now));
    } finally {
      this.enqueuesInFlight--;
    }
    if (!inline) this.wakeAfterCommit(result.woken);
    this.wakeLocally(result.woken);
    return result.outcomes;
  }

  // ─── Dispatch ──────────────────────────────────────────────────────────────

  async claim(params: ClaimParams): Promise<JobRecord[]> {
    this.assertOpen('claim');
    const queues = [...new Set(params.queues)];
    if (queues.length === 0 || params.limit <= 0) return [];
    const rows = await run<ClaimedRow>(this.pool, this.dispatch.claim, [
      queues,
      params.now,
      params.limit,
      params.token,
      params.leaseMs,
      params.workerId,
      this.leaseCommit,
    ]);
    rows.sort((a, b) => a.ord - b.ord || b.priority - a.priority || a.run_at - b.run_at || a.seq - b.seq);
    return rows.map((row) => toClaimedRecord(row, params.now, params.token, params.leaseMs, params.workerId));
  }

  async heartbeat({ leases, now, leaseMs }: HeartbeatParams): Promise<boolean[]> {
    this.assertOpen('heartbeat');
    if (leases.length === 0) return [];
    const rows = await run<{ id: string; token: string }>(this.pool, this.dispatch.heartbeat, [
      leases.map((l) => l.id),
      leases.map((l) => l.token),
      now,
      leaseMs,
      this.leaseCommit,
    ]);
    const renewed = new Set(rows.map((r) => `${r.id}\u0000${r.token}`));
    return leases.map((l) => renewed.has(`${l.id}\u0000${l.token}`));
  }

  async acknowledge({ acks, now }: AcknowledgeParams): Promise<boolean[]> {
    this.assertOpen('acknowledge');
    if (acks.length === 0) return [];
    const applied: boolean[] = acks.map(() => false);
    const woken = new Set<string>();
    for (const round of ackRounds(acks)) {
      // Each round is one autocommit statement: the acks, their cascades and NOTIFY commit together.
      if (round.completeOnly) {
        const [row] = await run<{ applied: number[]; woken: string[] }>(this.pool, this.dispatch.complete, [
          round.indexes.map((i) => acks[i]!.id),
          round.indexes.map((i) => acks[i]!.token),
          round.indexes.map((i) => (acks[i] as { result: string | null }).result),
          now,
          this.channel,
          this.ackCommit,
        ]);
        for (const k of row!.applied) applied[round.indexes[k]!] = true;
        for (const queue of row!.woken) woken.add(queue);
        continue;
      }
      const [row] = await run<{ r: { applied: number[]; woken: string[] } }>(
        this.pool,
        this.dispatch.acknowledge,
        [round.json(), now, this.channel, this.ackCommit],
      );
      for (const i of row!.r.applied) applied[i] = true;
      for (const queue of row!.r.woken) woken.add(queue);
    }
    this.wakeLocally([...woken]);
    return applied;
  }

  async listExpiredLeases({ now, limit }: { now: number; limit: number }): Promise<JobRecord[]> {
    this.assertOpen('listExpiredLeases');
    const rows = await run<JobRow>(this.pool, this.dispatch.expiredLeases, [now, limit]);
    return rows.map((row) => toJobRecord(row, now));
  }

  async nextRunAt({ queues, now }: { queues: string[]; now: number }): Promise<number | null> {
    this.assertOpen('nextRunAt');
    if (queues.length === 0) return null;
    const rows = await run<{ next: number | null }>(this.pool, this.dispatch.nextRunAt, [
      [...new Set(queues)],
      now,
    ]);
    return rows[0]?.next ?? null;
  }

  async subscribe(listener: WakeListener): Promise<Unsubscribe> {
    this.assertOpen('subscribe');
    // A wrapper, so the same function subscribed twice is two subscriptions.
    const entry: WakeListener = (queues) => listener(queues);
    this.listeners.add(entry);
    this.listener ??= new NotificationListener({
      connection: this.listenConnection,
      channel: this.channel,
      logger: this.logger,
      onWake: (queues) => this.deliver(queues),
      onReconnect: () => void this.wakeAllQueues(),
    });
    await this.listener.ready();
    return async () => {
      this.listeners.delete(entry);
    };
  }

  /** Whether the LISTEN connection is up (false before the first `subscribe`). */
  get listening(): boolean {
    return this.listener?.connected ?? false;
  }

  /** How many times the LISTEN connection was established; > 1 after reconnects. */
  get listenerConnects(): number {
    return this.listener?.connects ?? 0;
  }

  // ─── Operator transitions ──────────────────────────────────────────────────

  async cancelJob({
    id,
    reason,
    now,
  }: {
    id: string;
    reason: string;
    now: number;
  }): Promise<JobRecord | null> {
    this.assertOpen('cancelJob');
    const row = await transaction(this.pool, async (client) => {
      const [cancelled] = await run<JobRow & { has_dependents: boolean; cascade_cause: string | null }>(
        client,
        this.operator.cancel,
        [id, reason, now],
      );
      if (cancelled === undefined) return null;
      if (cancelled.has_dependents) {
        await run(client, this.dispatch.cascade, [
          [cancelled.id],
          [cancelled.state],
          [cancelled.cascade_cause],
          now,
        ]);
      }
      return cancelled;
    });
    if (row === null) return this.refuse(id, 'cancel', now);
    return toJobRecord(row, now);
  }

  async retryJob({ id, now }: { id: string; now: number }): Promise<JobRecord | null> {
    this.assertOpen('retryJob');
    const rows = await run<JobRow>(this.pool, this.operator.retry, [id, now, this.channel]);
    if (rows.length === 0) return this.refuse(id, 'retry', now);
    this.wakeLocally([rows[0]!.queue]);
    return toJobRecord(rows[0]!, now);
  }

  async releaseHold({ id, now }: { id: string; now: number }): Promise<JobRecord | null> {
    this.assertOpen('releaseHold');
    const rows = await run<JobRow>(this.pool, this.operator.releaseHold, [id, now, this.channel]);
    if (rows.length === 0) return this.refuse(id, 'release the hold of', now);
    if (rows[0]!.state === 'ready' || rows[0]!.state === 'scheduled') this.wakeLocally([rows[0]!.queue]);
    return toJobRecord(rows[0]!, now);
  }

  /**
   * A removed job that never completed can no longer satisfy its dependents:
   * they are cancelled, transitively, in the same transaction, stamped `now`.
   */
  async removeJob({ id, now }: { id: string; now: number }): Promise<boolean> {
    this.assertOpen('removeJob');
    const removed = await transaction(this.pool, async (client) => {
      const [row] = await run<{ id: string; state: JobState; has_dependents: boolean }>(
        client,
        this.operator.remove,
        [id],
      );
      if (row === undefined) return false;
      if (row.state !== 'completed' && row.has_dependents) {
        await run(client, this.dispatch.cascade, [[row.id], ['removed'], [null], now]);
      }
      return true;
    });
    if (removed) return true;
    return (await this.refuse(id, 'remove (cancel it first)', now)) !== null;
  }

  async setQueuePaused({
    queue,
    paused,
    now,
  }: {
    queue: string;
    paused: boolean;
    now: number;
  }): Promise<void> {
    this.assertOpen('setQueuePaused');
    if (paused) {
      await run(this.pool, this.operator.pause, [queue, now]);
      return;
    }
    const rows = await run(this.pool, this.operator.resume, [queue, this.channel]);
    if (rows.length > 0) this.wakeLocally([queue]);
  }

  // ─── Inspection ────────────────────────────────────────────────────────────

  async getJob({ id, now }: { id: string; now: number }): Promise<JobRecord | null> {
    this.assertOpen('getJob');
    const rows = await run<JobRow>(this.pool, this.inspect.getJob, [id]);
    return rows.length === 0 ? null : toJobRecord(rows[0]!, now);
  }

  async listJobs(params: ListJobsParams): Promise<JobPage> {
    this.assertOpen('listJobs');
    if (!Number.isSafeInteger(params.limit) || params.limit < 1) {
      throw new InvalidOptionError(`listJobs limit must be a positive integer, got ${String(params.limit)}.`);
    }
    const order = params.order ?? 'desc';
    const afterSeq = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
    const query = listJobsQuery(
      this.quoted,
      { queue: params.queue, state: params.state, task: params.task, afterSeq, order },
      params.now,
      params.limit,
    );
    const rows = await runOnce<JobRow>(this.pool, query.text, query.values);
    const more = rows.length > params.limit;
    const page = more ? rows.slice(0, params.limit) : rows;
    return {
      jobs: page.map((row) => toJobRecord(row, params.now)),
      nextCursor: more ? encodeCursor(page[page.length - 1]!.seq) : null,
    };
  }

  async countJobs({ now, queue }: { now: number; queue?: string }): Promise<JobCount[]> {
    this.assertOpen('countJobs');
    const rows = await run<JobCount>(this.pool, this.inspect.countJobs, [now, queue ?? null]);
    return rows.sort(
      (a, b) => compareStrings(a.queue, b.queue) || JOB_STATES.indexOf(a.state) - JOB_STATES.indexOf(b.state),
    );
  }

  async listQueues(): Promise<QueueInfo[]> {
    this.assertOpen('listQueues');
    return run<QueueInfo>(this.pool, this.inspect.listQueues, []);
  }

  // ─── Schedules ─────────────────────────────────────────────────────────────

  async upsertSchedule({
    schedule,
    now,
  }: {
    schedule: UpsertScheduleInput;
    now: number;
  }): Promise<ScheduleRecord> {
    this.assertOpen('upsertSchedule');
    const rows = await run<ScheduleRow>(this.pool, this.schedules.upsert, [
      schedule.name,
      schedule.rule,
      schedule.task,
      schedule.queue,
      schedule.payload,
      schedule.options,
      schedule.nextRunAt,
      now,
    ]);
    return toScheduleRecord(rows[0]!);
  }

  async getSchedule({ name }: { name: string }): Promise<ScheduleRecord | null> {
    this.assertOpen('getSchedule');
    const rows = await run<ScheduleRow>(this.pool, this.schedules.get, [name]);
    return rows.length === 0 ? null : toScheduleRecord(rows[0]!);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    this.assertOpen('listSchedules');
    return (await run<ScheduleRow>(this.pool, this.schedules.list, [])).map(toScheduleRecord);
  }

  async removeSchedule({ name }: { name: string }): Promise<boolean> {
    this.assertOpen('removeSchedule');
    return (await run(this.pool, this.schedules.remove, [name])).length > 0;
  }

  async setSchedulePaused({
    name,
    paused,
    now,
  }: {
    name: string;
    paused: boolean;
    now: number;
  }): Promise<boolean> {
    this.assertOpen('setSchedulePaused');
    return (await run(this.pool, this.schedules.setPaused, [name, paused, now])).length > 0;
  }

  async dueSchedules({ now, limit }: { now: number; limit: number }): Promise<ScheduleRecord[]> {
    this.assertOpen('dueSchedules');
    return (await run<ScheduleRow>(this.pool, this.schedules.due, [now, limit])).map(toScheduleRecord);
  }

  async fireSchedule(params: FireScheduleParams): Promise<EnqueueOutcome | null> {
    this.assertOpen('fireSchedule');
    const result = await transaction(this.pool, async (client) => {
      const fired = await run(client, this.schedules.fire, [
        params.name,
        params.expectedNextRunAt,
        params.nextRunAt,
        params.now,
      ]);
      if (fired.length === 0) return null;
      return enqueueInTransaction(client, this.enqueueCtx, [params.job], params.now);
    });
    if (result === null) return null;
    this.wakeLocally(result.woken);
    return result.outcomes[0]!;
  }

  // ─── Retention ─────────────────────────────────────────────────────────────

  async deleteExpired({ now, limit }: { now: number; limit: number }): Promise<number> {
    this.assertOpen('deleteExpired');
    if (limit <= 0) return 0;
    return (await run(this.pool, this.operator.deleteExpired, [now, limit])).length;
  }

  // ─── Internals ─────────────────────────────────────────────────────────────

  private assertOpen(operation: string): void {
    if (this.closed) throw new StoreClosedError(operation);
  }

  /**
   * Explains why a transition found no row: `null` for an unknown job, else
   * `InvalidStateError` naming the state the job is in.
   */
  private async refuse(id: string, action: string, now: number): Promise<null> {
    const rows = await run<{ state: JobState; run_at: number; held: boolean }>(
      this.pool,
      this.operator.jobState,
      [id],
    );
    const row = rows[0];
    if (row === undefined) return null;
    const state = reportedState(row.state, row.run_at, now);
    throw new InvalidStateError(
      id,
      action === 'release the hold of' && !row.held ? `${state} and not held` : state,
      action,
    );
  }

  /** After a reconnect, wakes subscribers for every unpaused queue: notifications sent meanwhile were lost. */
  private async wakeAllQueues(): Promise<void> {
    // Pooled connections cut by the same outage may still be failing: one retry, then the safety poll covers it.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (this.closed || this.listeners.size === 0) return;
      try {
        const queues = (await this.listQueues()).filter((q) => !q.paused).map((q) => q.name);
        if (queues.length > 0) this.deliver(queues);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /**
   * NOTIFYs the queues an enqueue of the store's own (committed) transaction
   * filled, in a separate asynchronously committed statement (see `notify` in
   * enqueue-sql.ts), without delaying the enqueue's result. One statement in
   * flight at a time: queues arriving meanwhile go out together in the next
   * one, which starts after their commits, so no wake-up is sent too early.
   */
  private wakeAfterCommit(queues: string[]): void {
    if (queues.length === 0) return;
    for (const queue of queues) this.pendingWakes.add(queue);
    this.wakeFlight ??= this.flushWakes();
  }

  private async flushWakes(): Promise<void> {
    try {
      while (this.pendingWakes.size > 0) {
        const queues = [...this.pendingWakes];
        this.pendingWakes.clear();
        try {
          await run(this.pool, this.enqueueCtx.sql.notify, [this.channel, queues]);
        } catch (error) {
          // Wake-ups are hints: listeners still poll. Report, and go on with the next ones.
          this.logger.warn(
            { error: (error as Error).message, queues },
            'docket postgres could not send a wake-up notification',
          );
        }
      }
    } finally {
      this.wakeFlight = null;
    }
  }

  /** Without a LISTEN connection, this instance's own writes still wake its own subscribers. */
  private wakeLocally(queues: string[]): void {
    if (queues.length === 0 || this.listeners.size === 0 || this.listener?.connected) return;
    queueMicrotask(() => this.deliver(queues));
  }

  private deliver(queues: string[]): void {
    for (const listener of [...this.listeners]) {
      try {
        const returned: unknown = listener([...queues]);
        if (returned instanceof Promise) returned.catch(() => {});
      } catch {
        // A wake-up hint's listener failing must not break the store.
      }
    }
  }
}

/** The server's clock in epoch ms, as `t`. */
const SERVER_TIME_SQL = 'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS t';

/** Code-unit order, like COLLATE "C" and the other stores. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
