import type { JobRecord, JobState } from '@docket/core';
import { expect } from 'vitest';
import type { Fixtures } from './fixtures.js';

/** The queue every selection job is in. */
export const SELECTION_QUEUE = 'selection';

/** Offsets from `t0` that shape the selection. */
export const SELECTION_TIMES = {
  /** `runAt` of the scheduled job. */
  scheduledIn: 5 * 60_000,
  /** `retryAt` of the retrying job. */
  retryingIn: 10 * 60_000,
  /** The active job's lease: longer than any case advances time. */
  activeLeaseMs: 24 * 3_600_000,
  /** Past both `scheduledIn` and `retryingIn`, well inside the active lease. */
  allDue: 20 * 60_000,
} as const;

/** One job in each state, all in queue `selection`, created at `t0`. */
export interface Selection {
  jobs: Record<JobState, JobRecord>;
  /** The token the active job is claimed under. */
  activeToken: string;
  /** Every id, in state order. */
  ids: string[];
}

/**
 * Writes one job in each of the eight states through the interface. Built in
 * an order where each claim can only get the job meant for it. Snapshot as of
 * `t0`: the waiting job is held, the scheduled one runs at
 * `t0 + scheduledIn`, the retrying one at `t0 + retryingIn`.
 */
export async function makeSelection(fx: Fixtures): Promise<Selection> {
  const { store, t0 } = fx;
  const queue = SELECTION_QUEUE;
  const claimOnly = async (id: string, leaseMs = 60_000) => {
    const { jobs, token } = await fx.claim({ queues: [queue], limit: 5, leaseMs });
    expect(jobs.map((j) => j.id)).toEqual([id]);
    return { job: jobs[0]!, token };
  };

  const active = await fx.enqueue({ queue });
  const { token: activeToken } = await claimOnly(active.id, SELECTION_TIMES.activeLeaseMs);

  const retrying = await fx.enqueue({ queue });
  await fx.fail(await claimOnly(retrying.id), t0, t0 + SELECTION_TIMES.retryingIn);

  const completed = await fx.enqueue({ queue });
  await fx.complete(await claimOnly(completed.id));

  const failed = await fx.enqueue({ queue, maxAttempts: 1 });
  await fx.fail(await claimOnly(failed.id));

  const cancelled = await fx.enqueue({ queue });
  expect(await store.cancelJob({ id: cancelled.id, reason: 'selection', now: t0 })).not.toBeNull();

  const waiting = await fx.enqueue({ queue, hold: true });
  const scheduled = await fx.enqueue({ queue, runAt: t0 + SELECTION_TIMES.scheduledIn });
  const ready = await fx.enqueue({ queue });

  const byState = { waiting, scheduled, ready, active, retrying, completed, failed, cancelled };
  const jobs = {} as Record<JobState, JobRecord>;
  for (const [state, job] of Object.entries(byState) as Array<[JobState, JobRecord]>) {
    const stored = await fx.get(job.id, t0);
    expect(stored.state, `selection job ${job.id}`).toBe(state);
    jobs[state] = stored;
  }
  return { jobs, activeToken, ids: Object.values(jobs).map((j) => j.id) };
}
