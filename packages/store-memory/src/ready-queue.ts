import { DueQueue } from './due-queue.js';
import { IndexedHeap } from './indexed-heap.js';
import type { StoredJob } from './stored-job.js';

/** Rule 2: higher priority, then earlier `runAt`, then enqueue order. */
function claimsBefore(a: StoredJob, b: StoredJob): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.runAt !== b.runAt) return a.runAt < b.runAt;
  return a.seq < b.seq;
}

function dueBefore(a: StoredJob, b: StoredJob): boolean {
  return a.runAt !== b.runAt ? a.runAt < b.runAt : a.seq < b.seq;
}

/**
 * One queue's claimable work: due jobs in claim order (a FIFO for jobs that
 * arrive in order, a heap for the rest), and a heap of jobs waiting for their
 * `runAt` (scheduled, retrying), promoted when due. Claiming k jobs is at most
 * O(k log n), O(k) in the common case, and never scans the queue.
 */
export class ReadyQueue {
  paused = false;
  /** Jobs of this queue in any state, so an empty queue can be forgotten. */
  jobCount = 0;
  private readonly due = new DueQueue<StoredJob>(claimsBefore);
  private readonly delayed = new IndexedHeap<StoredJob>(dueBefore);

  constructor(readonly name: string) {}

  /** Adds a `ready`/`scheduled`/`retrying` job; returns whether it is claimable at `now`. */
  add(job: StoredJob, now: number): boolean {
    if (job.runAt <= now) {
      this.due.push(job);
      return true;
    }
    this.delayed.push(job);
    return false;
  }

  remove(job: StoredJob): void {
    if (!this.due.remove(job)) this.delayed.remove(job);
  }

  /** Removes up to `limit` jobs claimable at `now` and appends them to `taken`, in claim order. */
  take(now: number, limit: number, taken: StoredJob[]): void {
    this.promote(now);
    let notYetDue: StoredJob[] | null = null;
    for (let count = 0; count < limit; ) {
      const job = this.due.pop();
      if (job === undefined) break;
      // Only when a caller's `now` goes backwards: the job is due later, not now.
      if (job.runAt > now) {
        notYetDue ??= [];
        notYetDue.push(job);
      } else {
        taken.push(job);
        count++;
      }
    }
    if (notYetDue !== null) for (const job of notYetDue) this.delayed.push(job);
  }

  hasClaimable(now: number): boolean {
    this.promote(now);
    return this.due.size > 0;
  }

  /** The earliest `runAt` after `now` among delayed jobs, or `null`. */
  nextRunAt(now: number): number | null {
    this.promote(now);
    return this.delayed.peek()?.runAt ?? null;
  }

  private promote(now: number): void {
    for (let job = this.delayed.peek(); job !== undefined && job.runAt <= now; job = this.delayed.peek()) {
      this.delayed.pop();
      this.due.push(job);
    }
  }
}
