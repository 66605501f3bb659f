import {
  type EnqueueOutcome,
  JobNotFoundError,
  type JobState,
  type NewJob,
  reportedState,
} from '@docket/core';
import { cascadeReason } from './dependencies.js';
import { PLAIN_ROWS, type Statements } from './statements.js';

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

/** A job with neither a unique key nor dependencies: nothing to look up before its insert. */
export function isPlain(job: NewJob): boolean {
  return !job.unique && job.dependsOn.length === 0;
}

function plainState(job: NewJob, now: number): JobState {
  return job.hold ? 'waiting' : job.runAt > now ? 'scheduled' : 'ready';
}

/** Writes the `insertPlain` parameters of `job` into `values` from `at`; returns its state. */
function bindPlain(values: unknown[], at: number, job: NewJob, now: number): JobState {
  const state = plainState(job, now);
  const { retention } = job;
  values[at] = job.id;
  values[at + 1] = job.task;
  values[at + 2] = job.queue;
  values[at + 3] = state;
  values[at + 4] = job.payload;
  values[at + 5] = job.priority;
  values[at + 6] = job.runAt;
  values[at + 7] = now;
  values[at + 8] = job.maxAttempts;
  values[at + 9] = job.hold ? 1 : 0;
  values[at + 10] = retention.completed;
  values[at + 11] = retention.failed;
  values[at + 12] = retention.cancelled;
  values[at + 13] = retention.dropPayload ? 1 : 0;
  return state;
}

/**
 * Inserts one plain job with one statement (atomic on its own: no
 * transaction needed around it). A taken id makes it a duplicate (rule 7).
 */
export function insertPlainJob(
  st: Statements,
  job: NewJob,
  now: number,
  wake: Set<string>,
  inserted: string[],
): EnqueueOutcome {
  const values = new Array(14);
  const state = bindPlain(values, 0, job, now);
  if (st.insertPlain.run(values).changes === 0) {
    const taken = st.jobById.get(job.id)!;
    return { id: taken.id, duplicate: true, state: reportedState(taken.state, taken.run_at, now) };
  }
  if (state !== 'waiting') wake.add(job.queue);
  inserted.push(job.id);
  return { id: job.id, duplicate: false, state };
}

/**
 * {@link insertBatch} for a batch of plain jobs, inside the caller's
 * transaction: PLAIN_ROWS jobs per statement. A statement that meets an id
 * already taken (stored before, or earlier in the batch) aborts, undoing
 * only its own rows; from there on each job is inserted on its own and a
 * taken id is reported as a duplicate. Same outcomes as `insertBatch`.
 */
export function insertPlainBatch(
  st: Statements,
  jobs: NewJob[],
  now: number,
  wake: Set<string>,
  inserted: string[],
): EnqueueOutcome[] {
  const outcomes: EnqueueOutcome[] = [];
  const values = new Array(14 * PLAIN_ROWS);
  const states: JobState[] = new Array(PLAIN_ROWS);
  let i = 0;
  for (; i + PLAIN_ROWS <= jobs.length; i += PLAIN_ROWS) {
    for (let k = 0; k < PLAIN_ROWS; k++) states[k] = bindPlain(values, 14 * k, jobs[i + k]!, now);
    try {
      st.insertPlainRows.run(values);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') break;
      throw error;
    }
    let woken: string | undefined;
    for (let k = 0; k < PLAIN_ROWS; k++) {
      const job = jobs[i + k]!;
      const state = states[k]!;
      if (state !== 'waiting' && job.queue !== woken) {
        woken = job.queue;
        wake.add(woken);
      }
      inserted.push(job.id);
      outcomes.push({ id: job.id, duplicate: false, state });
    }
  }
  for (; i < jobs.length; i++) outcomes.push(insertPlainJob(st, jobs[i]!, now, wake, inserted));
  return outcomes;
}
