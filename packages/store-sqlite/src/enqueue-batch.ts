import {
  type EnqueueOutcome,
  JobNotFoundError,
  type JobState,
  type NewJob,
  reportedState,
} from '@docket/core';
import { cascadeReason } from './dependencies.js';
import type { Statements } from './statements.js';

/**
 * Inserts `jobs` in order, inside the caller's transaction (rules 6-8).
 * Earlier jobs of the batch are already rows when later ones look for
 * duplicates or dependencies, so the batch sees itself. Adds the queues that
 * got claimable work or an earlier `runAt` to `wake` and the ids of inserted jobs to `inserted`.
 * Throws `JobNotFoundError` for an unknown dependency: the caller's
 * transaction then rolls the whole batch back.
 */
export function insertBatch(
  st: Statements,
  jobs: NewJob[],
  now: number,
  wake: Set<string>,
  inserted: string[],
): EnqueueOutcome[] {
  // A batch job that turned out a duplicate answers to the existing job's id.
  const alias = new Map<string, string>();
  const outcomes: EnqueueOutcome[] = [];
  for (const job of jobs) {
    // Neither a unique key nor dependencies: nothing to look up before the
    // insert, whose ON CONFLICT (id) reports an existing id (one statement per job).
    const plain = !job.unique && job.dependsOn.length === 0;
    const existing = plain
      ? undefined
      : (st.jobById.get(job.id) ??
        (job.unique
          ? st.uniqueMatch.get({ task: job.task, key: job.unique.key, period: job.unique.period, now })
          : undefined));
    if (existing) {
      alias.set(job.id, existing.id);
      outcomes.push({
        id: existing.id,
        duplicate: true,
        state: reportedState(existing.state, existing.run_at, now),
      });
      continue;
    }

    const dependsOn = [...new Set(job.dependsOn.map((dep) => alias.get(dep) ?? dep))];
    let pending = false;
    let broken: { reason: string; cause: string } | undefined;
    for (const dep of dependsOn) {
      const row = st.jobById.get(dep);
      if (!row) throw new JobNotFoundError(dep, `named in dependsOn of job "${job.id}"`);
      if (row.state === 'failed' || row.state === 'cancelled') {
        broken ??= cascadeReason({ id: row.id, state: row.state, cascadeCause: row.cascade_cause });
      } else if (row.state !== 'completed') {
        pending = true;
      }
    }

    const state: JobState = broken
      ? 'cancelled'
      : job.hold || pending
        ? 'waiting'
        : job.runAt > now
          ? 'scheduled'
          : 'ready';
    const { retention } = job;
    const { changes } = st.insertJob.run({
      id: job.id,
      task: job.task,
      queue: job.queue,
      state,
      payload: job.payload,
      priority: job.priority,
      runAt: job.runAt,
      now,
      finishedAt: state === 'cancelled' ? now : null,
      maxAttempts: job.maxAttempts,
      held: job.hold ? 1 : 0,
      dependsOn: JSON.stringify(dependsOn),
      uniqueKey: job.unique?.key ?? null,
      cancelReason: broken?.reason ?? null,
      cascadeCause: broken?.cause ?? null,
      keepCompleted: retention.completed,
      keepFailed: retention.failed,
      keepCancelled: retention.cancelled,
      dropPayload: retention.dropPayload ? 1 : 0,
      deleteAt: state === 'cancelled' && retention.cancelled !== null ? now + retention.cancelled : null,
    });
    if (changes === 0) {
      // Only a plain job gets here: its id is taken (rule 7).
      const taken = st.jobById.get(job.id)!;
      alias.set(job.id, taken.id);
      outcomes.push({ id: taken.id, duplicate: true, state: reportedState(taken.state, taken.run_at, now) });
      continue;
    }
    for (const dep of dependsOn) st.insertDep.run(dep, job.id);
    // Scheduled too: a dispatcher sleeping past its runAt must re-read nextRunAt.
    if (state === 'ready' || state === 'scheduled') wake.add(job.queue);
    inserted.push(job.id);
    outcomes.push({ id: job.id, duplicate: false, state });
  }
  return outcomes;
}
