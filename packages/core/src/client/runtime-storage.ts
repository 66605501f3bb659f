import { DocketError, ErrorCode, NotSupportedError, StoreClosedError, StoreError } from '../errors.js';
import type { EnqueueOutcome, JobCount, JobPage, JobRecord, QueueInfo, ScheduleRecord } from '../job.js';
import type {
  AcknowledgeParams,
  ClaimParams,
  EnqueueParams,
  FireScheduleParams,
  HeartbeatParams,
  ListJobsParams,
  Storage,
  StorageCapabilities,
  Unsubscribe,
  UpsertScheduleInput,
  WakeListener,
} from '../storage.js';

const CODES = new Set<string>(Object.values(ErrorCode));

/**
 * A docket error, also when it comes from another copy of `@docket/core`
 * (a store bundled against the CJS build while the app loads the ESM one).
 */
function isDocketError(error: unknown): boolean {
  if (error instanceof DocketError) return true;
  return error instanceof Error && CODES.has((error as { code?: unknown }).code as string);
}

/** A `DocketError` as it is; anything else as a `StoreError` naming the operation. */
function toStoreError(operation: string, error: unknown): unknown {
  return isDocketError(error) ? error : new StoreError(operation, error);
}

/**
 * The one runtime decorator around every store (STYLE.md 4):
 * - `setup()` runs the store's setup once; concurrent callers share it, and a
 *   failed setup may be retried. Operations issued while it runs wait for it.
 *   Setup is never started implicitly: migrating is the caller's decision.
 * - After `close()`, every call rejects with `StoreClosedError`.
 * - A `DocketError` thrown by the store passes through unchanged; anything else
 *   becomes a `StoreError` naming the operation, with the original as `cause`.
 * - `enqueue` with `tx` on a store without `capabilities.transactions` throws
 *   `NotSupportedError` before reaching the store (`tx: null` counts as none).
 */
export class RuntimeStorage implements Storage {
  readonly capabilities: StorageCapabilities;
  #setup: Promise<void> | undefined;
  #setupDone = false;
  #close: Promise<void> | undefined;

  constructor(readonly inner: Storage) {
    this.capabilities = inner.capabilities;
  }

  /** `true` once `close()` was called. */
  get closed(): boolean {
    return this.#close !== undefined;
  }

  /**
   * Calls the store. Not an `async` function: on the common path (open, no
   * setup running) the store's own promise gets one rejection handler and
   * nothing else, since every job's enqueue, claim and ack passes here.
   */
  #run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (this.#close) return Promise.reject(new StoreClosedError(operation));
    if (this.#setup && !this.#setupDone) return this.#runAfterSetup(operation, call);
    let promise: Promise<T>;
    try {
      promise = Promise.resolve(call());
    } catch (error) {
      return Promise.reject(toStoreError(operation, error));
    }
    return promise.catch((error: unknown) => {
      throw toStoreError(operation, error);
    });
  }

  async #runAfterSetup<T>(operation: string, call: () => Promise<T>): Promise<T> {
    // A failed setup is reported to its own caller; the operation then meets the store as it is.
    await this.#setup?.catch(() => {});
    if (this.#close) throw new StoreClosedError(operation);
    try {
      return await call();
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }

  setup(): Promise<void> {
    if (this.#close) return Promise.reject(new StoreClosedError('setup'));
    if (!this.#setup) {
      const attempt = (async () => {
        try {
          await this.inner.setup();
          this.#setupDone = true;
        } catch (error) {
          this.#setup = undefined;
          throw isDocketError(error) ? error : new StoreError('setup', error);
        }
      })();
      this.#setup = attempt;
    }
    return this.#setup;
  }

  close(): Promise<void> {
    if (!this.#close) {
      this.#close = (async () => {
        // Let a running setup settle first, so the store is not closed under it.
        await this.#setup?.catch(() => {});
        try {
          await this.inner.close();
        } catch (error) {
          throw isDocketError(error) ? error : new StoreError('close', error);
        }
      })();
    }
    return this.#close;
  }

  serverTime(): Promise<number> {
    return this.#run('serverTime', () => this.inner.serverTime());
  }

