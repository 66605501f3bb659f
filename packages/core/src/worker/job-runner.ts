import { performance } from 'node:perf_hooks';
import type { Engine } from '../engine.js';
import { InvalidPayloadError, LeaseLostError, TimeoutError, UnknownTaskError } from '../errors.js';
import type { JobRecord, Lease } from '../job.js';
import { validatePayload } from '../payload-schema.js';
import type { Ack } from '../storage.js';
import type { JobInfo, TaskDefinition } from '../task.js';
import { toJson } from '../validate.js';
import type { AckBatcher, AckReceiver } from './ack-batcher.js';
import type { Random } from './backoff.js';
import { type HandlerRequest, HandlerSignal, JobContext, jobLogger } from './handler-context.js';
import { type JobInfoSource, jobInfo } from './job-info.js';
import { JobRun, ShutdownError } from './job-run.js';
import type { LeaseGroup, LeaseHolder, LeaseKeeper } from './lease-keeper.js';
import { decideFailure } from './retry.js';

export interface RunnerParts {
  engine: Engine;
  acks: AckBatcher;
  leases: LeaseKeeper;
  random: Random;
  /** Whether the engine's logger keeps debug lines (`logsDebug`), read once per worker. */
  logsDebug: boolean;
  /** How long a handler that ignores the loss of its lease is waited for. */
  leaseMs: number;
  report: (error: unknown, context: string) => void;
}

/** What the dispatcher hears of its jobs. */
export interface RunHooks {
  /**
   * `attempt`'s handler is over and its ack is queued (not yet stored): its
   * slot is free. `durationMs`: how long the handler ran (0 if it never started).
   */
  handlerSettled(attempt: JobAttempt, durationMs: number): void;
  /** Nothing more happens to `attempt` here: its ack was stored, refused or given up (or there is none). */
  runFinished(attempt: JobAttempt): void;
  /** `attempt` lost its lease before it started: it must not start here. */
  lostBeforeStart(attempt: JobAttempt): void;
}

/** setTimeout fires at once above this; a longer timeout is no timeout. */
const MAX_TIMER_MS = 2_147_483_647;

/** What to tell listeners once the store took the ack. */
type Announcement =
  | { kind: 'completed' }
  | { kind: 'snoozed' | 'failed'; error: unknown }
  | { kind: 'retrying'; error: unknown; retryAt: number };

/** A completion's announcement: shared, its result and duration are on the attempt (no object per job). */
const COMPLETED: Announcement = { kind: 'completed' };

/**
 * One claimed job, from its claim to its acknowledgement: the one object per
 * job that the dispatcher buffers, the lease keeper renews, the handler's
 * context reads and the ack batcher answers (no closures or promise chain of
 * its own: the handler's promise and the ack batch are the only asynchronous
 * steps). `start()` runs it; it never throws.
 */
export class JobAttempt extends JobRun implements AckReceiver, JobInfoSource, LeaseHolder {
  leaseGroup: LeaseGroup | null = null;
  leaseSlot = -1;
  /** `start()` was called: the job holds (or held) a handler slot. */
  begun = false;
  /** The handler is over and the ack is queued: the job no longer holds a handler slot. */
  settled = false;
  /** Neighbours in the dispatcher's list of started jobs. */
  previousStarted: JobAttempt | null = null;
  nextStarted: JobAttempt | null = null;
  /** The payload as parsed for the handler (before its schema, if any). */
  private payload: unknown = null;
  private view: JobInfo | null = null;
  private task: TaskDefinition<any, any> | undefined;
  private ctx: JobContext | null = null;
  private started = 0;
  private duration = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The handler's outcome was taken (returned, threw, timed out or abandoned): later ones are ignored. */
  private ended = false;
  private ack: Ack | null = null;
  private delivered = false;
  private announcement: Announcement | null = null;
  /** The handler's result, for the `completed` event. */
  private value: unknown = null;

  constructor(
    private readonly parts: RunnerParts,
    private readonly hooks: RunHooks,
    job: JobRecord,
  ) {
    super(job);
  }

  /** Built when asked (heartbeats, a lost lease), not per job. */
  get lease(): Lease {
    return { id: this.job.id, token: this.job.leaseToken ?? '' };
  }

