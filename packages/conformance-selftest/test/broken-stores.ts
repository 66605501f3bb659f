import type {
  AcknowledgeParams,
  ClaimParams,
  EnqueueOutcome,
  EnqueueParams,
  FireScheduleParams,
  HeartbeatParams,
  JobRecord,
  ListJobsParams,
  Storage,
} from '@docket/core';
import { isTerminal } from '@docket/core';
import { DelegatingStore } from './delegating-store.js';

/** (a) Hands a job to two claimers: each claim also returns a job the previous claim got. */
export class DoubleClaimStore extends DelegatingStore {
  private previous: JobRecord[] = [];
  override async claim(params: ClaimParams) {
    const got = await this.inner.claim(params);
    if (got.length === 0) return got;
    const extra = this.previous.filter((p) => !got.some((g) => g.id === p.id)).slice(0, 1);
    this.previous = got;
    return [...got, ...extra];
  }
}

/** (b) Ignores fencing: every ack and heartbeat is applied under the job's current token. */
export class UnfencedStore extends DelegatingStore {
  private async currentToken(id: string, token: string, now: number) {
    return (await this.inner.getJob({ id, now }))?.leaseToken ?? token;
  }
  override async acknowledge(params: AcknowledgeParams) {
    const acks = await Promise.all(
      params.acks.map(async (a) => ({ ...a, token: await this.currentToken(a.id, a.token, params.now) })),
    );
    return this.inner.acknowledge({ ...params, acks });
  }
  override async heartbeat(params: HeartbeatParams) {
    const leases = await Promise.all(
      params.leases.map(async (l) => ({ ...l, token: await this.currentToken(l.id, l.token, params.now) })),
    );
    return this.inner.heartbeat({ ...params, leases });
  }
}

/** (c) Ignores priority and runAt: serves each queue first-in first-out by id. */
export class FifoStore extends DelegatingStore {
  override async claim(params: ClaimParams) {
    const all = await this.inner.claim({ ...params, limit: 100_000 });
    const sorted = all.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const extra = sorted.slice(params.limit);
    if (extra.length > 0) {
      await this.inner.acknowledge({
        acks: extra.map((j) => ({ type: 'release' as const, id: j.id, token: params.token })),
        now: params.now,
      });
    }
    return sorted.slice(0, params.limit);
  }
}

/** (d) Loses released jobs: a release deletes the job instead of putting it back. */
export class LosesReleasedStore extends DelegatingStore {
  override async acknowledge(params: AcknowledgeParams) {
    const acks = params.acks.map((a) =>
      a.type === 'release' ? { type: 'cancel' as const, id: a.id, token: a.token, reason: 'released' } : a,
    );
    const applied = await this.inner.acknowledge({ ...params, acks });
    for (const [i, a] of params.acks.entries()) {
      if (a.type === 'release' && applied[i]) await this.inner.removeJob({ id: a.id, now: params.now });
    }
    return applied;
  }
}

/** (e) Fires a schedule whatever its nextRunAt: no compare-and-set. */
export class DoubleFireStore extends DelegatingStore {
  override async fireSchedule(params: FireScheduleParams): Promise<EnqueueOutcome | null> {
    const fired = await this.inner.fireSchedule(params);
    if (fired) return fired;
    const schedule = await this.inner.getSchedule({ name: params.name });
    if (!schedule || schedule.paused) return null;
    const [outcome] = await this.inner.enqueue({ jobs: [params.job], now: params.now });
    return outcome ?? null;
  }
}

/** (f) Ignores pause: pausing a queue does nothing. */
export class IgnoresPauseStore extends DelegatingStore {
  override async setQueuePaused(params: { queue: string; paused: boolean; now: number }) {
    if (!params.paused) await this.inner.setQueuePaused(params);
  }
}

