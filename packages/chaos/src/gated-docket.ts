import { type Clock, Docket, defineTask, type Storage, silentLogger, type WorkerOptions } from '@docket/core';

export const GATED_TASK = 'gated';
export const GATED_QUEUE = 'gated';

/**
 * A Docket whose one task waits, per attempt, until the test opens its gate:
 * the test decides the exact moment each handler returns.
 */
export class GatedDocket {
  readonly docket: Docket;
  /** Attempts started, as `[jobId, attempt]`. */
  readonly started: Array<[string, number]> = [];
  readonly completed: string[] = [];
  readonly errors: string[] = [];
  private readonly gates = new Map<string, () => void>();
  private readonly waiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    store: Storage,
    clock: Clock,
  ) {
    const task = defineTask({
      name: GATED_TASK,
      queue: GATED_QUEUE,
      maxAttempts: 5,
      backoff: { type: 'fixed', delay: 1000, jitter: 0 },
      handler: async (_payload: unknown, ctx) => {
        const key = `${ctx.job.id}#${ctx.job.attempt}`;
        const opened = new Promise<void>((resolve) => this.gates.set(key, resolve));
        this.started.push([ctx.job.id, ctx.job.attempt]);
        for (const wake of this.waiters.splice(0)) wake();
        await opened;
        return { by: name, attempt: ctx.job.attempt };
      },
    });
    this.docket = new Docket({ store, tasks: [task], clock, logger: silentLogger });
    this.docket.on('error', ({ context }) => this.errors.push(context));
    this.docket.on('completed', ({ job }) => this.completed.push(job.id));
  }

  /**
   * A worker whose heartbeats are far apart in real time (with a ManualClock no lease is renewed
   * unless the test asks) and whose rescuer runs only by hand.
   */
  work(queues: string[] = [GATED_QUEUE], options: WorkerOptions = {}) {
    return this.docket.work({
      queues,
      concurrency: 10,
      leaseMs: 30_000,
      heartbeatMs: 25_000,
      pollIntervalMs: 20,
      rescuer: false,
      scheduler: false,
      cleaner: false,
      ...options,
    });
  }

  /** Resolves once attempt `attempt` of job `id` is running. */
  async whenStarted(id: string, attempt: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.started.some(([j, a]) => j === id && a === attempt)) {
      if (Date.now() > deadline) throw new Error(`${this.name}: attempt ${attempt} of ${id} never started`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Lets attempt `attempt` of job `id` return. */
  open(id: string, attempt: number): void {
    const gate = this.gates.get(`${id}#${attempt}`);
    if (!gate) throw new Error(`${this.name}: attempt ${attempt} of ${id} is not waiting`);
    gate();
  }
}