  leaseLost(error: LeaseLostError): void {
    if (this.begun) this.loseLease(error, this.parts.leaseMs);
    else this.hooks.lostBeforeStart(this);
  }

  /** For the handler's context. */
  get engine(): Engine {
    return this.parts.engine;
  }

  /** `ctx.heartbeat()`. */
  beat(): Promise<void> {
    return this.parts.leases.beatOne(this);
  }

  /** The job as the handler and listeners see it, built on first read (most handlers never read `ctx.job`). */
  get info(): JobInfo {
    this.view ??= jobInfo(this.job, this.payload);
    return this.view;
  }

  start(): void {
    this.begun = true;
    const { job } = this;
    try {
      this.payload = job.payload === null ? null : JSON.parse(job.payload);
    } catch (error) {
      const invalid = new InvalidPayloadError(`Stored payload of job "${job.id}" is not valid JSON.`, {
        cause: error,
      });
      this.ended = true;
      this.failure(undefined, invalid, true);
      this.deliver();
      return;
    }
    try {
      const task = this.parts.engine.task(job.task);
      this.task = task;
      if (!task) {
        this.ended = true;
        this.failure(undefined, new UnknownTaskError(job.task), true);
        this.deliver();
      } else if (task.schema) {
        validatePayload(task, this.payload).then(
          (payload) => this.callHandler(task, payload),
          (error: unknown) => {
            if (this.ended) return;
            this.ended = true;
            this.failure(task, error, true);
            this.deliver();
          },
        );
      } else {
        this.callHandler(task, this.payload);
      }
    } catch (error) {
      this.workerBug(error);
    }
  }

  private callHandler(task: TaskDefinition<any, any>, payload: unknown): void {
    // Abandoned while its payload was being validated: it was released without running.
    if (this.ended) return;
    const ctx = new JobContext(this);
    this.ctx = ctx;
    this.started = performance.now();
    const timeoutMs = task.timeout;
    if (timeoutMs !== undefined && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS) {
      this.timer = setTimeout(() => {
        const error = new TimeoutError(timeoutMs);
        this.abort(error);
        this.threw(error);
      }, timeoutMs);
    }
    let result: unknown;
    try {
      result = task.handler(payload, ctx);
    } catch (error) {
      // Settled on a later turn, like a rejected promise, so a synchronous handler cannot recurse into the next job.
      Promise.reject(error).catch((e: unknown) => this.threw(e));
      return;
    }
    Promise.resolve(result).then(
      (value) => this.returned(value),
      (error: unknown) => this.threw(error),
    );
  }

  private returned(value: unknown): void {
    if (!this.begin()) return;
    try {
      if (this.answerRequest()) return;
      const task = this.task!;
      let result: string;
      try {
        // The common no-result case skips the serialiser (and the message it is given).
        const v = value ?? null;
        result =
          v === null ? 'null' : toJson(v, `Result of task "${task.name}"`, this.parts.engine.maxPayloadBytes);
      } catch (error) {
        this.failure(task, error, true);
        this.deliver();
        return;
      }
      const { job } = this;
      this.ack = { type: 'complete', id: job.id, token: job.leaseToken ?? '', result };
      this.value = value ?? null;
      this.announcement = COMPLETED;
      this.deliver();
    } catch (error) {
      this.workerBug(error);
    }
  }

  private threw(error: unknown): void {
    if (!this.begin()) return;
    try {
      if (this.answerRequest()) return;
      // A handler that gives up because the worker is stopping is interrupted, not failed.
      if (this.reason instanceof ShutdownError && !(error instanceof HandlerSignal)) {
        this.release();
      } else {
        this.failure(this.task, error, false);
      }
      this.deliver();
    } catch (bug) {
      this.workerBug(bug);
    }
  }

  /** The worker stopped waiting for the handler (shutdown deadline, lease lost and ignored). */
  protected override abandoned(): void {
    if (!this.begin()) return;
    if (this.lostLease) {
      this.parts.report(this.lostLease, `handler of job ${this.job.id} kept running after losing its lease`);
      this.hooks.runFinished(this);
      return;
    }
    this.release();
    this.deliver();
  }

  /** Milliseconds since the handler started, measured once (0 if it never started). */
  private elapsed(): number {
    if (this.duration < 0) this.duration = this.started === 0 ? 0 : performance.now() - this.started;
    return this.duration;
  }