  enqueue(params: EnqueueParams): Promise<EnqueueOutcome[]> {
    if (params.tx != null && !this.capabilities.transactions) {
      return Promise.reject(
        new NotSupportedError('This store does not support transactions: enqueue without `tx`.'),
      );
    }
    return this.#run('enqueue', () => this.inner.enqueue(params));
  }

  claim(params: ClaimParams): Promise<JobRecord[]> {
    return this.#run('claim', () => this.inner.claim(params));
  }

  heartbeat(params: HeartbeatParams): Promise<boolean[]> {
    return this.#run('heartbeat', () => this.inner.heartbeat(params));
  }

  acknowledge(params: AcknowledgeParams): Promise<boolean[]> {
    return this.#run('acknowledge', () => this.inner.acknowledge(params));
  }

  listExpiredLeases(params: { now: number; limit: number }): Promise<JobRecord[]> {
    return this.#run('listExpiredLeases', () => this.inner.listExpiredLeases(params));
  }

  nextRunAt(params: { queues: string[]; now: number }): Promise<number | null> {
    return this.#run('nextRunAt', () => this.inner.nextRunAt(params));
  }

  async subscribe(listener: WakeListener): Promise<Unsubscribe> {
    const unsubscribe = await this.#run('subscribe', () => this.inner.subscribe(listener));
    let done = false;
    return async () => {
      // After close the store dropped its listeners already; unsubscribing is then a no-op.
      if (done || this.#close) return;
      done = true;
      try {
        await unsubscribe();
      } catch (error) {
        throw isDocketError(error) ? error : new StoreError('unsubscribe', error);
      }
    };
  }

  cancelJob(params: { id: string; reason: string; now: number }): Promise<JobRecord | null> {
    return this.#run('cancelJob', () => this.inner.cancelJob(params));
  }

  retryJob(params: { id: string; now: number }): Promise<JobRecord | null> {
    return this.#run('retryJob', () => this.inner.retryJob(params));
  }

  releaseHold(params: { id: string; now: number }): Promise<JobRecord | null> {
    return this.#run('releaseHold', () => this.inner.releaseHold(params));
  }

  removeJob(params: { id: string; now: number }): Promise<boolean> {
    return this.#run('removeJob', () => this.inner.removeJob(params));
  }

  setQueuePaused(params: { queue: string; paused: boolean; now: number }): Promise<void> {
    return this.#run('setQueuePaused', () => this.inner.setQueuePaused(params));
  }

  getJob(params: { id: string; now: number }): Promise<JobRecord | null> {
    return this.#run('getJob', () => this.inner.getJob(params));
  }

  listJobs(params: ListJobsParams): Promise<JobPage> {
    return this.#run('listJobs', () => this.inner.listJobs(params));
  }

  countJobs(params: { now: number; queue?: string }): Promise<JobCount[]> {
    return this.#run('countJobs', () => this.inner.countJobs(params));
  }

  listQueues(): Promise<QueueInfo[]> {
    return this.#run('listQueues', () => this.inner.listQueues());
  }

  upsertSchedule(params: { schedule: UpsertScheduleInput; now: number }): Promise<ScheduleRecord> {
    return this.#run('upsertSchedule', () => this.inner.upsertSchedule(params));
  }

  getSchedule(params: { name: string }): Promise<ScheduleRecord | null> {
    return this.#run('getSchedule', () => this.inner.getSchedule(params));
  }

  listSchedules(): Promise<ScheduleRecord[]> {
    return this.#run('listSchedules', () => this.inner.listSchedules());
  }

  removeSchedule(params: { name: string }): Promise<boolean> {
    return this.#run('removeSchedule', () => this.inner.removeSchedule(params));
  }

  setSchedulePaused(params: { name: string; paused: boolean; now: number }): Promise<boolean> {
    return this.#run('setSchedulePaused', () => this.inner.setSchedulePaused(params));
  }

  dueSchedules(params: { now: number; limit: number }): Promise<ScheduleRecord[]> {
    return this.#run('dueSchedules', () => this.inner.dueSchedules(params));
  }

  fireSchedule(params: FireScheduleParams): Promise<EnqueueOutcome | null> {
    return this.#run('fireSchedule', () => this.inner.fireSchedule(params));
  }

  deleteExpired(params: { now: number; limit: number }): Promise<number> {
    return this.#run('deleteExpired', () => this.inner.deleteExpired(params));
  }
}
