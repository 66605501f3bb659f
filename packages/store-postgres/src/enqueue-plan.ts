import {
  type EnqueueOutcome,
  JobNotFoundError,
  type JobState,
  type NewJob,
  reportedState,
} from '@docket/core';
import { type Queryable, run } from './db.js';
import type { EnqueueSql } from './enqueue-sql.js';

/** One row of the `insert` statement's json input. */
interface InsertRow {
  i: number;
  id: string;
  task: string;
  queue: string;
  state: JobState;
  payload: string;
  priority: number;
  run_at: number;
  max_attempts: number;
  held: boolean;
  depends_on: string[];
  pending_deps: number;
  /** Named as a dependency by a later job of the same batch. */
  has_dependents?: boolean;
  unique_key: string | null;
  cancel_reason: string | null;
  cascade_cause: string | null;
  finished_at: number | null;
  delete_at: number | null;
  ret_completed: number | null;
  ret_failed: number | null;
  ret_cancelled: number | null;
  drop_payload: boolean;
}

/** What the enqueue needs of a stored job to decide about a new one. */
interface KnownJob {
  id: string;
  state: JobState;
  run_at: number;
  cascade_cause: string | null;
}

/** SQLSTATE of a unique index violation. */
const UNIQUE_VIOLATION = '23505';

/** Above this many distinct unique keys a batch locks uniqueness schema-wide, not per key. */
const MAX_KEY_LOCKS = 64;

export interface EnqueueContext {
  sql: EnqueueSql;
  /** The raw schema name, for advisory lock names. */
  schema: string;
  /** The NOTIFY channel, or null when the caller wakes the queues itself after the commit. */
  channel: string | null;
  /**
   * Each statement of `enqueueSimple` is its own transaction (the store's pool, not a
   * caller's `tx`): it may try the insert without ON CONFLICT first, since a failure aborts nothing else.
   */
  autocommit: boolean;
}

export interface EnqueueResult {
  outcomes: EnqueueOutcome[];
  /** Queues that got ready or scheduled jobs (NOTIFYed inside the statement when `channel` was given). */
  woken: string[];
}

/** True when the batch needs no look-ups before its insert: the single-statement path. */
export function isSimpleBatch(jobs: readonly NewJob[]): boolean {
  const ids = new Set<string>();
  for (const job of jobs) {
    if (job.unique !== null || job.dependsOn.length > 0 || ids.has(job.id)) return false;
    ids.add(job.id);
  }
  return true;
}

/**
 * Enqueues a batch without uniqueness or dependencies: one INSERT (plus a
 * read of the existing jobs when some ids were taken). Atomic on its own, so
 * it may run on the pool outside a transaction.
 */
export async function enqueueSimple(
  db: Queryable,
  ctx: EnqueueContext,
  jobs: readonly NewJob[],
  now: number,
): Promise<EnqueueResult> {
  const states = jobs.map((job) => initialState(job, 0, now));
  const takenBy = new Map<string, KnownJob>();
  const woken = new Set<string>();
  let pending = jobs.map((_, i) => i);
  const uniform = isUniform(jobs, states);
  // An id taken by a concurrent enqueue is a duplicate of the stored job; if that job is deleted before
  // we read it, the id is free again and the insert is retried.
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 3)
      throw new Error(`enqueue: ids ${pending.map((i) => jobs[i]!.id).join(', ')} keep changing hands`);
    const values = uniform
      ? uniformColumns(jobs, states[0]!, pending, now, ctx.channel)
      : [
          ...simpleColumns(jobs, states, pending).map((col, c) => (c < 5 ? JSON.stringify(col) : col)),
          now,
          ctx.channel,
        ];
    let row: { taken: string[]; woken: string[] } | undefined;
    if (ctx.autocommit && attempt === 0) {
      try {
        [row] = await run<{ taken: string[]; woken: string[] }>(
          db,
          uniform ? ctx.sql.insertUniformStrict : ctx.sql.insertSimpleStrict,
          values,
        );
      } catch (error) {
        // A taken id: nothing was inserted; the ON CONFLICT statement below sorts the batch out.
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      }
    }
    row ??= (
      await run<{ taken: string[]; woken: string[] }>(
        db,
        uniform ? ctx.sql.insertUniform : ctx.sql.insertSimple,
        values,
      )
    )[0];
    for (const queue of row!.woken) woken.add(queue);
    if (row!.taken.length === 0) break;
    for (const known of await run<KnownJob>(db, ctx.sql.findIds, [row!.taken])) takenBy.set(known.id, known);
    const retry = new Set(row!.taken.filter((id) => !takenBy.has(id)));
    pending = pending.filter((i) => retry.has(jobs[i]!.id));
  }
  const outcomes = jobs.map((job, i): EnqueueOutcome => {
    const holder = takenBy.get(job.id);
    if (holder !== undefined) {
      return { id: holder.id, duplicate: true, state: reportedState(holder.state, holder.run_at, now) };
    }
    return { id: job.id, duplicate: false, state: reportedState(states[i]!, job.runAt, now) };
  });
  return { outcomes, woken: [...woken] };
}

