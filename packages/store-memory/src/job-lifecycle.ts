import {
  type ClaimParams,
  type EnqueueOutcome,
  isTerminal,
  JobNotFoundError,
  type NewJob,
  reportedState,
} from '@docket/core';
import { DependencyGraph } from './dependencies.js';
import { IndexedHeap } from './indexed-heap.js';
import { JobTable } from './job-table.js';
import { ReadyQueue } from './ready-queue.js';
import { createStoredJob, type StoredJob } from './stored-job.js';
import type { WakeNotifier } from './wake-notifier.js';

type TerminalState = 'completed' | 'failed' | 'cancelled';

/**
 * The job state machine of the memory store: every transition, applied to the
 * job table and kept consistent with the indexes (ready queues, the active
 * set, the retention heap, the dependency graph). Each method runs to
 * completion synchronously, which is what makes it atomic.
 */
export class JobLifecycle {
  readonly jobs = new JobTable();
  readonly queues = new Map<string, ReadyQueue>();
  /** Jobs under a lease, by id: small (the workers' total concurrency), so acks look up here. */
  readonly active = new Map<string, StoredJob>();
  private readonly expiring = new IndexedHeap<StoredJob>((a, b) =>
    a.deleteAt !== b.deleteAt ? a.deleteAt! < b.deleteAt! : a.seq < b.seq,
  );
  private readonly graph = new DependencyGraph();

  constructor(private readonly notifier: WakeNotifier) {}

