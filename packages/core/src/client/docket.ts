import type { Clock } from '../clock.js';
import type { Engine } from '../engine.js';
import { InvalidOptionError, JobNotFoundError, ScheduleNotFoundError, StoreClosedError } from '../errors.js';
import type { DocketEventName, DocketListener } from '../events.js';
import type { EnqueueOutcome, JobCount, NewJob, QueueInfo } from '../job.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { EnqueueOptions, RetentionPolicy, TaskDefinition } from '../task.js';
import { assertJobId, assertName, DEFAULT_MAX_PAYLOAD_BYTES, storableText } from '../validate.js';
import type { ScheduleRuleInput } from '../worker/schedule-rule.js';
import { Worker, type WorkerOptions } from '../worker/worker.js';
import { type DocketOptions, validateDocketOptions } from './docket-options.js';
import { EventBus } from './event-bus.js';
import { createJobIdGenerator } from './job-id.js';
import { type Job, toJob } from './job-view.js';
import { type ListJobsOptions, listJobsParams } from './list-jobs-options.js';
import { type EnqueueManyItem, prepareBatch } from './prepare-batch.js';
import { type PrepareEnvironment, prepareJob, prepareJobNow } from './prepare-job.js';
import { prepareSchedule } from './prepare-schedule.js';
import { RuntimeStorage } from './runtime-storage.js';
import { type Schedule, type ScheduleJobOptions, toSchedule } from './schedule-view.js';
import { ServerClock } from './server-clock.js';

/**
 * The docket client: registers tasks, enqueues jobs, inspects and operates on
 * them, declares schedules, and starts workers. Every store call goes through
 * one runtime decorator (`setup` once, `StoreClosedError` after `close`,
 * backend failures as `StoreError`) and takes `now` from one clock.
 */
export class Docket {
  /** The store, wrapped by the runtime decorator. */
  readonly store: RuntimeStorage;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly #tasks: Map<string, TaskDefinition<any, any>>;
  readonly #serverClock: ServerClock | undefined;
  readonly #events: EventBus;
  readonly #prepare: PrepareEnvironment;
  readonly #engine: Engine;
  readonly #workers = new Set<Worker>();
  #clockReady: boolean;
  #closing: Promise<void> | undefined;

  /**
   * @throws InvalidOptionError for bad options or two tasks of the same name.
   * @throws InvalidNameError for a bad queue name in `queues`.
   */
  constructor(options: DocketOptions) {
    this.#tasks = validateDocketOptions(options);
    this.store = options.store instanceof RuntimeStorage ? options.store : new RuntimeStorage(options.store);
    this.logger = options.logger ?? consoleLogger;
    if (options.clock) {
      this.clock = options.clock;
    } else {
      this.#serverClock = new ServerClock(this.store, this.logger);
      this.clock = this.#serverClock;
    }
    this.#clockReady = this.#serverClock === undefined;
    this.#events = new EventBus(this.logger);
    const queues = options.queues ?? {};
    this.#prepare = {
      task: (name) => this.#tasks.get(name),
      queueRetention: (queue): RetentionPolicy | undefined =>
        Object.hasOwn(queues, queue) ? queues[queue]?.retention : undefined,
      retention: options.retention,
      maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      newId: createJobIdGenerator(() => this.clock.now()),
    };
    this.#engine = {
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      maxPayloadBytes: this.#prepare.maxPayloadBytes,
      queues: () => {
        const queues = [...new Set([...this.#tasks.values()].map((task) => task.queue ?? 'default'))];
        return queues.length > 0 ? queues : ['default'];
      },
      task: (name) => this.#tasks.get(name),
      prepareJob: (task, payload, opts) => this.#prepareOne(task, payload, opts),
      enqueue: (task, payload, opts) => this.enqueue(task, payload, opts),
      emit: (event, payload) => this.#events.emit(event, payload),
      listens: (event) => this.#events.count(event) > 0,
    };
  }

  /** @internal The engine shared with workers (and with tests that drive it, e.g. to emit events). */
  protected get engine(): Engine {
    return this.#engine;
  }

  /** The registered task of that name. */
  task(name: string): TaskDefinition<any, any> | undefined {
    return this.#tasks.get(name);
  }

  // ─── Lifecycle ───────────────────────────────────────────────────────────

  /**
   * Creates or migrates the store's schema (once per `Docket`; idempotent and
   * safe across processes) and measures the offset to the store's clock.
   */
  async setup(): Promise<void> {
    await this.store.setup();
    await this.#ready();
  }

  /**
   * Stops every worker this `Docket` started (each gets `timeout` ms, default
   * 10 000, to let running handlers finish; see `Worker.stop`), then closes
   * the store. Idempotent: later calls return the first call's promise.
   */
  close(options: { timeout?: number } = {}): Promise<void> {
    if (!this.#closing) {
      this.#closing = (async () => {
        const workers = [...this.#workers];
        this.#workers.clear();
        const stopped = await Promise.allSettled(workers.map((worker) => worker.stop(options)));
        for (const result of stopped) {
          if (result.status === 'rejected') this.#reportError(result.reason, 'worker stop');
        }
        this.#serverClock?.stop();
        await this.store.close();
      })();
    }
    return this.#closing;
  }

