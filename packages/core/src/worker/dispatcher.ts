import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine.js';
import type { JobRecord } from '../job.js';
import { errorBackoff } from './background-loop.js';
import { JobAttempt, type RunHooks, type RunnerParts } from './job-runner.js';
import type { QueueSelection } from './queue-selection.js';
import { WakeSignal } from './wake-signal.js';

export interface DispatcherOptions {
  selection: QueueSelection;
  concurrency: number;
  /** Most jobs per claim call. */
  batchSize: number;
  /** Most jobs claimed ahead of the free slots (0: claim only for free slots). */
  prefetch: number;
  leaseMs: number;
  /** The longest sleep without a notification (safety poll). */
  pollIntervalMs: number;
  workerId: string;
}

/**
 * The dispatcher prefetches only what its handlers are expected to start within
 * this time (from their measured durations): slow handlers do not hoard jobs
 * that another worker could run now.
 */
const PREFETCH_HORIZON_MS = 100;
/** Weight of the latest handler duration in the running average. */
const DURATION_WEIGHT = 0.1;
/** Consecutive claims without a sleep after which the loop lets timers and I/O run. */
const CLAIMS_BEFORE_YIELD = 8;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Claims jobs in batches, runs them with at most `concurrency` handlers at
 * once, and sleeps until a wake-up (store notification, a slot freed), the
 * earliest future `runAt`, or the safety poll, whichever comes first.
 *
 * Prefetch: while handlers finish quickly, it claims up to `prefetch` jobs
 * beyond the free slots into a local buffer and starts them as slots free
 * up, refilling the buffer once it is half empty, so a deep queue costs one
 * claim per batch instead of one per freed slot. Buffered jobs are leased
 * (heartbeated with the running ones), start in rule-2 order, and go back
 * to `ready` without spending an attempt at shutdown.
 */
export class Dispatcher implements RunHooks {
  /**
   * Jobs whose handler started and whose ack is not stored yet: a list linked
   * through the jobs themselves (no hashing per job), newest first.
   */
  private startedHead: JobAttempt | null = null;
  private startedCount = 0;
  /** Claimed, not started yet, in start order from `bufferHead` on (no `shift()` per job). */
  private buffer: JobAttempt[] = [];
  private bufferHead = 0;
  /** Started jobs whose handler has not settled yet (they hold a slot). */
  private handlers = 0;
  /** Running average of handler durations in ms; negative until one finished. */
  private averageMs = -1;
  private readonly ackBacklog: number;
  private readonly queueRank: ReadonlyMap<string, number> | null;
  private readonly signal = new WakeSignal();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private pumps = 0;
  private idleWaiters: Array<{ after: number; resolve: () => void }> = [];
  private released: Promise<void> = Promise.resolve();
  private finishWaiters: Array<() => void> = [];
  /**
   * The last claim came back empty: the queues are empty as far as this
   * worker knows, so a freed slot does not send another claim (a store
   * notification, the earliest `runAt` or the safety poll does).
   */
  private drainedQueues = false;
  /** The `now` of the latest claim: what `nextRunAt` must look past (see `sleepTime`). */
  private lastClaimAt = 0;

  constructor(
    private readonly engine: Engine,
    private readonly parts: RunnerParts,
    private readonly options: DispatcherOptions,
  ) {
    // Finished jobs whose ack is not stored yet: enough for one batch in flight and the next one forming.
    this.ackBacklog = options.concurrency + options.batchSize;
    const { selection } = options;
    this.queueRank =
      selection.mode === 'strict' ? new Map(selection.queues.map((queue, rank) => [queue, rank])) : null;
  }

  /** Jobs claimed and not yet acknowledged, buffered ones excepted. */
  get running(): number {
    return this.startedCount;
  }

