import type { StoredJob } from './stored-job.js';

/**
 * Every stored job, by id, in enqueue order, and by (task, unique key).
 * The ordered index is append-only with tombstones, compacted when they
 * outnumber live jobs, so deletes stay O(1) amortised and listing can seek.
 */
export class JobTable {
  private readonly byId = new Map<string, StoredJob>();
  private ordered: StoredJob[] = [];
  private tombstones = 0;
  private readonly byUniqueKey = new Map<string, StoredJob>();
  private lastSeq = 0;

  get size(): number {
    return this.byId.size;
  }

  get(id: string): StoredJob | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Stores `job`, giving it the next enqueue sequence number. */
  insert(job: StoredJob): void {
    job.seq = ++this.lastSeq;
    this.byId.set(job.id, job);
    this.ordered.push(job);
    if (job.uniqueKey !== null) this.byUniqueKey.set(uniqueSlot(job.task, job.uniqueKey), job);
  }

  delete(job: StoredJob): void {
    if (this.byId.get(job.id) !== job) return;
    this.byId.delete(job.id);
    job.removed = true;
    if (job.uniqueKey !== null) {
      const slot = uniqueSlot(job.task, job.uniqueKey);
      if (this.byUniqueKey.get(slot) === job) this.byUniqueKey.delete(slot);
    }
    this.tombstones++;
    if (this.tombstones > 1024 && this.tombstones * 2 > this.ordered.length) {
      this.ordered = this.ordered.filter((j) => !j.removed);
      this.tombstones = 0;
    }
  }

  /** The latest job enqueued with this task and unique key, if still stored. */
  uniqueHolder(task: string, key: string): StoredJob | undefined {
    return this.byUniqueKey.get(uniqueSlot(task, key));
  }

  /** Makes `job` the holder of its unique key unless another non-removed job holds it. */
  claimUniqueKeyIfFree(job: StoredJob): void {
    if (job.uniqueKey === null) return;
    const slot = uniqueSlot(job.task, job.uniqueKey);
    if (!this.byUniqueKey.has(slot)) this.byUniqueKey.set(slot, job);
  }

  values(): IterableIterator<StoredJob> {
    return this.byId.values();
  }

  /**
   * Live jobs in enqueue order (`asc`) or its reverse (`desc`), starting
   * strictly after (in that direction) the job of sequence `afterSeq`.
   */
  *inOrder(order: 'asc' | 'desc', afterSeq: number | null): Generator<StoredJob> {
    const ordered = this.ordered;
    if (order === 'asc') {
      const start = afterSeq === null ? 0 : firstIndexAbove(ordered, afterSeq);
      for (let i = start; i < ordered.length; i++) {
        const job = ordered[i]!;
        if (!job.removed) yield job;
      }
    } else {
      const start = afterSeq === null ? ordered.length - 1 : firstIndexAbove(ordered, afterSeq - 1) - 1;
      for (let i = start; i >= 0; i--) {
        const job = ordered[i]!;
        if (!job.removed) yield job;
      }
    }
  }
}

function uniqueSlot(task: string, key: string): string {
  return `${task}\u0000${key}`;
}

/** Index of the first job whose sequence is greater than `seq` (binary search). */
function firstIndexAbove(ordered: StoredJob[], seq: number): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ordered[mid]!.seq <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}