  queue(name: string): ReadyQueue {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = new ReadyQueue(name);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Throws `JobNotFoundError` unless every dependency is stored or an earlier job of the batch. */
  assertDependenciesExist(batch: readonly NewJob[]): void {
    // Most batches have no dependencies: skip collecting the batch's ids for them.
    const first = batch.findIndex((job) => job.dependsOn.length > 0);
    if (first < 0) return;
    const earlier = new Set<string>();
    for (let i = 0; i < first; i++) earlier.add(batch[i]!.id);
    for (let i = first; i < batch.length; i++) {
      const job = batch[i]!;
      for (const dependencyId of job.dependsOn) {
        if (!earlier.has(dependencyId) && !this.jobs.has(dependencyId)) {
          throw new JobNotFoundError(dependencyId, `named in dependsOn of job "${job.id}"`);
        }
      }
      earlier.add(job.id);
    }
  }

  /**
   * Inserts one job of a batch whose dependencies were checked. `aliases` maps
   * the ids of the batch's duplicates to the jobs they resolved to, so a later
   * job depending on a duplicate waits on the stored one.
   */
  insert(input: NewJob, now: number, aliases: Map<string, string>): EnqueueOutcome {
    const duplicate = this.findDuplicate(input, now);
    if (duplicate !== undefined) {
      aliases.set(input.id, duplicate.id);
      return {
        id: duplicate.id,
        duplicate: true,
        state: reportedState(duplicate.state, duplicate.runAt, now),
      };
    }

    const dependsOn = [...new Set(input.dependsOn.map((id) => aliases.get(id) ?? id))];
    const job = createStoredJob(input, dependsOn, now);
    let brokenDependency: StoredJob | undefined;
    for (const dependencyId of dependsOn) {
      const dependency = this.jobs.get(dependencyId)!;
      if (dependency.state === 'failed' || dependency.state === 'cancelled') {
        brokenDependency ??= dependency;
      } else if (dependency.state !== 'completed') {
        job.pendingDependencies++;
      }
    }

    this.jobs.insert(job);
    this.queue(job.queue).jobCount++;
    this.graph.link(job.id, dependsOn);
    if (brokenDependency !== undefined) {
      this.cancelForDependency(job, brokenDependency, now);
    } else if (!job.held && job.pendingDependencies === 0) {
      this.makeRunnable(job, now);
    }
    return { id: job.id, duplicate: false, state: reportedState(job.state, job.runAt, now) };
  }

  /**
   * Claims up to `limit` claimable jobs, queues in the order given, paused
   * ones skipped: each becomes `active` under `token` with one more attempt.
   */
  claim(params: ClaimParams): StoredJob[] {
    const { limit, now } = params;
    const claimed: StoredJob[] = [];
    const queues = params.queues.length === 1 ? params.queues : new Set(params.queues);
    for (const name of queues) {
      if (claimed.length >= limit) break;
      const queue = this.queues.get(name);
      if (queue === undefined || queue.paused) continue;
      const from = claimed.length;
      queue.take(now, limit - from, claimed);
      for (let i = from; i < claimed.length; i++) {
        const job = claimed[i]!;
        job.state = 'active';
        job.attempts++;
        job.startedAt = now;
        job.leaseToken = params.token;
        job.leaseExpiresAt = now + params.leaseMs;
        job.workerId = params.workerId;
        this.active.set(job.id, job);
      }
    }
    return claimed;
  }

  /**
   * Pauses or resumes a queue; a resumed queue with claimable or delayed jobs
   * wakes listeners (a dispatcher's `nextRunAt` skipped it while paused).
   */
  setPaused(name: string, paused: boolean, now: number): void {
    const queue = this.queue(name);
    const wasPaused = queue.paused;
    queue.paused = paused;
    if (paused) return;
    if (queue.jobCount === 0) this.queues.delete(name);
    else if (wasPaused && (queue.hasClaimable(now) || queue.nextRunAt(now) !== null))
      this.notifier.notify(name);
  }

  /** The job if it is `active` under `token`: the fence of every acknowledgement. */
  leased(id: string, token: string): StoredJob | undefined {
    const job = this.active.get(id);
    return job !== undefined && job.leaseToken === token ? job : undefined;
  }

  /** Ends the current claim: the job leaves the active set and its lease fields are cleared. */
  endLease(job: StoredJob): void {
    this.active.delete(job.id);
    job.leaseToken = null;
    job.leaseExpiresAt = null;
    job.workerId = null;
  }

  /**
   * Puts a job that may run into its queue: `ready` if due at `now`, else
   * `scheduled`. Wakes listeners either way: a dispatcher sleeping until a
   * later `runAt` (or the safety poll) must re-read `nextRunAt`.
   */
  makeRunnable(job: StoredJob, now: number): void {
    job.state = job.runAt <= now ? 'ready' : 'scheduled';
    const queue = this.queue(job.queue);
    queue.add(job, now);
    if (!queue.paused) this.notifier.notify(job.queue);
  }

  /** Adds a `ready`/`scheduled`/`retrying` job to its queue and wakes listeners if it is claimable. */
  enqueueRunnable(job: StoredJob, now: number): void {
    const queue = this.queue(job.queue);
    if (queue.add(job, now) && !queue.paused) this.notifier.notify(job.queue);
  }

  /**
   * Moves a job to a terminal state at `now` (from any non-terminal state),
   * sets `deleteAt` from its retention, then releases or cancels its
   * dependents.
   */
  finish(job: StoredJob, state: TerminalState, now: number): void {
    this.settle(job, state, now);
    if (state === 'completed') this.releaseDependents(job, now);
    else this.cascadeCancel(job, now);
  }

  /** Cancels a non-terminal job with `reason`, cascading to its dependents. */
  cancel(job: StoredJob, reason: string, now: number): void {
    job.cancelReason = reason;
    this.finish(job, 'cancelled', now);
  }

  /** Moves a `failed`/`cancelled` job back to `ready` with at least one more attempt. */
  retry(job: StoredJob, now: number): void {
    this.expiring.remove(job);
    job.runAt = now;
    job.finishedAt = null;
    job.deleteAt = null;
    job.cancelReason = null;
    job.cascadeCause = null;
    job.held = false;
    job.maxAttempts = Math.max(job.maxAttempts, job.attempts + 1);
    this.jobs.claimUniqueKeyIfFree(job);
    this.makeRunnable(job, now);
  }

  /**
   * Removes a job that is not active at the operator's request. A job that
   * never completed can no longer satisfy its dependents: they are cancelled
   * first, transitively, with a reason naming it.
   */
  remove(job: StoredJob, now: number): void {
    if (job.state !== 'completed') {
      const phrase = `dependency "${job.id}" was removed`;
      for (const dependentId of this.graph.dependentsOf(job.id)) {
        const dependent = this.jobs.get(dependentId);
        if (dependent === undefined || isTerminal(dependent.state)) continue;
        this.cancelWithCause(dependent, phrase, null, now);
        this.cascadeCancel(dependent, now);
      }
    }
    this.delete(job);
  }

  /** Deletes a job that is not active, from every index. */
  delete(job: StoredJob): void {
    this.detach(job);
    this.expiring.remove(job);
    this.jobs.delete(job);
    this.graph.unlink(job.id, job.dependsOn);
    const queue = this.queues.get(job.queue);
    if (queue !== undefined && --queue.jobCount === 0 && !queue.paused) this.queues.delete(job.queue);
  }

  /** Deletes at most `limit` terminal jobs whose `deleteAt` has passed; returns how many. */
  deleteExpired(now: number, limit: number): number {
    let deleted = 0;
    for (let job = this.expiring.peek(); deleted < limit && job !== undefined && job.deleteAt! <= now; ) {
      this.delete(job);
      deleted++;
      job = this.expiring.peek();
    }
    return deleted;
  }

  /** Removes a job from the structure its state keeps it in (queue heaps or active set). */
  private detach(job: StoredJob): void {
    if (job.state === 'active') this.endLease(job);
    else if (job.state === 'ready' || job.state === 'scheduled' || job.state === 'retrying') {
      this.queues.get(job.queue)?.remove(job);
    }
  }

  private findDuplicate(input: NewJob, now: number): StoredJob | undefined {
    const sameId = this.jobs.get(input.id);
    if (sameId !== undefined) return sameId;
    if (input.unique === null) return undefined;
    const holder = this.jobs.uniqueHolder(input.task, input.unique.key);
    if (holder === undefined) return undefined;
    if (!isTerminal(holder.state)) return holder;
    const { period } = input.unique;
    return period !== null && holder.finishedAt !== null && now - holder.finishedAt < period
      ? holder
      : undefined;
  }

  private releaseDependents(job: StoredJob, now: number): void {
    const dependents = this.graph.dependentsOf(job.id);
    // Most jobs have no dependents: no iterator for them (every completion passes here).
    if (dependents.length === 0) return;
    for (const dependentId of dependents) {
      const dependent = this.jobs.get(dependentId);
      if (dependent === undefined || dependent.state !== 'waiting' || dependent.pendingDependencies === 0)
        continue;
      if (--dependent.pendingDependencies === 0 && !dependent.held) this.makeRunnable(dependent, now);
    }
  }

  /** Cancels every non-terminal dependent of a failed/cancelled job, transitively (iterative: chains may be long). */
  private cascadeCancel(root: StoredJob, now: number): void {
    const pending = [root];
    for (let job = pending.pop(); job !== undefined; job = pending.pop()) {
      for (const dependentId of this.graph.dependentsOf(job.id)) {
        const dependent = this.jobs.get(dependentId);
        if (dependent === undefined || isTerminal(dependent.state)) continue;
        this.cancelForDependency(dependent, job, now);
        pending.push(dependent);
      }
    }
  }

  /** Cancels `job` because `dependency` failed or was cancelled, without touching its own dependents. */
  private cancelForDependency(job: StoredJob, dependency: StoredJob, now: number): void {
    const phrase = `dependency "${dependency.id}" ${dependency.state === 'failed' ? 'failed' : 'was cancelled'}`;
    this.cancelWithCause(job, phrase, dependency.cascadeCause, now);
  }

  /** Cancels `job` for `phrase` (and the root `cause` behind it, if any), without touching its dependents. */
  private cancelWithCause(job: StoredJob, phrase: string, cause: string | null, now: number): void {
    job.cascadeCause = cause ?? phrase;
    job.cancelReason = cause === null ? phrase : `${phrase} because ${cause}`;
    this.settle(job, 'cancelled', now);
  }

  /** The terminal transition itself: leaves queue or lease, stamps `finishedAt` and `deleteAt`. */
  private settle(job: StoredJob, state: TerminalState, now: number): void {
    this.detach(job);
    job.state = state;
    job.finishedAt = now;
    const keepFor = job.retention[state];
    job.deleteAt = keepFor === null ? null : now + keepFor;
    if (job.deleteAt !== null) this.expiring.push(job);
  }
}