/** True when the jobs differ only in id, payload and runAt, not in state: `insertUniform` applies. */
function isUniform(jobs: readonly NewJob[], states: readonly JobState[]): boolean {
  const a = jobs[0]!;
  for (let i = 1; i < jobs.length; i++) {
    const b = jobs[i]!;
    if (
      states[i] !== states[0] ||
      b.task !== a.task ||
      b.queue !== a.queue ||
      b.priority !== a.priority ||
      b.maxAttempts !== a.maxAttempts ||
      b.hold !== a.hold ||
      b.retention.completed !== a.retention.completed ||
      b.retention.failed !== a.retention.failed ||
      b.retention.cancelled !== a.retention.cancelled ||
      b.retention.dropPayload !== a.retention.dropPayload
    )
      return false;
  }
  return true;
}

/** The parameters of `insertUniform` for the jobs at `indexes` (the shared columns from the first job). */
function uniformColumns(
  jobs: readonly NewJob[],
  state: JobState,
  indexes: number[],
  now: number,
  channel: string | null,
): unknown[] {
  const n = indexes.length;
  const ids = new Array<string>(n);
  const payloads = new Array<string>(n);
  const runAts = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const job = jobs[indexes[k]!]!;
    ids[k] = job.id;
    payloads[k] = job.payload;
    runAts[k] = job.runAt;
  }
  const a = jobs[0]!;
  return [
    JSON.stringify(ids),
    JSON.stringify(payloads),
    runAts,
    a.task,
    a.queue,
    a.priority,
    a.maxAttempts,
    a.hold,
    a.retention.completed,
    a.retention.failed,
    a.retention.cancelled,
    a.retention.dropPayload,
    now,
    channel,
    state,
  ];
}

/** The 13 column arrays of `insertSimple` for the jobs at `indexes`. */
function simpleColumns(jobs: readonly NewJob[], states: JobState[], indexes: number[]): unknown[][] {
  const n = indexes.length;
  const cols: unknown[][] = Array.from({ length: 13 }, () => new Array(n));
  for (let k = 0; k < n; k++) {
    const i = indexes[k]!;
    const job = jobs[i]!;
    cols[0]![k] = job.id;
    cols[1]![k] = job.task;
    cols[2]![k] = job.queue;
    cols[3]![k] = states[i];
    cols[4]![k] = job.payload;
    cols[5]![k] = job.priority;
    cols[6]![k] = job.runAt;
    cols[7]![k] = job.maxAttempts;
    cols[8]![k] = job.hold;
    cols[9]![k] = job.retention.completed;
    cols[10]![k] = job.retention.failed;
    cols[11]![k] = job.retention.cancelled;
    cols[12]![k] = job.retention.dropPayload;
  }
  return cols;
}

/**
 * Enqueues any batch; must run inside a transaction. Takes the uniqueness
 * locks, resolves duplicates (stored, and earlier in the batch) and
 * dependencies, then inserts the new jobs in one statement.
 */
