/**
 * Migration 4: claims, heartbeats and releases become HOT (heap-only) updates.
 *
 * PostgreSQL updates a row without touching any index (HOT) only when no
 * column named by an index, in its key or in its predicate, changes, and the
 * new version fits on the row's page. Until version 3 every claim changed
 * `state` (in the claim and lease indexes' predicates) and
 * `lease_expires_at` (the lease index's key), so each claim wrote a new row
 * version on some page plus an entry in jobs_pkey, jobs_seq_idx,
 * jobs_queue_idx and jobs_lease_idx, and each heartbeat did the same.
 *
 * jobs_claim_idx now covers every live job that is neither held nor waiting
 * for dependencies (`finished_at IS NULL AND NOT held AND pending_deps = 0`:
 * ready, scheduled, retrying and active jobs), none of which a claim or a
 * heartbeat changes; the claim filters `state` on the heap row instead of
 * in the index predicate, so it steps over the jobs already claimed (at most
 * the running and prefetched jobs of the workers) at the head of the index.
 * jobs_lease_idx goes: listExpiredLeases reads the active jobs through
 * jobs_claim_idx (every active job is in it), which costs one heap visit per
 * live job of the table per rescuer pass instead of an index range.
 * An acknowledgement still writes a new version and its index entries (a
 * finished job must leave the claim index: `finished_at` is set).
 *
 * Fillfactor 50 leaves each page room for the claim's and the ack's new
 * versions of its rows (a HOT update needs its page to have room).
 */
export const LIVE_PREDICATE = 'finished_at IS NULL AND NOT held AND pending_deps = 0';

/** The claim index predicate on the columns of alias `a`, for statements that must use the index. */
export function live(a: string): string {
  return `${a}.finished_at IS NULL AND NOT ${a}.held AND ${a}.pending_deps = 0`;
}

/** Percentage of each heap page of jobs that inserts fill (see above). */
const FILLFACTOR = 40;

export function migrationV4Sql(s: string): string {
  return `
DROP INDEX IF EXISTS ${s}.jobs_lease_idx;
DROP INDEX IF EXISTS ${s}.jobs_claim_idx;
CREATE INDEX jobs_claim_idx ON ${s}.jobs (queue, priority DESC, run_at, seq) WHERE ${LIVE_PREDICATE};
ALTER TABLE ${s}.jobs SET (fillfactor = ${FILLFACTOR});
`;
}
