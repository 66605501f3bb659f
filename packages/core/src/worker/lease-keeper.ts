import type { Clock } from '../clock.js';
import { LeaseLostError } from '../errors.js';
import type { Lease } from '../job.js';
import type { Storage } from '../storage.js';
import { BackgroundLoop } from './background-loop.js';

/** A held lease and who to tell when it is lost (the worker's per-job object: no closure per job). */
export interface LeaseHolder {
  readonly lease: Lease;
  /** The keeper's bookkeeping: the group holding this lease, `null` once it is no longer renewed. */
  leaseGroup: LeaseGroup | null;
  /** The keeper's bookkeeping: this holder's index in its group. */
  leaseSlot: number;
  /** Stops the job's handler (or drops the job if it has not started): its lease is gone. */
  leaseLost(error: LeaseLostError): void;
}

/** The leases of one claim: added together, each dropped on its own, forgotten once all are. */
export class LeaseGroup {
  /** A dropped lease's slot is cleared, so a finished job is not kept alive by the rest of its claim. */
  readonly holders: (LeaseHolder | null)[];
  live: number;
  constructor(holders: readonly LeaseHolder[]) {
    this.holders = holders.slice();
    this.live = holders.length;
  }
}

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
 * cancelled, claimed again) is dropped and its handler stopped (signal
 * aborted with a `LeaseLostError`).
 *
 * Leases are kept per claim (one set entry per claimed batch, a counter and a
 * field per job) rather than in a map by job id: adding and dropping a lease is
 * then no hashing at all, which a per-job map entry was 5% of a no-op job's CPU.
 */
export class LeaseKeeper {
  private readonly groups = new Set<LeaseGroup>();
  private held = 0;
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

  /** Leases held. */
  get size(): number {
    return this.held;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Starts renewing the leases of one claim's jobs; each holder's `leaseLost` is called if its lease is lost. */
  addAll(holders: readonly LeaseHolder[]): void {
    if (holders.length === 0) return;
    const group = new LeaseGroup(holders);
    for (let i = 0; i < holders.length; i++) {
      const holder = holders[i]!;
      holder.leaseGroup = group;
      holder.leaseSlot = i;
    }
    this.groups.add(group);
    this.held += holders.length;
  }

  /** Stops renewing `holder`'s lease (its job was acknowledged or given back). */
  remove(holder: LeaseHolder): void {
    const group = holder.leaseGroup;
    if (group === null) return;
    holder.leaseGroup = null;
    group.holders[holder.leaseSlot] = null;
    this.held--;
    if (--group.live === 0) this.groups.delete(group);
  }

  /** Renews every held lease now (the periodic beat; also a test signal). Returns how many were lost. */
  beat(): Promise<number> {
    return this.loop.runOnce<number>();
  }

  /** Renews one lease now (`ctx.heartbeat()`); throws `LeaseLostError` if it was lost. */
  async beatOne(holder: LeaseHolder): Promise<void> {
    const { lease } = holder;
    if (holder.leaseGroup === null) throw new LeaseLostError(lease.id);
    const [renewed] = await this.store.heartbeat({
      leases: [lease],
      now: this.clock.now(),
      leaseMs: this.options.leaseMs,
    });
    if (!renewed) {
      if (holder.leaseGroup !== null) this.lose(holder);
      throw new LeaseLostError(lease.id);
    }
  }

  private async renewAll(): Promise<number> {
    const all: LeaseHolder[] = [];
    for (const group of this.groups) {
      for (const holder of group.holders) if (holder !== null) all.push(holder);
    }
    let lost = 0;
    for (let i = 0; i < all.length; i += this.options.maxBatch) {
      const batch = all.slice(i, i + this.options.maxBatch);
      const results = await this.store.heartbeat({
        leases: batch.map((h) => h.lease),
        now: this.clock.now(),
        leaseMs: this.options.leaseMs,
      });
      batch.forEach((held, index) => {
        if (results[index] === false && held.leaseGroup !== null) {
          this.lose(held);
          lost++;
        }
      });
    }
    return lost;
  }

  private lose(holder: LeaseHolder): void {
    this.remove(holder);
    holder.leaseLost(new LeaseLostError(holder.lease.id));
    this.options.onLost(holder.lease);
  }
}