export async function enqueueInTransaction(
  db: Queryable,
  ctx: EnqueueContext,
  jobs: readonly NewJob[],
  now: number,
): Promise<EnqueueResult> {
  const { sql } = ctx;
  const uniques = jobs.flatMap((job, i) => (job.unique === null ? [] : [{ i, job, unique: job.unique }]));
  if (uniques.length > 0) {
    const global = `docket:unique:${ctx.schema}`;
    const keys = [...new Set(uniques.map((u) => `${global}\u001f${u.job.task}\u001f${u.unique.key}`))];
    if (keys.length > MAX_KEY_LOCKS) {
      await run(db, sql.lockUniqueAll, [global]);
    } else {
      await run(db, sql.lockUniqueShared, [global]);
      await run(db, sql.lockUniqueKeys, [keys]);
    }
  }

  const stored = new Map<string, KnownJob>();
  for (const row of await run<KnownJob>(db, sql.findIds, [[...new Set(jobs.map((j) => j.id))]])) {
    stored.set(row.id, row);
  }
  const uniqueHolders = new Map<number, KnownJob>();
  if (uniques.length > 0) {
    const found = await run<KnownJob & { i: number }>(db, sql.findUnique, [
      uniques.map((u) => u.i),
      uniques.map((u) => u.job.task),
      uniques.map((u) => u.unique.key),
      uniques.map((u) => u.unique.period),
      now,
    ]);
    for (const row of found) uniqueHolders.set(row.i, row);
  }

  // Pass 1: duplicates. `aliases` maps a duplicate's id to the job it resolved to.
  const outcomes: (EnqueueOutcome | null)[] = [];
  const aliases = new Map<string, string>();
  const newById = new Map<string, number>();
  const newByKey = new Map<string, number>();
  jobs.forEach((job, i) => {
    const existing = stored.get(job.id);
    const earlier = newById.get(job.id);
    const key = job.unique === null ? null : `${job.task}\u0000${job.unique.key}`;
    const earlierSameKey = key === null ? undefined : newByKey.get(key);
    const holder = uniqueHolders.get(i);
    let duplicateOf: { id: string; index?: number; known?: KnownJob } | null = null;
    if (existing !== undefined) duplicateOf = { id: existing.id, known: existing };
    else if (earlier !== undefined) duplicateOf = { id: job.id, index: earlier };
    else if (earlierSameKey !== undefined)
      duplicateOf = { id: jobs[earlierSameKey]!.id, index: earlierSameKey };
    else if (holder !== undefined) duplicateOf = { id: holder.id, known: holder };
    if (duplicateOf === null) {
      newById.set(job.id, i);
      if (key !== null) newByKey.set(key, i);
      outcomes.push(null);
      return;
    }
    if (duplicateOf.id !== job.id) aliases.set(job.id, duplicateOf.id);
    const state = duplicateOf.known
      ? reportedState(duplicateOf.known.state, duplicateOf.known.run_at, now)
      : (outcomes[duplicateOf.index!]?.state ?? 'ready'); // filled in pass 2 for new jobs
    outcomes.push({ id: duplicateOf.id, duplicate: true, state });
  });

  // Dependencies that are not new jobs earlier in the batch must be stored: lock and read them.
  const external = new Set<string>();
  jobs.forEach((job, i) => {
    for (const dep of job.dependsOn) {
      const target = aliases.get(dep) ?? dep;
      const newIndex = newById.get(target);
      if (newIndex === undefined || newIndex >= i) external.add(target);
    }
  });
  const dependencies = new Map<string, KnownJob>();
  if (external.size > 0) {
    for (const row of await run<KnownJob>(db, sql.lockDependencies, [[...external]])) {
      dependencies.set(row.id, row);
    }
  }
  jobs.forEach((job, i) => {
    for (const dep of job.dependsOn) {
      const target = aliases.get(dep) ?? dep;
      const newIndex = newById.get(target);
      if ((newIndex === undefined || newIndex >= i) && !dependencies.has(target)) {
        throw new JobNotFoundError(dep, `named in dependsOn of job "${job.id}"`);
      }
    }
  });

  // Pass 2: initial state of each new job.
  const rows: InsertRow[] = [];
  const rowsById = new Map<string, InsertRow>();
  const planned = new Map<string, KnownJob>();
  jobs.forEach((job, i) => {
    if (outcomes[i] !== null) return;
    const dependsOn = [...new Set(job.dependsOn.map((dep) => aliases.get(dep) ?? dep))];
    let pending = 0;
    let broken: KnownJob | undefined;
    for (const dep of dependsOn) {
      const known = planned.get(dep) ?? dependencies.get(dep)!;
      if (known.state === 'failed' || known.state === 'cancelled') broken ??= known;
      else if (known.state !== 'completed') pending++;
    }
    let row: InsertRow;
    if (broken !== undefined) {
      const phrase = `dependency "${broken.id}" ${broken.state === 'failed' ? 'failed' : 'was cancelled'}`;
      const cause = broken.cascade_cause;
      const reason = cause === null ? phrase : `${phrase} because ${cause}`;
      row = insertRow(job, i, dependsOn, 'cancelled', pending, reason, cause ?? phrase, now);
    } else {
      row = insertRow(job, i, dependsOn, initialState(job, pending, now), pending, null, null, now);
    }
    for (const dep of dependsOn) {
      const earlier = rowsById.get(dep);
      if (earlier !== undefined) earlier.has_dependents = true;
    }
    rows.push(row);
    rowsById.set(row.id, row);
    planned.set(job.id, {
      id: job.id,
      state: row.state,
      run_at: row.run_at,
      cascade_cause: row.cascade_cause,
    });
    outcomes[i] = { id: job.id, duplicate: false, state: reportedState(row.state, row.run_at, now) };
  });
  // Duplicates of new jobs of the batch report the state those got.
  for (const outcome of outcomes) {
    if (outcome!.duplicate && planned.has(outcome!.id)) {
      outcome!.state = outcomes[newById.get(outcome!.id)!]!.state;
    }
  }

  return insertAndReport(db, ctx, rows, jobs, new Map(outcomes.map((o, i) => [i, o!])), now);
}

