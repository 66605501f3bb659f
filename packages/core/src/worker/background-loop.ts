import { WakeSignal } from './wake-signal.js';

/** Pause after `failures` consecutive store errors: `baseMs`, then doubling, capped at 60 s. */
export function errorBackoff(failures: number, baseMs = 1000): number {
  return Math.min(60_000, baseMs * 2 ** Math.min(failures - 1, 16));
}

export interface BackgroundLoopOptions {
  /** Pause between two runs, in real ms. */
  intervalMs: number;
  /** One pass of the loop's work. Called by the loop and by `runOnce()`, never twice at a time. */
  run: () => Promise<unknown>;
  /** Reports an error of `run`; the loop goes on after a growing pause. */
  report: (error: unknown) => void;
}

/**
 * A periodic task of a worker (rescuer, scheduler, cleaner). Runs are
 * serialised, so a test calling `runOnce()` never overlaps the loop's own run,
 * and an error never ends the loop.
 */
export class BackgroundLoop {
  private readonly signal = new WakeSignal();
  private chain: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: BackgroundLoopOptions) {}

  start(): void {
    if (this.loop || this.stopped) return;
    this.loop = this.runLoop();
  }

  /** Runs one pass now (after the one in progress, if any) and returns its result; errors are thrown. */
  runOnce<T = unknown>(): Promise<T> {
    const next = this.chain.then(() => this.options.run());
    this.chain = next.catch(() => {});
    return next as Promise<T>;
  }

  /** Ends the loop after the pass in progress. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signal.wake();
    await this.loop;
    await this.chain;
  }

  private async runLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let delay = this.options.intervalMs;
      try {
        await this.runOnce();
        failures = 0;
      } catch (error) {
        failures++;
        this.options.report(error);
        delay = Math.max(delay, errorBackoff(failures));
      }
      if (this.stopped) break;
      await this.signal.sleep(delay);
    }
  }
}

/**
 * A worker's periodic maintenance (rescuer, scheduler, cleaner): `pass()`
 * every `intervalMs` on a `BackgroundLoop`, with `runOnce()` as the test
 * signal. Errors are reported under the task's name and the loop keeps going.
 */
export abstract class MaintenanceTask {
  private readonly loop: BackgroundLoop;

  constructor(
    name: string,
    options: { intervalMs: number; report: (error: unknown, context: string) => void },
  ) {
    this.loop = new BackgroundLoop({
      intervalMs: options.intervalMs,
      run: () => this.pass(),
      report: (error) => options.report(error, name),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass now; returns how many jobs or ticks it handled. */
  runOnce(): Promise<number> {
    return this.loop.runOnce<number>();
  }

  /** One pass of the work; never runs twice at a time. */
  protected abstract pass(): Promise<number>;
}