  /**
   * Measures the clock offset on first use (a no-op with an injected clock).
   * Not closed-checked here: while `close()` stops the workers, their handlers
   * may still enqueue follow-up jobs; the store decorator refuses calls once
   * the store itself is closed.
   */
  async #ready(): Promise<void> {
    if (this.#clockReady) return;
    await this.#serverClock?.start();
    this.#clockReady = true;
  }

  #reportError(error: unknown, context: string): void {
    this.logger.error({ err: error, context }, `docket error: ${context}`);
    this.#events.emit('error', { error, context });
  }

  // ─── Workers ─────────────────────────────────────────────────────────────

  /**
   * Creates and starts a worker on this `Docket`'s store, tasks, clock and
   * events. It starts at once when the clock is ready (after `setup()` or any
   * other call, or with an injected clock), else as soon as the offset to the
   * store clock is measured; a start failure is reported as an `error` event.
   * `close()` stops it; `worker.stop()` stops it earlier.
   *
   * @throws InvalidOptionError / InvalidNameError for bad worker options.
   * @throws StoreClosedError after `close()`.
   */
  work(options: WorkerOptions = {}): Worker {
    if (this.#closing) throw new StoreClosedError('work');
    const worker = new Worker(this.#engine, options);
    this.#workers.add(worker);
    const start = () => worker.start();
    // A worker stopped before its start runs stays stopped: `Worker.start` is a no-op after `stop`.
    const started = this.#clockReady ? start() : this.#ready().then(start);
    started.catch((error: unknown) => this.#reportError(error, 'worker start'));
    return worker;
  }

  async #now(): Promise<number> {
    await this.#ready();
    return this.clock.now();
  }

  // ─── Enqueue ─────────────────────────────────────────────────────────────

  async #prepareOne(
    task: TaskDefinition<any, any> | string,
    payload: unknown,
    options?: EnqueueOptions,
  ): Promise<NewJob> {
    return prepareJob(this.#prepare, await this.#now(), task, payload, options);
  }

  /**
   * Validates and enqueues one job. Returns its id and state, or the existing
   * job's with `duplicate: true` (same `id`, or same task and `unique.key`).
   *
   * @throws UnknownTaskError, InvalidNameError, InvalidOptionError, ValidationError,
   *   InvalidPayloadError, PayloadTooLargeError: nothing was written.
   * @throws JobNotFoundError when a `dependsOn` id does not exist (nothing written).
   * @throws NotSupportedError for `tx` on a store without transactions.
   */
  async enqueue<Payload>(
    task: TaskDefinition<Payload, any> | string,
    payload: Payload,
    options: EnqueueOptions = {},
  ): Promise<EnqueueOutcome> {
    // The hot path: no await before the store call once the clock is ready and the task has no schema.
    const now = this.#clockReady ? this.clock.now() : await this.#now();
    let job = prepareJobNow(this.#prepare, now, task, payload, options);
    if (job instanceof Promise) job = await job;
    const [outcome] = await this.store.enqueue({ jobs: [job], now, tx: options?.tx ?? undefined });
    return outcome!;
  }

  /**
   * Enqueues a batch in one store call, all or nothing (rule 6). A job may
   * depend on an earlier job of the batch (by its caller-supplied `id`), never
   * on a later one. Returns one outcome per item, in order.
   */
  async enqueueMany(
    items: ReadonlyArray<EnqueueManyItem<any>>,
    batchOptions: { tx?: unknown } = {},
  ): Promise<EnqueueOutcome[]> {
    for (const key of Object.keys(batchOptions ?? {})) {
      if (key !== 'tx') throw new InvalidOptionError(`Unknown enqueueMany option "${key}".`);
    }
    const now = this.#clockReady ? this.clock.now() : await this.#now();
    const jobs = await prepareBatch(this.#prepare, now, items);
    if (jobs.length === 0) return [];
    return this.store.enqueue({ jobs, now, tx: batchOptions?.tx ?? undefined });
  }

  // ─── Inspection ──────────────────────────────────────────────────────────

  /** The job, or `null` if it does not exist (or was deleted by retention). */
  async getJob<Payload = unknown, Result = unknown>(id: string): Promise<Job<Payload, Result> | null> {
    assertJobId(id);
    const record = await this.store.getJob({ id, now: await this.#now() });
    return record ? toJob<Payload, Result>(record) : null;
  }

  /** One page of jobs matching every filter, with a stable cursor for the next page. */
  async listJobs(options: ListJobsOptions = {}): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    const params = listJobsParams(options);
    const page = await this.store.listJobs({ ...params, now: await this.#now() });
    return { jobs: page.jobs.map((record) => toJob(record)), nextCursor: page.nextCursor };
  }

  /** Job counts per queue and state (non-zero only), optionally of one queue. */
  async countJobs(options: { queue?: string } = {}): Promise<JobCount[]> {
    if (typeof options !== 'object' || options === null)
      throw new InvalidOptionError('countJobs expects an object.');
    if (options.queue !== undefined) assertName('queue', options.queue);
    return this.store.countJobs({ now: await this.#now(), queue: options.queue });
  }

  /** Every queue that has jobs or is paused. */
  async listQueues(): Promise<QueueInfo[]> {
    await this.#ready();
    return this.store.listQueues();
  }

  // ─── Operator actions ────────────────────────────────────────────────────

  /** Stops workers from claiming jobs of `queue` (running jobs finish). Idempotent. */
  async pauseQueue(queue: string): Promise<void> {
    assertName('queue', queue);
    await this.store.setQueuePaused({ queue, paused: true, now: await this.#now() });
  }

  /** Lets workers claim from `queue` again. Idempotent. */
  async resumeQueue(queue: string): Promise<void> {
    assertName('queue', queue);
    await this.store.setQueuePaused({ queue, paused: false, now: await this.#now() });
  }

  /**
   * Cancels a job that has not finished, and its dependents.
   * @throws JobNotFoundError; InvalidStateError if it already finished.
   */
  async cancel(id: string, reason = 'cancelled by operator'): Promise<Job> {
    assertJobId(id);
    if (typeof reason !== 'string') throw new InvalidOptionError('The cancel reason must be a string.');
    const record = await this.store.cancelJob({ id, reason: storableText(reason), now: await this.#now() });
    if (!record) throw new JobNotFoundError(id);
    return toJob(record);
  }

  /**
   * Runs a failed or cancelled job again, granting at least one more attempt.
   * @throws JobNotFoundError; InvalidStateError for any other state.
   */
  async retry(id: string): Promise<Job> {
    assertJobId(id);
    const record = await this.store.retryJob({ id, now: await this.#now() });
    if (!record) throw new JobNotFoundError(id);
    return toJob(record);
  }

  /**
   * Deletes a job that is not running.
   * @throws JobNotFoundError; InvalidStateError for an active job (cancel it first).
   */
  async remove(id: string): Promise<void> {
    assertJobId(id);
    await this.#ready();
    if (!(await this.store.removeJob({ id, now: await this.#now() }))) throw new JobNotFoundError(id);
  }

  /**
   * Lifts `hold` from a job enqueued with it.
   * @throws JobNotFoundError; InvalidStateError if the job is not held.
   */
  async release(id: string): Promise<Job> {
    assertJobId(id);
    const record = await this.store.releaseHold({ id, now: await this.#now() });
    if (!record) throw new JobNotFoundError(id);
    return toJob(record);
  }

  // ─── Schedules ───────────────────────────────────────────────────────────

  /**
   * Declares (or updates) a periodic job: one job of `task` with `payload` per
   * tick of `rule`, fired by the workers' schedulers, exactly once per tick
   * across instances. Validates like `enqueue`. Re-declaring with the same rule
   * keeps the next tick and an operator's pause; a new rule starts from the
   * next tick of the new rule.
   *
   * @param rule `{ every: ms }` (≥ 1000 ms, ticks aligned to the epoch) or
   *   `{ cron, timezone? }` (default UTC).
   */
  async schedule<Payload>(
    name: string,
    rule: ScheduleRuleInput,
    task: TaskDefinition<Payload, any> | string,
    payload: Payload,
    options?: ScheduleJobOptions,
  ): Promise<Schedule<Payload>> {
    const now = await this.#now();
    const schedule = await prepareSchedule(this.#prepare, now, name, rule, task, payload, options);
    const record = await this.store.upsertSchedule({ schedule, now });
    return toSchedule<Payload>(record);
  }

  /** The schedule, or `null`. */
  async getSchedule(name: string): Promise<Schedule | null> {
    assertName('schedule', name);
    await this.#ready();
    const record = await this.store.getSchedule({ name });
    return record ? toSchedule(record) : null;
  }

  /** Removes a schedule; jobs it already enqueued stay. @throws ScheduleNotFoundError */
  async unschedule(name: string): Promise<void> {
    assertName('schedule', name);
    await this.#ready();
    if (!(await this.store.removeSchedule({ name }))) throw new ScheduleNotFoundError(name);
  }

  /** Every stored schedule. */
  async listSchedules(): Promise<Schedule[]> {
    await this.#ready();
    return (await this.store.listSchedules()).map((record) => toSchedule(record));
  }

  /** Stops a schedule from firing until resumed; survives re-declaration. @throws ScheduleNotFoundError */
  async pauseSchedule(name: string): Promise<void> {
    await this.#setSchedulePaused(name, true);
  }

  /** Lets a paused schedule fire again. @throws ScheduleNotFoundError */
  async resumeSchedule(name: string): Promise<void> {
    await this.#setSchedulePaused(name, false);
  }

  async #setSchedulePaused(name: string, paused: boolean): Promise<void> {
    assertName('schedule', name);
    const found = await this.store.setSchedulePaused({ name, paused, now: await this.#now() });
    if (!found) throw new ScheduleNotFoundError(name);
  }

  // ─── Events ──────────────────────────────────────────────────────────────

  /** Adds a listener. A listener that throws is logged and reported as an `error` event, never rethrown. */
  on<E extends DocketEventName>(event: E, listener: DocketListener<E>): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  off<E extends DocketEventName>(event: E, listener: DocketListener<E>): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Adds a listener called at most once. */
  once<E extends DocketEventName>(event: E, listener: DocketListener<E>): this {
    this.#events.once(event, listener);
    return this;
  }
}
