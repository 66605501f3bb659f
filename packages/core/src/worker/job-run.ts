import type { LeaseLostError } from '../errors.js';
import type { JobRecord } from '../job.js';

/** The reason of a handler's signal when its worker stops. */
export class ShutdownError extends Error {
  constructor() {
    super('The worker is stopping.');
    this.name = 'ShutdownError';
  }
}

/**
 * The signal side of one claimed job (the runner's `JobAttempt` extends it).
 *
 * The handler's `AbortSignal` is created lazily (most handlers never read
 * `ctx.signal`, and an `AbortController` per job was 15-20% of the worker's
 * CPU): `abort()` records the reason and fires the controller if one exists;
 * a signal first read after an abort is created already aborted with that reason.
 */
export class JobRun {
  /** Set once the lease was found lost. */
  lostLease: LeaseLostError | null = null;
  private controller: AbortController | null = null;
  private abortReason: unknown = undefined;
  private isAborted = false;
  private wasAbandoned = false;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly job: JobRecord) {}

  /** The handler's signal; fires at timeout, shutdown and lease loss. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.isAborted;
  }

  /** Why the signal fired (`undefined` while it has not). */
  get reason(): unknown {
    return this.abortReason;
  }

  /** Fires the handler's signal with `reason`, once. */
  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  /** Fires the handler's signal: the worker is stopping. */
  interrupt(): void {
    this.abort(new ShutdownError());
  }

  /** Stops waiting for the handler: the job is released without spending the attempt. */
  abandon(): void {
    this.interrupt();
    this.settleAbandoned();
  }

  /**
   * The lease is gone: fires the signal, and if the handler ignores it for
   * `graceMs`, stops waiting for it (its slot is freed, no ack is sent: the
   * job belongs to someone else now).
   */
  loseLease(error: LeaseLostError, graceMs: number): void {
    if (this.lostLease) return;
    this.lostLease = error;
    this.abort(error);
    this.graceTimer = setTimeout(() => this.settleAbandoned(), graceMs);
  }

  dispose(): void {
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
  }

  /** Called once the worker stops waiting for the handler (shutdown deadline, lease lost and ignored). */
  protected abandoned(): void {}

  private settleAbandoned(): void {
    if (this.wasAbandoned) return;
    this.wasAbandoned = true;
    this.abandoned();
  }
}
