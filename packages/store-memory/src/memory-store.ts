import {
  type Ack,
  type AcknowledgeParams,
  type ClaimParams,
  type Clock,
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
  type NewJob,
  NotSupportedError,
  type QueueInfo,
  reportedState,
  type ScheduleRecord,
  type Storage,
  type StorageCapabilities,
  systemClock,
  type Unsubscribe,
  type UpsertScheduleInput,
  type WakeListener,
} from '@docket/core';
import { decodeCursor, encodeCursor } from './job-cursor.js';
import { JobLifecycle } from './job-lifecycle.js';
import { compareStrings, ScheduleTable } from './schedules.js';
import { type StoredJob, toRecord } from './stored-job.js';
import { WakeNotifier } from './wake-notifier.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The clock `serverTime()` reads: the "server" of a memory store is the
   * process itself. Default: the system clock. Pass the same `ManualClock` as
   * the `Docket` in tests so the clock offset stays zero.
   */
  clock?: Clock;
}

/**
 * The reference `Storage`: every job, queue and schedule lives in this
 * process's memory. For tests and single-process use; nothing survives the
 * process. Each method runs synchronously to completion, so every transition
 * is atomic and concurrent callers in the process get disjoint claims.
 *
 * @example
 * ```ts
 * const docket = new Docket({ store: new MemoryStore(), tasks: [sendEmail] });
 * ```
 */
export class MemoryStore implements Storage {
  readonly capabilities: StorageCapabilities = Object.freeze({
    transactions: false,
    // One instance is the whole world: its in-process notifications reach every listener.
    pushNotifications: true,
    multiProcess: false,
    timePrecisionMs: 1,
  });

  private readonly clock: Clock;
  private readonly notifier = new WakeNotifier();
  private readonly jobs = new JobLifecycle(this.notifier);
  private readonly schedules = new ScheduleTable();
  private closed = false;