/**
 * Runs the insert; jobs whose id was taken by a concurrent enqueue between the
 * look-ups and the insert become duplicates of the stored job.
 */
async function insertAndReport(
  db: Queryable,
  ctx: EnqueueContext,
  rows: InsertRow[],
  jobs: readonly NewJob[],
  decided: Map<number, EnqueueOutcome>,
  now: number,
): Promise<EnqueueResult> {
  const inserted: { id: string; queue: string; state: JobState }[] = [];
  const takenBy = new Map<string, KnownJob>();
  let pending = rows;
  // An id taken by a concurrent enqueue is a duplicate of the stored job; if that job is deleted before
  // we read it, the id is free again and the insert is retried.
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 3)
      throw new Error(`enqueue: ids ${pending.map((r) => r.id).join(', ')} keep changing hands`);
    const batch = await run<{ id: string; queue: string; state: JobState }>(db, ctx.sql.insert, [
      JSON.stringify(pending),
      now,
      ctx.channel,
    ]);
    inserted.push(...batch);
    const insertedIds = new Set(batch.map((r) => r.id));
    const taken = pending.filter((r) => !insertedIds.has(r.id));
    if (taken.length === 0) break;
    for (const row of await run<KnownJob>(db, ctx.sql.findIds, [taken.map((r) => r.id)])) {
      takenBy.set(row.id, row);
    }
    pending = taken.filter((r) => !takenBy.has(r.id));
  }
  const outcomes = jobs.map((job, i): EnqueueOutcome => {
    const holder = takenBy.get(job.id);
    if (holder !== undefined) {
      return { id: holder.id, duplicate: true, state: reportedState(holder.state, holder.run_at, now) };
    }
    const outcome = decided.get(i);
    if (outcome !== undefined) return outcome;
    const row = rows[i]!;
    return { id: job.id, duplicate: false, state: reportedState(row.state, row.run_at, now) };
  });
  const woken = [
    ...new Set(inserted.filter((r) => r.state === 'ready' || r.state === 'scheduled').map((r) => r.queue)),
  ];
  return { outcomes, woken };
}

function initialState(job: NewJob, pending: number, now: number): JobState {
  if (job.hold || pending > 0) return 'waiting';
  return job.runAt > now ? 'scheduled' : 'ready';
}

function insertRow(
  job: NewJob,
  i: number,
  dependsOn: string[],
  state: JobState,
  pending: number,
  cancelReason: string | null,
  cascadeCause: string | null,
  now: number,
): InsertRow {
  const cancelled = state === 'cancelled';
  const keep = job.retention.cancelled;
  return {
    i,
    id: job.id,
    task: job.task,
    queue: job.queue,
    state,
    payload: job.payload,
    priority: job.priority,
    run_at: job.runAt,
    max_attempts: job.maxAttempts,
    held: job.hold,
    depends_on: dependsOn,
    pending_deps: pending,
    unique_key: job.unique?.key ?? null,
    cancel_reason: cancelReason,
    cascade_cause: cascadeCause,
    finished_at: cancelled ? now : null,
    delete_at: cancelled && keep !== null ? now + keep : null,
    ret_completed: job.retention.completed,
    ret_failed: job.retention.failed,
    ret_cancelled: job.retention.cancelled,
    drop_payload: job.retention.dropPayload,
  };
}
