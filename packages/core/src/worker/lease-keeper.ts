import type { Clock } from '../clock.js';
import { LeaseLostError } from '../errors.js';
import type { Lease } from '../job.js';
import type { Storage } from '../storage.js';
import { BackgroundLoop } from './background-loop.js';

/** A held lease and who to tell when it is lost (the dispatcher's per-job object: no closure per job). */
export interface LeaseHolder {
  readonly lease: Lease;
  /** Stops the job's handler (or drops the job if it has not started): its lease is gone. */
  leaseLost(error: LeaseLostError): void;
}

type Held = LeaseHolder;

export interface LeaseKeeperOptions {
  leaseMs: number;
  heartbeatMs: number;
  /** Most leases renewed in one `heartbeat` call. */
  maxBatch: number;
  /** A lease was found lost; its handler has just been aborted. */
  onLost: (lease: Lease) => void;
  /** A `heartbeat` call failed (retried on the next beat). */
  report: (error: unknown) => void;
}

/**
 * Renews the leases of the jobs this worker holds, in batches, every
 * `heartbeatMs`. A lease the store no longer grants (expired and rescued,
 * cancelled) is dropped and its handler stopped (signal aborted with a
 * `LeaseLostError`).
 */
export class LeaseKeeper {
  private readonly held = new Map<string, Held>();
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
    private readonly options: LeaseKeeperOptions,
  ) {
    this.loop = new BackgroundLoop({
      intervalMs: options.heartbeatMs,
      run: () => this.renewAll(),
      report: options.report,
    });
  }

  get size(): number {
    return this.held.size;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Starts renewing `holder.lease`; `holder.leaseLost` is called if it is lost. */
  add(holder: LeaseHolder): void {
    const { lease } = holder;
    const previous = this.held.get(lease.id);
    // Claimed again under a new token: the earlier claim of this worker lost its lease.
    if (previous && previous.lease.token !== lease.token) this.lose(previous);
    this.held.set(lease.id, holder);
  }

  /** Stops renewing `lease` (its job was acknowledged). */
  remove(lease: Lease): void {
    if (this.held.get(lease.id)?.lease.token === lease.token) this.held.delete(lease.id);
  }

  /** Renews every held lease now (the periodic beat; also a test signal). Returns how many were lost. */
  beat(): Promise<number> {
    return this.loop.runOnce<number>();
  }

  /** Renews one lease now (`ctx.heartbeat()`); throws `LeaseLostError` if it was lost. */
  async beatOne(id: string, token: string): Promise<void> {
    const held = this.held.get(id);
    if (!held || held.lease.token !== token) throw new LeaseLostError(id);
    const [renewed] = await this.store.heartbeat({
      leases: [held.lease],
      now: this.clock.now(),
      leaseMs: this.options.leaseMs,
    });
    if (!renewed) {
      this.lose(held);
      throw new LeaseLostError(id);
    }
  }

  private async renewAll(): Promise<number> {
    const all = [...this.held.values()];
    let lost = 0;
    for (let i = 0; i < all.length; i += this.options.maxBatch) {
      const batch = all.slice(i, i + this.options.maxBatch);
      const results = await this.store.heartbeat({
        leases: batch.map((h) => h.lease),
        now: this.clock.now(),
        leaseMs: this.options.leaseMs,
      });
      batch.forEach((held, index) => {
        if (results[index] === false && this.held.get(held.lease.id) === held) {
          this.lose(held);
          lost++;
        }
      });
    }
    return lost;
  }

  private lose(held: Held): void {
    this.held.delete(held.lease.id);
    held.leaseLost(new LeaseLostError(held.lease.id));
    this.options.onLost(held.lease);
  }
}