  /** Takes the first outcome of the handler; false for any later one. */
  private begin(): boolean {
    if (this.ended) return false;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    return true;
  }

  /** A bug of the worker itself: fail the attempt rather than leave the job leased. */
  private workerBug(error: unknown): void {
    this.ended = true;
    this.parts.report(error, `running job ${this.job.id}`);
    if (this.delivered) return;
    try {
      this.failure(this.task, error, false);
      this.deliver();
    } catch (again) {
      this.parts.report(again, `running job ${this.job.id}`);
      this.hooks.handlerSettled(this, this.elapsed());
      this.hooks.runFinished(this);
    }
  }

  /** Acknowledges what the handler asked for through its context (snooze, cancel), if anything: that wins over how it ended. */
  private answerRequest(): boolean {
    const request = this.ctx?.requested ?? null;
    if (!request) return false;
    this.fromRequest(request);
    return true;
  }

  private fromRequest(request: HandlerRequest): void {
    const { job } = this;
    const token = job.leaseToken ?? '';
    this.ack =
      request.type === 'snooze'
        ? { type: 'snooze', id: job.id, token, runAt: this.parts.engine.clock.now() + request.ms }
        : { type: 'cancel', id: job.id, token, reason: request.reason };
    this.deliver();
  }

  private release(): void {
    const { job } = this;
    this.ack = { type: 'release', id: job.id, token: job.leaseToken ?? '' };
  }

  private failure(task: TaskDefinition<any, any> | undefined, error: unknown, permanent: boolean): void {
    const { parts } = this;
    const decision = decideFailure({
      job: this.job,
      task,
      error,
      info: this.info,
      now: parts.engine.clock.now(),
      permanent,
      random: parts.random,
      onPolicyError: (policyError, what) => parts.report(policyError, what),
    });
    this.ack = decision.ack;
    this.announcement =
      decision.outcome === 'retrying'
        ? { kind: 'retrying', error, retryAt: decision.retryAt }
        : { kind: decision.outcome, error };
  }

  /** Queues the ack; the slot is free from now on. */
  private deliver(): void {
    const ack = this.ack!;
    this.delivered = true;
    try {
      this.parts.acks.send(ack, this);
    } catch (error) {
      this.ackFailed(error);
      this.hooks.handlerSettled(this, this.elapsed());
      return;
    }
    this.hooks.handlerSettled(this, this.elapsed());
  }

  acked(applied: boolean): void {
    const { parts } = this;
    const { id } = this.job;
    const type = this.ack!.type;
    if (!applied) {
      parts.report(new LeaseLostError(id), `stale ${type} ack of job ${id}`);
    } else if (this.announcement) {
      try {
        this.announce(this.announcement);
      } catch (error) {
        // A user logger that throws must not take the worker down with it.
        parts.report(error, `announcing the ${type} of job ${id}`);
      }
    }
    this.hooks.runFinished(this);
  }

  ackFailed(error: unknown): void {
    this.parts.report(
      error,
      `acknowledging job ${this.job.id} (${this.ack!.type}); it will run again once its lease expires`,
    );
    this.hooks.runFinished(this);
  }

  private announce(announcement: Announcement): void {
    const { engine } = this.parts;
    if (announcement.kind === 'completed') {
      const durationMs = this.duration;
      if (this.parts.logsDebug) jobLogger(engine.logger, this.info).debug({ durationMs }, 'job completed');
      // The view (three Dates, a copy of the errors) is built only for a listener.
      if (engine.listens('completed'))
        engine.emit('completed', { job: this.info, result: this.value, durationMs });
      return;
    }
    const { info } = this;
    const { error } = announcement;
    const fields = { jobId: info.id, task: info.task, attempt: info.attempt, err: error };
    if (announcement.kind === 'snoozed') {
      if (this.parts.logsDebug) {
        engine.logger.debug(fields, 'job attempt did not count as a failure; rescheduled');
      }
    } else if (announcement.kind === 'retrying') {
      const retryAt = new Date(announcement.retryAt);
      engine.logger.warn({ ...fields, retryAt }, 'job attempt failed; will retry');
      engine.emit('retrying', { job: info, error, retryAt });
    } else {
      engine.logger.error(fields, 'job failed');
      engine.emit('failed', { job: info, error });
    }
  }
}
