import { isTerminal } from '@docket/core';
import type { Statements } from './statements.js';

/**
 * After `id` completed: every held-back dependent that is no longer held and
 * whose dependencies are all completed becomes ready or scheduled. Adds the
 * queues that got claimable work or an earlier `runAt` to `wake`.
 */
export function releaseDependents(st: Statements, id: string, now: number, wake: Set<string>): void {
  for (const dependent of st.dependents.all(id)) {
    if (dependent.state !== 'waiting' || dependent.held === 1) continue;
    if (st.unmetDeps.get({ deps: dependent.depends_on })!.n > 0) continue;
    // Scheduled too: a dispatcher sleeping past its runAt must re-read nextRunAt.
    if (st.unblock.get({ id: dependent.id, now })) wake.add(dependent.queue);
  }
}

/** The end of a dependency, as its dependents' cancel reasons name it. */
export interface EndedDependency {
  id: string;
  /** `removed`: deleted by `removeJob` before it completed. */
  state: 'failed' | 'cancelled' | 'removed';
  /** Set when the dependency was itself cancelled by a cascade: where that cascade began. */
  cascadeCause: string | null;
}

/**
 * Why a job is cancelled by `dependency`: `dependency "a" failed`, and down a
 * chain `dependency "b" was cancelled because dependency "a" failed`.
 */
export function cascadeReason(dependency: EndedDependency): { reason: string; cause: string } {
  const phrase = `dependency "${dependency.id}" ${dependency.state === 'failed' ? 'failed' : `was ${dependency.state}`}`;
  const cause = dependency.cascadeCause;
  return { reason: cause === null ? phrase : `${phrase} because ${cause}`, cause: cause ?? phrase };
}

/**
 * After `root` ended `failed` or `cancelled`, or was removed: cancels every non-terminal job
 * depending on it, transitively (iteratively: chains may be long), each with
 * a reason naming the dependency that ended it (rule 8).
 */
export function cancelDependents(st: Statements, root: EndedDependency, now: number): void {
  const ended = [root];
  for (let next = ended.pop(); next; next = ended.pop()) {
    const { reason, cause } = cascadeReason(next);
    for (const dependent of st.dependents.all(next.id)) {
      if (isTerminal(dependent.state)) continue;
      const row = st.cancel.get({ id: dependent.id, reason, cause, now });
      if (row) ended.push({ id: row.id, state: 'cancelled', cascadeCause: cause });
    }
  }
}
