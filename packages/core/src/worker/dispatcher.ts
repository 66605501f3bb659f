import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine.js';
import type { JobRecord } from '../job.js';
import { errorBackoff } from './background-loop.js';
import { JobRun } from './job-run.js';
import { type RunnerParts, runJob } from './job-runner.js';
import type { QueueSelection } from './queue-selection.js';
import { WakeSignal } from './wake-signal.js';

export interface DispatcherOptions {
  selection: QueueSelection;
  concurrency: number;
  /** Most jobs per claim call. */
  batchSize: number;
  leaseMs: number;
  /** The longest sleep without a notification (safety poll). */
  pollIntervalMs: number;
  workerId: string;
}

interface Active {
  run: JobRun;
  done: Promise<void>;
  /** The handler is over and the ack is queued: the job no longer holds a handler slot. */
  settled: boolean;
}

/**
 * Claims jobs in batches up to the free slots, runs them, and sleeps until a
 * wake-up (store notification, a slot freed), the earliest future `runAt`, or
 * the safety poll, whichever comes first. A claim that filled its batch is
 * followed at once by another.
 */
export class Dispatcher {
  private readonly active = new Set<Active>();
  /** Members of `active` whose handler has not settled yet (they hold a slot). */
  private handlers = 0;
  private readonly signal = new WakeSignal();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private pumps = 0;
  private idleWaiters: Array<{ after: number; resolve: () => void }> = [];

  constructor(
    private readonly engine: Engine,
    private readonly parts: RunnerParts,
    private readonly options: DispatcherOptions,
  ) {}

  /** Jobs claimed and not yet acknowledged. */
  get running(): number {
    return this.active.size;
  }

  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.runLoop();
  }

  /** Looks for work now (a store notification, a freed slot). */
  wake(): void {
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
   * Stops claiming (a claim in flight returns its jobs to `ready`), fires every
   * running handler's signal and waits up to `timeoutMs` for them; the ones
   * still running are then released without spending their attempt.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.signal.wake();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, timeoutMs));
    });
    // A claim hanging on the store must not hold the stop past its deadline; its jobs are released when it returns.
    await Promise.race([this.loop, deadline]);
    this.resolveIdle(Number.POSITIVE_INFINITY);
    for (const { run } of this.active) run.interrupt();
    await Promise.race([Promise.all([...this.active].map((a) => a.done)), deadline]);
    clearTimeout(timer);
    for (const { run } of this.active) run.abandon();
    await Promise.all([...this.active].map((a) => a.done));
  }

  private async runLoop(): Promise<void> {
    const { concurrency, batchSize, pollIntervalMs } = this.options;
    let failures = 0;
    // A job frees its slot once its ack is queued, not stored, so the next claim overlaps the ack's
    // flush; at most `concurrency` more jobs may wait for their ack (a store slow to ack still throttles).
    while (!this.stopping) {
      const free = Math.min(concurrency - this.handlers, 2 * concurrency - this.active.size);
      if (free <= 0) {
        // A finishing job wakes the loop; the timeout is only a safety net.
        await this.signal.sleep(pollIntervalMs);
        continue;
      }
      const limit = Math.min(free, batchSize);
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
      if (claimed === limit) continue;
      if (claimed === 0 && this.active.size === 0) this.resolveIdle(pump);
      await this.signal.sleep(await this.sleepTime());
    }
  }

  private async claim(limit: number): Promise<number> {
    const { store, clock } = this.engine;
    const { selection, leaseMs, workerId } = this.options;
    const token = randomUUID();
    const claimed = await store.claim({
      queues: selection.order(this.parts.random),
      limit,
      now: clock.now(),
      leaseMs,
      token,
      workerId,
    });
    // Every ack of these jobs is fenced by the token this call chose, whatever the record echoes.
    const jobs = claimed.map((job) => (job.leaseToken === token ? job : { ...job, leaseToken: token }));
    if (this.stopping) {
      await this.releaseUnstarted(jobs);
      return jobs.length;
    }
    for (const job of jobs) this.begin(job);
    return jobs.length;
  }

  private begin(job: JobRecord): void {
    const run = new JobRun(job);
    const lease = { id: job.id, token: job.leaseToken ?? '' };
    this.parts.leases.add(lease, (error) => run.loseLease(error, this.options.leaseMs));
    const active: Active = { run, done: Promise.resolve(), settled: false };
    const settle = (): void => {
      if (active.settled) return;
      active.settled = true;
      this.handlers--;
      this.signal.wake();
    };
    this.handlers++;
    this.active.add(active);
    active.done = runJob(this.parts, run, settle)
      .catch((error: unknown) => this.parts.report(error, `running job ${job.id}`))
      .finally(() => {
        run.dispose();
        settle();
        this.active.delete(active);
        // The lease is heartbeated until the ack is stored (or given up).
        this.parts.leases.remove(lease);
        this.signal.wake();
      });
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

  /** Until the earliest future `runAt`, at most the safety poll. */
  private async sleepTime(): Promise<number> {
    const { store, clock } = this.engine;
    const { selection, pollIntervalMs } = this.options;
    let next: number | null;
    try {
      next = await store.nextRunAt({ queues: [...selection.queues], now: clock.now() });
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
