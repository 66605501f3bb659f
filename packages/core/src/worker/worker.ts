import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Engine } from '../engine.js';
import type { Unsubscribe } from '../storage.js';
import { AckBatcher } from './ack-batcher.js';
import type { Random } from './backoff.js';
import { Cleaner } from './cleaner.js';
import { Dispatcher } from './dispatcher.js';
import type { RunnerParts } from './job-runner.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { QueuesOption } from './queue-selection.js';
import { Rescuer } from './rescuer.js';
import { logsDebug, safeLogger } from './safe-logger.js';
import { Scheduler } from './scheduler.js';
import { resolveWorkerOptions } from './worker-options.js';

/** Options of `docket.work()`. Every duration is in ms. */
export interface WorkerOptions {
  /**
   * Queues to serve: an array is strict priority (the first is drained before
   * the second is served); an object is weights (`{ critical: 6, default: 3,
   * low: 1 }`), drawn at random in proportion at each claim. Default `['default']`.
   */
  queues?: QueuesOption;
  /** With weights: serve by weight, highest first, instead of at random. Default `false`. */
  strict?: boolean;
  /** Handlers running at once. Default 10. */
  concurrency?: number;
  /** How long a claimed job belongs to this worker without a heartbeat. Default 30 000. */
  leaseMs?: number;
  /** How often leases are renewed. Default `leaseMs / 3`. */
  heartbeatMs?: number;
  /** Longest sleep when no notification arrives (safety poll). Default 1 000. */
  pollIntervalMs?: number;
  /** Most jobs per claim, acknowledgement and heartbeat call. Default 100. */
  batchSize?: number;
  /**
   * Most jobs claimed ahead of the free handler slots. When the queue is deep
   * the worker claims up to `concurrency + prefetch` jobs, starts them as slots
   * free up (in claim order, rule 2 kept) and refills the buffer once it is
   * half empty: one claim per batch instead of one per freed slot. The buffer
   * holds only what the handlers are expected to start within ~100 ms (from
   * their measured durations; nothing before the first handler finished), so
   * slow handlers do not hoard jobs another worker could run. Buffered jobs
   * are leased and heartbeated like running ones, and `stop()` returns them to
   * `ready` without spending an attempt. `0` claims only for free slots.
   * Default `batchSize`.
   */
  prefetch?: number;
  /** Recorded on claimed jobs. Default `<hostname>:<pid>:<random>`. */
  workerId?: string;
  /** Fire due schedules. Default `true` (safe on every instance). */
  scheduler?: boolean | { intervalMs?: number; batchSize?: number };
  /** Delete finished jobs past their retention. Default `true`, every 60 s, 1 000 per batch. */
  cleaner?: boolean | { intervalMs?: number; batchSize?: number };
  /** Recover jobs whose lease expired. Default `true`, every `leaseMs / 2` (1 s to 60 s). */
  rescuer?: boolean | { intervalMs?: number; batchSize?: number };
  /** Source of randomness for weighted queues and jitter; for tests. Default `Math.random`. */
  random?: Random;
}

/** A background loop of a worker, driven by hand in tests. */
export interface MaintenanceLoop {
  /** Runs one pass now (after the one in progress, if any); store errors are thrown. */
  runOnce(): Promise<number>;
}

/** Default `stop()` timeout: how long running handlers get to finish. */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/**
 * A process-local worker: claims jobs of its queues and runs their handlers,
 * keeps their leases, retries per policy, and runs the rescuer, scheduler and
 * cleaner. Created by `docket.work()`.
 *
 * Test signals, for driving a worker with a `ManualClock` instead of sleeping:
 * `drain()`, `heartbeat()`, and `runOnce()` of `rescuer`, `scheduler` and
 * `cleaner` (usable whether or not their loops are enabled).
 */
export class Worker {
  /** The id recorded on the jobs this worker claims. */
  readonly id: string;
  /** Recovers expired leases; `runOnce()` returns how many jobs it rescued. */
  readonly rescuer: MaintenanceLoop;
  /** Fires due schedules; `runOnce()` returns how many ticks this worker fired. */
  readonly scheduler: MaintenanceLoop;
  /** Deletes expired finished jobs; `runOnce()` returns how many it deleted. */
  readonly cleaner: MaintenanceLoop;

  private readonly options: ReturnType<typeof resolveWorkerOptions>;
  private readonly acks: AckBatcher;
  private readonly leases: LeaseKeeper;
  private readonly dispatcher: Dispatcher;
  private readonly loops: { rescuer: Rescuer; scheduler: Scheduler; cleaner: Cleaner };
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private unsubscribe: Unsubscribe | null = null;

  private readonly engine: Engine;

