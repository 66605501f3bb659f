import type { Overview } from './api.js';

/** Jobs finished during one polling interval. */
export interface ThroughputPoint {
  /** End of the interval, ms since the epoch (server time). */
  at: number;
  /** Length of the interval in ms. */
  spanMs: number;
  /** Jobs per second. */
  completed: number;
  /** Jobs per second. */
  failed: number;
}

const KEEP = 90;

/**
 * Throughput from successive `/api/overview` answers: the growth of the
 * completed and failed totals between two answers, as jobs per second. A
 * total that shrank (the cleaner deleted old jobs) counts as 0.
 */
export class ThroughputHistory {
  readonly points: ThroughputPoint[] = [];
  private last: { at: number; completed: number; failed: number } | undefined;

  add(overview: Overview): void {
    // Counts are cached on the server: an answer with the same `countedAt`
    // is the same sample, not an interval in which nothing finished.
    const at = Date.parse(overview.countedAt ?? overview.time);
    const { completed, failed } = overview.totals;
    const last = this.last;
    if (!Number.isFinite(at) || (last && at <= last.at)) return;
    this.last = { at, completed, failed };
    if (!last) return;
    this.points.push({
      at,
      spanMs: at - last.at,
      completed: (Math.max(0, completed - last.completed) * 1000) / (at - last.at),
      failed: (Math.max(0, failed - last.failed) * 1000) / (at - last.at),
    });
    if (this.points.length > KEEP) this.points.splice(0, this.points.length - KEEP);
  }
}
