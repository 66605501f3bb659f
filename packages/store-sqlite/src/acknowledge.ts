import type { Ack } from '@docket/core';
import { cancelDependents, releaseDependents } from './dependencies.js';
import type { Statements } from './statements.js';

/**
 * Applies one fenced outcome inside the caller's transaction (rule 3): each
 * statement matches only while the job is `active` under `ack.token`, so a
 * stale ack changes nothing and reports `false`. Adds the queues that got
 * claimable work to `wake`.
 */
export function applyAck(st: Statements, ack: Ack, now: number, wake: Set<string>): boolean {
  const fence = { id: ack.id, token: ack.token };
  switch (ack.type) {
    case 'complete': {
      const row = st.complete.get({ ...fence, result: ack.result, now });
      if (row) releaseDependents(st, ack.id, now, wake);
      return row !== undefined;
    }
    case 'fail': {
      const common = {
        ...fence,
        error: JSON.stringify(ack.error),
        now,
        requireExpired: ack.requireExpired ? 1 : 0,
      };
      if (ack.retryAt === null) {
        const row = st.failFinal.get(common);
        if (row) cancelDependents(st, { id: ack.id, state: 'failed', cascadeCause: null }, now);
        return row !== undefined;
      }
      const row = st.failRetry.get({ ...common, retryAt: ack.retryAt });
      if (row && ack.retryAt <= now) wake.add(row.queue);
      return row !== undefined;
    }
    case 'snooze': {
      const row = st.snooze.get({ ...fence, runAt: ack.runAt });
      if (row && ack.runAt <= now) wake.add(row.queue);
      return row !== undefined;
    }
    case 'cancel': {
      const row = st.cancelFenced.get({ ...fence, reason: ack.reason, now });
      if (row) cancelDependents(st, { id: ack.id, state: 'cancelled', cascadeCause: null }, now);
      return row !== undefined;
    }
    case 'release': {
      const row = st.release.get(fence);
      if (row) wake.add(row.queue);
      return row !== undefined;
    }
    default:
      // Not an outcome this store knows: nothing to apply.
      return false;
  }
}

/**
 * Applies a batch of acks in order inside the caller's transaction, with the
 * same per-ack results as calling {@link applyAck} on each. A run of
 * consecutive `complete` acks of distinct jobs is applied with one fenced
 * `UPDATE … FROM json_each` (and one look-up for dependents) instead of one
 * statement per job: completing one job never changes whether another
 * active job's fence matches, so the run's order does not matter inside it,
 * and releasing dependents after the whole run gives the same result as
 * after each ack (a dependent is released once all its dependencies are
 * completed). Runs are kept in order with the other acks, whose cascades can
 * end active jobs.
 */
export function applyAcks(st: Statements, acks: Ack[], now: number, wake: Set<string>): boolean[] {
  const results: boolean[] = new Array(acks.length);
  let i = 0;
  while (i < acks.length) {
    const ack = acks[i]!;
    if (ack.type !== 'complete') {
      results[i] = applyAck(st, ack, now, wake);
      i++;
      continue;
    }
    // The longest run of completes of distinct ids starting at i.
    const seen = new Set<string>();
    let end = i;
    while (end < acks.length) {
      const next = acks[end]!;
      if (next.type !== 'complete' || seen.has(next.id)) break;
      seen.add(next.id);
      end++;
    }
    if (end - i === 1) {
      results[i] = applyAck(st, ack, now, wake);
      i++;
      continue;
    }
    const run = acks.slice(i, end) as Extract<Ack, { type: 'complete' }>[];
    const rows = st.completeMany.all({
      acks: JSON.stringify(run.map((a) => [a.id, a.token, a.result])),
      now,
    });
    const applied = new Set<string>();
    for (const row of rows) applied.add(row.id);
    for (let k = 0; k < run.length; k++) results[i + k] = applied.has(run[k]!.id);
    if (applied.size > 0) {
      for (const row of st.haveDependents.all({ ids: JSON.stringify([...applied]) })) {
        releaseDependents(st, row.id, now, wake);
      }
    }
    i = end;
  }
  return results;
}