  /** Jobs claimed ahead of a free slot, not started yet. */
  get prefetched(): number {
    return this.buffer.length - this.bufferHead;
  }

  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.runLoop();
  }

  /** Looks for work now (a store notification). */
  wake(): void {
    this.drainedQueues = false;
    this.signal.wake();
  }

  /**
   * Resolves once the dispatcher, after this call, found nothing to claim with
   * no job in progress. A test signal: with a `ManualClock`, advance the clock,
   * then `await drain()`.
   */
  drain(): Promise<void> {
    if (this.stopping || !this.loop) return Promise.resolve();
    const after = this.pumps;
    this.wake();
    return new Promise((resolve) => this.idleWaiters.push({ after, resolve }));
  }

  /**
   * Stops claiming (a claim in flight returns its jobs to `ready`), returns
   * the buffered jobs to `ready`, fires every running handler's signal and
   * waits up to `timeoutMs` for them; the ones still running are then
   * released without spending their attempt.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.signal.wake();
    const buffered = this.buffer.slice(this.bufferHead);
    this.buffer = [];
    this.bufferHead = 0;
    this.released = this.releaseUnstarted(buffered.map((attempt) => attempt.job)).finally(() => {
      for (const attempt of buffered) this.parts.leases.remove(attempt);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, timeoutMs));
    });
    // A claim hanging on the store must not hold the stop past its deadline; its jobs are released when it returns.
    await Promise.race([this.loop, deadline]);
    this.resolveIdle(Number.POSITIVE_INFINITY);
    for (const attempt of this.startedJobs()) attempt.interrupt();
    await Promise.race([this.allFinished(), deadline]);
    clearTimeout(timer);
    for (const attempt of this.startedJobs()) attempt.abandon();
    await this.allFinished();
    await this.released;
  }

  private async runLoop(): Promise<void> {
    const { pollIntervalMs } = this.options;
    let failures = 0;
    let claimsInARow = 0;
    while (!this.stopping) {
      const limit = this.claimLimit();
      if (limit <= 0) {
        // A started or acknowledged job wakes the loop once there is room; the timeout is only a safety net.
        claimsInARow = 0;
        await this.signal.sleep(pollIntervalMs);
        continue;
      }
      const pump = ++this.pumps;
      this.signal.reset();
      let claimed: number;
      try {
        claimed = await this.claim(limit);
        failures = 0;
      } catch (error) {
        failures++;
        this.parts.report(error, 'claim');
        await this.signal.sleep(errorBackoff(failures, pollIntervalMs));
        continue;
      }
      if (this.stopping) break;
      if (claimed > 0) this.drainedQueues = false;
      if (claimed === limit) {
        // A store that answers without I/O (memory) would otherwise never let timers or I/O run.
        if (++claimsInARow >= CLAIMS_BEFORE_YIELD) {
          claimsInARow = 0;
          await yieldToEventLoop();
        }
        continue;
      }
      claimsInARow = 0;
      // Only an empty claim says the queues ran dry: a short one may be a store skipping rows other workers lock.
      if (claimed === 0) this.drainedQueues = true;
      if (claimed === 0 && this.startedCount === 0 && this.prefetched === 0) this.resolveIdle(pump);
      if (!(await this.signal.sleep(await this.sleepTime()))) this.drainedQueues = false;
    }
  }

  /**
   * How many jobs to claim now (0: wait). The worker holds at most
   * `concurrency` running handlers plus a buffer of up to `prefetch` jobs
   * (fewer while handlers are slow, none before one finished); a partly full
   * buffer is refilled once half of a batch fits. Nothing is claimed while
   * too many finished jobs wait for their ack (a slow store throttles claiming).
   */
  private claimLimit(): number {
    const { concurrency, batchSize } = this.options;
    if (this.startedCount - this.handlers >= this.ackBacklog) return 0;
    const target = concurrency + this.prefetchTarget();
    const buffered = this.prefetched;
    const room = target - this.handlers - buffered;
    if (room <= 0) return 0;
    if (buffered > 0 && 2 * room < Math.min(batchSize, target)) return 0;
    return Math.min(room, batchSize);
  }

  /** How many jobs the buffer may hold: what the slots start within the horizon, at most `prefetch`. */
  private prefetchTarget(): number {
    const { prefetch, concurrency } = this.options;
    if (prefetch === 0 || this.averageMs < 0) return 0;
    const perHorizon = (concurrency * PREFETCH_HORIZON_MS) / Math.max(this.averageMs, 0.001);
    return Math.min(prefetch, Math.floor(perHorizon));
  }

  private async claim(limit: number): Promise<number> {
    const { store, clock } = this.engine;
    const { selection, leaseMs, workerId } = this.options;
    const token = randomUUID();
    const now = clock.now();
    this.lastClaimAt = now;
    const claimed = await store.claim({
      queues: selection.order(this.parts.random),
      limit,
      now,
      leaseMs,
      token,
      workerId,
    });
    if (this.stopping) {
      await this.releaseUnstarted(claimed.map((job) => fenced(job, token)));
      return claimed.length;
    }
    const attempts = new Array<JobAttempt>(claimed.length);
    for (let i = 0; i < claimed.length; i++) {
      attempts[i] = new JobAttempt(this.parts, this, fenced(claimed[i]!, token));
    }
    // Leased to this worker (heartbeated) from now on, as one group.
    this.parts.leases.addAll(attempts);
    // Started jobs before the head would otherwise stay referenced (and alive) while refills keep the buffer non-empty.
    if (this.bufferHead > 0) {
      this.buffer = this.buffer.slice(this.bufferHead);
      this.bufferHead = 0;
    }
    for (let i = 0; i < attempts.length; i++) this.enqueueLocally(attempts[i]!);
    this.startBuffered();
    return claimed.length;
  }

  /** Puts `attempt` in the buffer, in rule-2 order. */
  private enqueueLocally(attempt: JobAttempt): void {
    const { buffer, bufferHead } = this;
    let at = buffer.length;
    // Claims return jobs in order; only a job claimed later that outranks buffered ones moves ahead of them.
    while (at > bufferHead && this.startsBefore(attempt.job, buffer[at - 1]!.job)) at--;
    if (at === buffer.length) buffer.push(attempt);
    else buffer.splice(at, 0, attempt);
  }

  /**
   * Whether `a`, claimed later, must start before the buffered `b`: a strict
   * queue served earlier, or within one queue rule 2 (higher priority, then
   * earlier `runAt`). Jobs of other weighted queues keep their claim order.
   */
  private startsBefore(a: JobRecord, b: JobRecord): boolean {
    if (a.queue !== b.queue) {
      const rank = this.queueRank;
      return rank !== null && (rank.get(a.queue) ?? 0) < (rank.get(b.queue) ?? 0);
    }
    return a.priority > b.priority || (a.priority === b.priority && a.runAt < b.runAt);
  }

  /** Starts buffered jobs while handler slots are free. */
  private startBuffered(): void {
    const { concurrency } = this.options;
    while (
      this.bufferHead < this.buffer.length &&
      this.handlers < concurrency &&
      this.startedCount - this.handlers < this.ackBacklog &&
      !this.stopping
    ) {
      const attempt = this.buffer[this.bufferHead++]!;
      if (this.bufferHead === this.buffer.length) {
        this.buffer = [];
        this.bufferHead = 0;
      }
      this.begin(attempt);
    }
  }

  /**
   * A handler settled or an ack was stored: starts what waits, and lets the
   * loop claim if there is room (once the queues ran dry, only when the last
   * job is done: `drain()` waits for that claim).
   */
  private freed(): void {
    this.startBuffered();
    if (this.drainedQueues && (this.startedCount > 0 || this.prefetched > 0)) return;
    if (this.claimLimit() > 0) this.signal.wake();
  }

  private begin(attempt: JobAttempt): void {
    this.handlers++;
    this.startedCount++;
    const head = this.startedHead;
    attempt.nextStarted = head;
    if (head !== null) head.previousStarted = attempt;
    this.startedHead = attempt;
    attempt.start();
  }

  /** Started jobs, a snapshot: stopping one may take it off the list. */
  private startedJobs(): JobAttempt[] {
    const jobs: JobAttempt[] = [];
    for (let attempt = this.startedHead; attempt !== null; attempt = attempt.nextStarted) jobs.push(attempt);
    return jobs;
  }

  /** @internal `attempt` lost its lease while buffered (cancelled, rescued): it never starts here. */
  lostBeforeStart(attempt: JobAttempt): void {
    const index = this.buffer.indexOf(attempt, this.bufferHead);
    if (index >= 0) this.buffer.splice(index, 1);
  }

  /** @internal `attempt`'s handler is over and its ack is queued. */
  handlerSettled(attempt: JobAttempt, durationMs: number): void {
    if (attempt.settled) return;
    attempt.settled = true;
    this.handlers--;
    this.recordDuration(durationMs);
    this.freed();
  }

  /** @internal Nothing more happens to `attempt` here (ack stored, refused or given up). */
  runFinished(attempt: JobAttempt): void {
    const { previousStarted: previous, nextStarted: next } = attempt;
    if (previous === null && this.startedHead !== attempt) return;
    // A full ack backlog holds back starts and claims: this job's end may let them go.
    let unblocks = this.startedCount - this.handlers >= this.ackBacklog;
    if (previous !== null) previous.nextStarted = next;
    else this.startedHead = next;
    if (next !== null) next.previousStarted = previous;
    attempt.previousStarted = null;
    attempt.nextStarted = null;
    this.startedCount--;
    attempt.dispose();
    if (!attempt.settled) {
      attempt.settled = true;
      this.handlers--;
      unblocks = true;
    }
    // The lease is heartbeated until the ack is stored (or given up).
    this.parts.leases.remove(attempt);
    if (this.startedCount === 0 && this.finishWaiters.length > 0) {
      for (const resolve of this.finishWaiters.splice(0)) resolve();
    }
    // Otherwise its slot was freed when the handler settled, and nothing else depends on it.
    if (unblocks || this.startedCount === 0) this.freed();
  }

  /** Resolves once no started job is left. */
  private allFinished(): Promise<void> {
    if (this.startedCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.finishWaiters.push(resolve));
  }

  private recordDuration(ms: number): void {
    this.averageMs = this.averageMs < 0 ? ms : this.averageMs + (ms - this.averageMs) * DURATION_WEIGHT;
  }

  private async releaseUnstarted(jobs: JobRecord[]): Promise<void> {
    await Promise.all(
      jobs.map(async (job) => {
        try {
          await this.parts.acks.push({ type: 'release', id: job.id, token: job.leaseToken ?? '' });
        } catch (error) {
          this.parts.report(
            error,
            `releasing job ${job.id} at shutdown; it runs again once its lease expires`,
          );
        }
      }),
    );
  }

  /**
   * Until the earliest `runAt` the last claim could not take, at most the
   * safety poll. `nextRunAt` is asked past the claim's `now`, not the current
   * time: a job that fell due between the two is then seen (and claimed after
   * a 1 ms sleep) instead of being skipped until the safety poll.
   */
  private async sleepTime(): Promise<number> {
    const { store, clock } = this.engine;
    const { selection, pollIntervalMs } = this.options;
    let next: number | null;
    try {
      next = await store.nextRunAt({ queues: [...selection.queues], now: this.lastClaimAt });
    } catch (error) {
      this.parts.report(error, 'nextRunAt');
      return pollIntervalMs;
    }
    if (next === null) return pollIntervalMs;
    return Math.max(1, Math.min(pollIntervalMs, next - clock.now()));
  }

  private resolveIdle(pump: number): void {
    const still: typeof this.idleWaiters = [];
    for (const waiter of this.idleWaiters) {
      if (waiter.after < pump) waiter.resolve();
      else still.push(waiter);
    }
    this.idleWaiters = still;
  }
}

/** Every ack of a claimed job is fenced by the token its claim chose, whatever the record echoes. */
function fenced(job: JobRecord, token: string): JobRecord {
  return job.leaseToken === token ? job : { ...job, leaseToken: token };
}
