import type { WakeListener } from '@docket/core';
import type Database from 'better-sqlite3';
import type { Statements } from './statements.js';

/**
 * Wake-ups of one store instance.
 *
 * - Writes made by this instance call the listeners right after their commit.
 * - A write made inside the application's own transaction (`enqueue({ tx })`)
 *   cannot know when that transaction ends, so it is parked and a short timer
 *   watches `db.inTransaction`; once the transaction is over, the wake-up fires
 *   only if the jobs are there (committed, not rolled back).
 * - Writes of other connections (other processes, other instances on the same
 *   file) are noticed by polling `PRAGMA data_version` while someone listens:
 *   one cheap pragma per interval when nothing happens. When it moved, the
 *   jobs inserted since the last look (seq above the highest seen: one writer
 *   at a time, so seqs become visible in order) name the queues of new
 *   claimable or scheduled jobs, and the wakeups table the queues that got
 *   work by any other transition (retry, release, unblocked dependents…).
 *   Enqueues thus write no wake-up row.
 */
export class WakeHub {
  private readonly listeners = new Set<WakeListener>();
  private pollTimer: NodeJS.Timeout | undefined;
  private dataVersion = -1;
  private wakeVersion = 0;
  private seenSeq = 0;
  private readonly parked: { queues: string[]; probe: string }[] = [];
  private parkTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly statements: () => Statements,
    private readonly pollIntervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get size(): number {
    return this.listeners.size;
  }

  subscribe(listener: WakeListener): () => void {
    this.listeners.add(listener);
    if (!this.pollTimer) this.startPolling();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  /** Calls every listener now; a listener that throws never breaks the write that woke it. */
  notify(queues: string[]): void {
    if (queues.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(queues);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /**
   * Wakes for a write made inside the caller's open transaction, once it
   * committed: `probe` is the id of a job the write inserted.
   */
  afterCallerCommit(queues: string[], probe: string): void {
    if (queues.length === 0) return;
    this.parked.push({ queues, probe });
    if (!this.parkTimer) this.parkTimer = setInterval(() => this.flushParked(), 2).unref();
  }

  close(): void {
    this.listeners.clear();
    this.stopPolling();
    if (this.parkTimer) clearInterval(this.parkTimer);
    this.parkTimer = undefined;
    this.parked.length = 0;
  }

  private flushParked(): void {
    if (this.db.inTransaction) return;
    clearInterval(this.parkTimer);
    this.parkTimer = undefined;
    const parked = this.parked.splice(0);
    try {
      const st = this.statements();
      const queues = new Set<string>();
      for (const { queues: qs, probe } of parked) {
        if (st.jobById.get(probe)) for (const q of qs) queues.add(q);
      }
      this.notify([...queues]);
    } catch (error) {
      this.onError(error);
    }
  }

  private startPolling(): void {
    try {
      const st = this.statements();
      this.dataVersion = st.dataVersion.get()!.data_version;
      this.wakeVersion = st.wakeupVersion.get()!.v;
      this.seenSeq = st.maxSeq.get()!.seq ?? 0;
    } catch (error) {
      this.onError(error);
    }
    this.pollTimer = setInterval(() => this.poll(), this.pollIntervalMs).unref();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private poll(): void {
    if (!this.db.open) {
      this.stopPolling();
      return;
    }
    try {
      const st = this.statements();
      const version = st.dataVersion.get()!.data_version;
      if (version === this.dataVersion) return;
      this.dataVersion = version;
      const queues = new Set<string>();
      const top = st.maxSeq.get()!.seq ?? 0;
      if (top > this.seenSeq) {
        for (const row of st.queuesWithNewWork.all(this.seenSeq, top)) queues.add(row.queue);
        this.seenSeq = top;
      }
      for (const row of st.wakeupsSince.all(this.wakeVersion)) {
        queues.add(row.queue);
        if (row.version > this.wakeVersion) this.wakeVersion = row.version;
      }
      this.notify([...queues]);
    } catch (error) {
      this.onError(error);
    }
  }
}
