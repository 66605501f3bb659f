import { type Docket, JOB_STATES, type JobState } from '@docket/core';
import type { QueueJson, StateCounts } from './api-types.js';

/** Every state at zero. */
export function zeroCounts(): StateCounts {
  return Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as StateCounts;
}

/** Queues with counts per state, sorted by name. */
export interface QueueSnapshot {
  queues: QueueJson[];
  totals: StateCounts;
  /** When these counts were taken (ISO 8601, the store's clock): older than `time` when served from the cache. */
  countedAt: string;
}

/**
 * Caches the queue counts for `ttlMs`: counting a million-job table on every
 * dashboard refresh of every open tab would load the store for nothing.
 * Concurrent misses share one count. Pausing or resuming a queue
 * invalidates, so the operator sees the change at once.
 */
export class CountsCache {
  #value: { at: number; snapshot: Promise<QueueSnapshot> } | undefined;

  constructor(
    private readonly docket: Docket,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<QueueSnapshot> {
    const now = this.now();
    if (this.#value && now - this.#value.at < this.ttlMs) return this.#value.snapshot;
    const snapshot = this.#load();
    const entry = { at: now, snapshot };
    this.#value = entry;
    // A failed count is not cached: the next request tries again.
    snapshot.catch(() => {
      if (this.#value === entry) this.#value = undefined;
    });
    return snapshot;
  }

  invalidate(): void {
    this.#value = undefined;
  }

  #load(): Promise<QueueSnapshot> {
    return queueCounts(this.docket);
  }
}

/** Every queue (with jobs or paused) with its counts per state, and the totals. */
export async function queueCounts(docket: Docket): Promise<QueueSnapshot> {
  const [queues, counts] = await Promise.all([docket.listQueues(), docket.countJobs()]);
  const countedAt = new Date(docket.clock.now()).toISOString();
  const byName = new Map<string, QueueJson>();
  for (const queue of queues)
    byName.set(queue.name, { name: queue.name, paused: queue.paused, counts: zeroCounts() });
  const totals = zeroCounts();
  for (const { queue, state, count } of counts) {
    let entry = byName.get(queue);
    if (!entry) {
      entry = { name: queue, paused: false, counts: zeroCounts() };
      byName.set(queue, entry);
    }
    entry.counts[state as JobState] += count;
    totals[state as JobState] += count;
  }
  const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { queues: sorted, totals, countedAt };
}
