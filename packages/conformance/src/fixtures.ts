import type { Ack, AttemptError, JobRecord, NewJob, RetentionSpec, Storage } from '@docket/core';
import { expect } from 'vitest';

/** The retention every fixture job gets unless overridden: distinct durations so a test can tell them apart. */
export const FIXTURE_RETENTION: RetentionSpec = {
  completed: 60_000,
  failed: 120_000,
  cancelled: 180_000,
  dropPayload: false,
};

/** The lease fixtures claim with unless told otherwise. */
export const FIXTURE_LEASE_MS = 30_000;

export const FIXTURE_WORKER = 'conformance-worker';

export interface ClaimOptions {
  queues?: string[];
  limit?: number;
  now?: number;
  leaseMs?: number;
  token?: string;
  workerId?: string;
}

/** A job claimed through the interface, with the token that fences it. */
export interface Claimed {
  job: JobRecord;
  token: string;
}

/**
 * Factories that write through the `Storage` interface, with defaults that
 * fit the state asked for. Ids are `j0001`, `j0002`… so their lexical order is
 * their creation order (cases that test enqueue order against id order pass
 * their own ids). Times default to `t0`.
 */
export class Fixtures {
  private seq = 0;
  private tokens = 0;

  constructor(
    readonly store: Storage,
    readonly t0: number,
  ) {}

  /** A valid `NewJob`: task `conformance-task`, queue `default`, priority 0, `runAt = t0`. */
  job(overrides: Partial<NewJob> = {}): NewJob {
    this.seq += 1;
    return {
      id: `j${String(this.seq).padStart(4, '0')}`,
      task: 'conformance-task',
      queue: 'default',
      payload: JSON.stringify({ n: this.seq }),
      priority: 0,
      runAt: this.t0,
      maxAttempts: 3,
      hold: false,
      dependsOn: [],
      unique: null,
      retention: { ...FIXTURE_RETENTION },
      ...overrides,
    };
  }

  /** A fresh lease token. */
  token(): string {
    this.tokens += 1;
    return `tok-${this.tokens}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Enqueues one job at `now` (default `t0`) and returns it as stored. */
  async enqueue(overrides: Partial<NewJob> = {}, now = this.t0): Promise<JobRecord> {
    const job = this.job(overrides);
    const [outcome] = await this.store.enqueue({ jobs: [job], now });
    expect(outcome, 'enqueue outcome').toMatchObject({ id: job.id, duplicate: false });
    return this.get(job.id, now);
  }

  /** The stored job, which must exist. */
  async get(id: string, now = this.t0): Promise<JobRecord> {
    const job = await this.store.getJob({ id, now });
    expect(job, `job ${id} should exist`).not.toBeNull();
    return job!;
  }

  /** Claims with defaults: queue `default`, limit 10, `now = t0`, a fresh token. */
  async claim(options: ClaimOptions = {}): Promise<{ jobs: JobRecord[]; token: string }> {
    const token = options.token ?? this.token();
    const jobs = await this.store.claim({
      queues: options.queues ?? ['default'],
      limit: options.limit ?? 10,
      now: options.now ?? this.t0,
      leaseMs: options.leaseMs ?? FIXTURE_LEASE_MS,
      token,
      workerId: options.workerId ?? FIXTURE_WORKER,
    });
    return { jobs, token };
  }

  /**
   * Enqueues a job in a queue of its own (unless `overrides.queue`) and claims
   * it, so it is `active`. The claim must return exactly that job.
   */
  async active(
    overrides: Partial<NewJob> = {},
    options: Omit<ClaimOptions, 'queues' | 'limit'> = {},
  ): Promise<Claimed> {
    const job = this.job({ queue: `own-${this.seq + 1}`, ...overrides });
    const now = options.now ?? this.t0;
    await this.store.enqueue({ jobs: [job], now });
    const { jobs, token } = await this.claim({ ...options, queues: [job.queue], limit: 1 });
    expect(
      jobs.map((j) => j.id),
      `claiming ${job.id}`,
    ).toEqual([job.id]);
    return { job: jobs[0]!, token };
  }

  /** Applies one ack at `now` and returns whether it applied. */
  async ack(ack: Ack, now = this.t0): Promise<boolean> {
    const [applied] = await this.store.acknowledge({ acks: [ack], now });
    return applied!;
  }

  /** An attempt error as the core would write it. */
  error(attempt: number, at: number, message = `attempt ${attempt} failed`): AttemptError {
    return { attempt, at, message, name: 'Error', stack: `Error: ${message}\n    at handler (task.ts:1:1)` };
  }

  /** Completes `claimed` at `now`; the ack must apply. */
  async complete(claimed: Claimed, now = this.t0, result: string | null = '{"ok":true}'): Promise<JobRecord> {
    expect(await this.ack({ type: 'complete', id: claimed.job.id, token: claimed.token, result }, now)).toBe(
      true,
    );
    return this.get(claimed.job.id, now);
  }

  /** Fails `claimed` at `now` for good (`retryAt: null`). */
  async fail(claimed: Claimed, now = this.t0, retryAt: number | null = null): Promise<JobRecord> {
    const error = this.error(claimed.job.attempts, now);
    expect(
      await this.ack({ type: 'fail', id: claimed.job.id, token: claimed.token, error, retryAt }, now),
    ).toBe(true);
    return this.get(claimed.job.id, now);
  }

  /** Every job the store lists, oldest first, over all pages. */
  async listAll(now = this.t0, filters: { queue?: string; state?: JobRecord['state']; task?: string } = {}) {
    const all: JobRecord[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const result = await this.store.listJobs({ now, limit: 100, order: 'asc', ...filters, cursor });
      all.push(...result.jobs);
      if (result.nextCursor === null) return all;
      cursor = result.nextCursor;
    }
    throw new Error('listJobs never returned a null cursor');
  }

  /** Total number of jobs, from `countJobs`. */
  async total(now = this.t0): Promise<number> {
    const counts = await this.store.countJobs({ now });
    return counts.reduce((sum, c) => sum + c.count, 0);
  }
}