  /** Validates the options (throwing `InvalidOptionError`/`InvalidNameError`); does no I/O. */
  constructor(engine: Engine, options: WorkerOptions = {}) {
    const o = resolveWorkerOptions({ ...options, queues: options.queues ?? engine.queues() });
    this.engine = engine = withSafeLogger(engine);
    this.options = o;
    this.id = o.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const report = (error: unknown, context: string) => this.report(error, context);
    const { selection } = o;

    this.acks = new AckBatcher(engine.store, engine.clock, {
      maxBatch: o.batchSize,
      retryBaseMs: o.pollIntervalMs,
      report: (error) => report(error, 'acknowledge'),
    });
    this.leases = new LeaseKeeper(engine.store, engine.clock, {
      leaseMs: o.leaseMs,
      heartbeatMs: o.heartbeatMs,
      maxBatch: o.batchSize,
      onLost: (lease) =>
        engine.logger.warn({ jobId: lease.id, workerId: this.id }, 'lease lost; the handler was aborted'),
      report: (error) => report(error, 'heartbeat'),
    });
    const parts: RunnerParts = {
      engine,
      acks: this.acks,
      leases: this.leases,
      random: o.random,
      logsDebug: logsDebug(engine.logger),
      leaseMs: o.leaseMs,
      report,
    };
    this.dispatcher = new Dispatcher(engine, parts, {
      selection,
      concurrency: o.concurrency,
      batchSize: o.batchSize,
      prefetch: o.prefetch,
      leaseMs: o.leaseMs,
      pollIntervalMs: o.pollIntervalMs,
      workerId: this.id,
    });
    this.loops = {
      rescuer: new Rescuer(engine, { ...o.rescuer, random: o.random, report }),
      scheduler: new Scheduler(engine, { ...o.scheduler, report }),
      cleaner: new Cleaner(engine, { ...o.cleaner, report }),
    };
    this.rescuer = this.loops.rescuer;
    this.scheduler = this.loops.scheduler;
    this.cleaner = this.loops.cleaner;
  }

  /** Subscribes to wake-ups and starts the loops. Idempotent; a no-op after `stop()`. */
  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  /**
   * Stops claiming, releases jobs claimed but not started, fires the signal
   * of every running handler and waits up to `timeout` ms (default 10 000)
   * for them; handlers still running then are released back to `ready`
   * without spending their attempt. Flushes acknowledgements and
   * unsubscribes. Idempotent: later calls return the first call's promise.
   */
  stop(opts: { timeout?: number } = {}): Promise<void> {
    this.stopping ??= this.end(opts.timeout ?? DEFAULT_STOP_TIMEOUT_MS);
    return this.stopping;
  }

  /** Jobs this worker holds running or being acknowledged (prefetched jobs not yet started are not counted). */
  get running(): number {
    return this.dispatcher.running;
  }

  /**
   * Resolves once the worker has looked for work after this call, found none
   * claimable and has no job in progress. Waits for a start in progress;
   * resolves at once if the worker was never started or is stopped.
   */
  async drain(): Promise<void> {
    await this.starting;
    return this.dispatcher.drain();
  }

  /** Renews every held lease now; returns how many were found lost (their handlers are aborted). */
  heartbeat(): Promise<number> {
    return this.leases.beat();
  }

  private async begin(): Promise<void> {
    if (this.stopping) return;
    const queues = new Set(this.options.selection.queues);
    try {
      this.unsubscribe = await this.engine.store.subscribe((woken) => {
        if (woken.length === 0 || woken.some((queue) => queues.has(queue))) this.dispatcher.wake();
      });
    } catch (error) {
      // Without notifications the worker still finds work by polling.
      this.report(error, 'subscribe');
    }
    if (this.stopping) return;
    this.leases.start();
    this.dispatcher.start();
    if (this.options.rescuerEnabled) this.loops.rescuer.start();
    if (this.options.schedulerEnabled) this.loops.scheduler.start();
    if (this.options.cleanerEnabled) this.loops.cleaner.start();
    this.engine.logger.debug({ workerId: this.id, queues: [...queues] }, 'worker started');
  }

  private async end(timeoutMs: number): Promise<void> {
    await this.starting;
    this.acks.limitRetries();
    const background = Promise.all([
      this.loops.rescuer.stop(),
      this.loops.scheduler.stop(),
      this.loops.cleaner.stop(),
    ]);
    await this.dispatcher.shutdown(timeoutMs);
    await this.acks.close();
    await this.leases.stop();
    await background;
    if (this.unsubscribe) {
      try {
        await this.unsubscribe();
      } catch (error) {
        this.report(error, 'unsubscribe');
      }
    }
    this.engine.logger.debug({ workerId: this.id }, 'worker stopped');
  }

  /** Logs and emits an internal error. Never throws: it runs inside every catch of every loop. */
  private report(error: unknown, context: string): void {
    this.engine.logger.error({ err: error, context, workerId: this.id }, `worker error: ${context}`);
    try {
      this.engine.emit('error', { error, context });
    } catch {
      // emit() catches listener errors; this guards a custom Engine that does not.
    }
  }
}

/** The engine with a logger that never throws (see `safeLogger`). */
function withSafeLogger(engine: Engine): Engine {
  return {
    store: engine.store,
    clock: engine.clock,
    logger: safeLogger(engine.logger),
    maxPayloadBytes: engine.maxPayloadBytes,
    queues: () => engine.queues(),
    task: (name) => engine.task(name),
    prepareJob: (task, payload, options) => engine.prepareJob(task, payload, options),
    enqueue: (task, payload, options) => engine.enqueue(task, payload, options),
    emit: (event, payload) => engine.emit(event, payload),
    listens: (event) => engine.listens(event),
  };
}