  /** @throws InvalidOptionError for an unknown option or a `clock` without `now()`. */
  constructor(options: MemoryStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError('new MemoryStore() expects an options object { clock? } or nothing.');
    }
    for (const key of Object.keys(options)) {
      if (key !== 'clock') throw new InvalidOptionError(`Unknown MemoryStore option "${key}".`);
    }
    if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
      throw new InvalidOptionError('MemoryStore option `clock` must have a now() method.');
    }
    this.clock = options.clock ?? systemClock;
  }

  // ─── Lifecycle ─────────────────────────────────────────────────────────────

  async setup(): Promise<void> {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notifier.clear();
  }

  async serverTime(): Promise<number> {
    return this.clock.now();
  }

  // ─── Enqueue ───────────────────────────────────────────────────────────────

  async enqueue(params: EnqueueParams): Promise<EnqueueOutcome[]> {
    if (params.tx !== undefined) {
      throw new NotSupportedError('The memory store has no transactions: enqueue without `tx`.');
    }
    return this.insertBatch(params.jobs, params.now);
  }

  // ─── Dispatch ──────────────────────────────────────────────────────────────

  async claim(params: ClaimParams): Promise<JobRecord[]> {
    const claimed = this.jobs.claim(params);
    const records = new Array<JobRecord>(claimed.length);
    for (let i = 0; i < claimed.length; i++) records[i] = toRecord(claimed[i]!, params.now);
    return records;
  }

  async heartbeat(params: HeartbeatParams): Promise<boolean[]> {
    return params.leases.map(({ id, token }) => {
      const job = this.jobs.leased(id, token);
      if (job === undefined) return false;
      job.leaseExpiresAt = params.now + params.leaseMs;
      return true;
    });
  }

  async acknowledge(params: AcknowledgeParams): Promise<boolean[]> {
    const { acks, now } = params;
    const applied = new Array<boolean>(acks.length);
    for (let i = 0; i < acks.length; i++) applied[i] = this.applyAck(acks[i]!, now);
    return applied;
  }

  async listExpiredLeases(params: { now: number; limit: number }): Promise<JobRecord[]> {
    const expired: StoredJob[] = [];
    for (const job of this.jobs.active.values()) if (job.leaseExpiresAt! <= params.now) expired.push(job);
    return expired
      .sort((a, b) => a.leaseExpiresAt! - b.leaseExpiresAt! || a.seq - b.seq)
      .slice(0, params.limit)
      .map((job) => toRecord(job, params.now));
  }

  async nextRunAt(params: { queues: string[]; now: number }): Promise<number | null> {
    let earliest: number | null = null;
    for (const name of params.queues) {
      const queue = this.jobs.queues.get(name);
      if (queue === undefined || queue.paused) continue;
      const next = queue.nextRunAt(params.now);
      if (next !== null && (earliest === null || next < earliest)) earliest = next;
    }
    return earliest;
  }

  async subscribe(listener: WakeListener): Promise<Unsubscribe> {
    return this.notifier.subscribe(listener);
  }

  // ─── Operator transitions ──────────────────────────────────────────────────

  async cancelJob(params: { id: string; reason: string; now: number }): Promise<JobRecord | null> {
    const job = this.jobs.jobs.get(params.id);
    if (job === undefined) return null;
    if (isTerminal(job.state)) throw new InvalidStateError(job.id, job.state, 'cancel');
    this.jobs.cancel(job, params.reason, params.now);
    return toRecord(job, params.now);
  }

  async retryJob(params: { id: string; now: number }): Promise<JobRecord | null> {
    const job = this.jobs.jobs.get(params.id);
    if (job === undefined) return null;
    if (job.state !== 'failed' && job.state !== 'cancelled') {
      throw new InvalidStateError(job.id, reportedState(job.state, job.runAt, params.now), 'retry');
    }
    this.jobs.retry(job, params.now);
    return toRecord(job, params.now);
  }

  async releaseHold(params: { id: string; now: number }): Promise<JobRecord | null> {
    const job = this.jobs.jobs.get(params.id);
    if (job === undefined) return null;
    if (job.state !== 'waiting' || !job.held) {
      const state = reportedState(job.state, job.runAt, params.now);
      throw new InvalidStateError(job.id, job.held ? state : `${state} and not held`, 'release the hold of');
    }
    job.held = false;
    if (job.pendingDependencies === 0) this.jobs.makeRunnable(job, params.now);
    return toRecord(job, params.now);
  }

  async removeJob(params: { id: string; now: number }): Promise<boolean> {
    const job = this.jobs.jobs.get(params.id);
    if (job === undefined) return false;
    if (job.state === 'active') throw new InvalidStateError(job.id, 'active', 'remove (cancel it first)');
    this.jobs.remove(job, params.now);
    return true;
  }

  async setQueuePaused(params: { queue: string; paused: boolean; now: number }): Promise<void> {
    this.jobs.setPaused(params.queue, params.paused, params.now);
  }

  // ─── Inspection ────────────────────────────────────────────────────────────

  async getJob(params: { id: string; now: number }): Promise<JobRecord | null> {
    const job = this.jobs.jobs.get(params.id);
    return job === undefined ? null : toRecord(job, params.now);
  }

  async listJobs(params: ListJobsParams): Promise<JobPage> {
    const { now, queue, state, task, limit } = params;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidOptionError(`listJobs limit must be a positive integer, got ${String(limit)}.`);
    }
    const after = params.cursor === undefined ? null : decodeCursor(params.cursor);
    const page: StoredJob[] = [];
    let hasMore = false;
    for (const job of this.jobs.jobs.inOrder(params.order ?? 'desc', after)) {
      if (queue !== undefined && job.queue !== queue) continue;
      if (task !== undefined && job.task !== task) continue;
      if (state !== undefined && reportedState(job.state, job.runAt, now) !== state) continue;
      if (page.length === limit) {
        hasMore = true;
        break;
      }
      page.push(job);
    }
    return {
      jobs: page.map((job) => toRecord(job, now)),
      nextCursor: hasMore ? encodeCursor(page[page.length - 1]!.seq) : null,
    };
  }

  async countJobs(params: { now: number; queue?: string }): Promise<JobCount[]> {
    const counts = new Map<string, Map<JobState, number>>();
    for (const job of this.jobs.jobs.values()) {
      if (params.queue !== undefined && job.queue !== params.queue) continue;
      let perState = counts.get(job.queue);
      if (perState === undefined) {
        perState = new Map();
        counts.set(job.queue, perState);
      }
      const state = reportedState(job.state, job.runAt, params.now);
      perState.set(state, (perState.get(state) ?? 0) + 1);
    }
    const result: JobCount[] = [];
    for (const queue of [...counts.keys()].sort(compareStrings)) {
      const perState = counts.get(queue)!;
      for (const state of JOB_STATES) {
        const count = perState.get(state);
        if (count !== undefined) result.push({ queue, state, count });
      }
    }
    return result;
  }

  async listQueues(): Promise<QueueInfo[]> {
    const queues: QueueInfo[] = [];
    for (const queue of this.jobs.queues.values()) {
      if (queue.jobCount > 0 || queue.paused) queues.push({ name: queue.name, paused: queue.paused });
    }
    return queues.sort((a, b) => compareStrings(a.name, b.name));
  }

  // ─── Schedules ─────────────────────────────────────────────────────────────

  async upsertSchedule(params: { schedule: UpsertScheduleInput; now: number }): Promise<ScheduleRecord> {
    return this.schedules.upsert(params.schedule, params.now);
  }

  async getSchedule(params: { name: string }): Promise<ScheduleRecord | null> {
    return this.schedules.get(params.name);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return this.schedules.list();
  }

  async removeSchedule(params: { name: string }): Promise<boolean> {
    return this.schedules.remove(params.name);
  }

  async setSchedulePaused(params: { name: string; paused: boolean; now: number }): Promise<boolean> {
    return this.schedules.setPaused(params.name, params.paused, params.now);
  }

  async dueSchedules(params: { now: number; limit: number }): Promise<ScheduleRecord[]> {
    return this.schedules.due(params.now, params.limit);
  }

  async fireSchedule(params: FireScheduleParams): Promise<EnqueueOutcome | null> {
    if (!this.schedules.canFire(params.name, params.expectedNextRunAt)) return null;
    // Enqueue first: if it throws, the tick stays unfired.
    const [outcome] = this.insertBatch([params.job], params.now);
    this.schedules.markFired(params.name, params.nextRunAt, params.now);
    return outcome!;
  }

  // ─── Retention ─────────────────────────────────────────────────────────────

  async deleteExpired(params: { now: number; limit: number }): Promise<number> {
    return this.jobs.deleteExpired(params.now, params.limit);
  }

  // ─── Internals ─────────────────────────────────────────────────────────────

  /** All or nothing: dependencies are checked for the whole batch before the first write. */
  private insertBatch(batch: readonly NewJob[], now: number): EnqueueOutcome[] {
    this.jobs.assertDependenciesExist(batch);
    const aliases = new Map<string, string>();
    return batch.map((job) => this.jobs.insert(job, now, aliases));
  }

  private applyAck(ack: Ack, now: number): boolean {
    const job = this.jobs.leased(ack.id, ack.token);
    if (job === undefined) return false;
    switch (ack.type) {
      case 'complete':
        job.result = ack.result;
        if (job.retention.dropPayload) job.payload = null;
        this.jobs.finish(job, 'completed', now);
        return true;
      case 'fail':
        if (ack.requireExpired && job.leaseExpiresAt! > now) return false;
        job.errors.push({ ...ack.error });
        if (ack.retryAt === null) {
          this.jobs.finish(job, 'failed', now);
        } else {
          this.jobs.endLease(job);
          job.state = 'retrying';
          job.runAt = ack.retryAt;
          this.jobs.enqueueRunnable(job, now);
        }
        return true;
      case 'snooze':
        this.jobs.endLease(job);
        job.attempts = Math.max(0, job.attempts - 1);
        job.runAt = ack.runAt;
        job.state = 'scheduled';
        this.jobs.enqueueRunnable(job, now);
        return true;
      case 'cancel':
        this.jobs.cancel(job, ack.reason, now);
        return true;
      case 'release':
        this.jobs.endLease(job);
        job.attempts = Math.max(0, job.attempts - 1);
        job.state = 'ready';
        this.jobs.enqueueRunnable(job, now);
        return true;
      default:
        return false;
    }
  }
}