/** (g) Cleans too much: deleteExpired also deletes every waiting, scheduled, ready and retrying job. */
export class GreedyCleanerStore extends DelegatingStore {
  override async deleteExpired(params: { now: number; limit: number }) {
    let deleted = await this.inner.deleteExpired(params);
    for (const state of ['waiting', 'scheduled', 'ready', 'retrying'] as const) {
      const { jobs } = await this.inner.listJobs({ now: params.now, state, limit: params.limit });
      for (const job of jobs) if (await this.inner.removeJob({ id: job.id, now: params.now })) deleted++;
    }
    return deleted;
  }
}

/**
 * (h) Decides a dependent's state from a stale read: looks at the dependencies, yields (as a
 * store reading outside its write transaction would), then inserts the job held unless the
 * dependencies looked complete. A dependency completing in between leaves the dependent stuck.
 */
export class StaleDependencyStore extends DelegatingStore {
  override async enqueue(params: EnqueueParams) {
    const looksDone = await Promise.all(
      params.jobs.map(async (job) => {
        const deps = await Promise.all(job.dependsOn.map((id) => this.inner.getJob({ id, now: params.now })));
        return deps.every((d) => d === null || d.state === 'completed');
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const jobs = params.jobs.map((job) => (job.dependsOn.length > 0 ? { ...job, hold: true } : job));
    const outcomes = await this.inner.enqueue({ ...params, jobs });
    for (const [i, job] of params.jobs.entries()) {
      if (job.dependsOn.length > 0 && !job.hold && looksDone[i]) {
        await this.inner.releaseHold({ id: job.id, now: params.now });
      }
    }
    return outcomes;
  }
}

/**
 * (i) Checks uniqueness, then inserts: looks for a live job of the same task and key, yields,
 * and inserts without the store's own check when it found none. Concurrent enqueues all pass.
 */
export class CheckThenInsertUniqueStore extends DelegatingStore {
  override async enqueue(params: EnqueueParams) {
    const outcomes: EnqueueOutcome[] = [];
    for (const job of params.jobs) {
      if (!job.unique) {
        outcomes.push(...(await this.inner.enqueue({ ...params, jobs: [job] })));
        continue;
      }
      const { jobs } = await this.inner.listJobs({ now: params.now, task: job.task, limit: 1_000 });
      const live = jobs.find((j) => j.uniqueKey === job.unique!.key && !isTerminal(j.state));
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (live) outcomes.push({ id: live.id, duplicate: true, state: live.state });
      else outcomes.push(...(await this.inner.enqueue({ ...params, jobs: [{ ...job, unique: null }] })));
    }
    return outcomes;
  }
}

/** (j) Pages by offset: the cursor is a position, so a deletion between pages shifts the next page. */
export class OffsetCursorStore extends DelegatingStore {
  override async listJobs(params: ListJobsParams) {
    const { cursor, limit, ...filters } = params;
    const all: JobRecord[] = [];
    let next: string | undefined;
    do {
      const page = await this.inner.listJobs({ ...filters, limit: 1_000, cursor: next });
      all.push(...page.jobs);
      next = page.nextCursor ?? undefined;
    } while (next);
    const offset = cursor ? Number(cursor) : 0;
    const end = offset + limit;
    return { jobs: all.slice(offset, end), nextCursor: end < all.length ? String(end) : null };
  }
}

/** The memory store's job state machine, as far as (k) reaches into it. */
interface MemoryInternals {
  jobs: { jobs: { get(id: string): { state: string } | undefined }; delete(job: object): void };
}

/**
 * (k) Removes a job as if nothing depended on it: the row goes, its waiting dependents stay
 * waiting for a job that will never complete (the memory and Redis stores before the clause).
 * Only the memory store's internals can delete without the cascade, so it reaches into them.
 */
export class RemovalStrandsDependentsStore extends DelegatingStore {
  override async removeJob(params: { id: string; now: number }) {
    const lifecycle = (this.inner as unknown as MemoryInternals).jobs;
    const job = lifecycle.jobs.get(params.id);
    if (job === undefined || job.state === 'active') return this.inner.removeJob(params);
    lifecycle.delete(job);
    return true;
  }
}

export type BrokenStoreClass = new (inner: Storage) => Storage;
