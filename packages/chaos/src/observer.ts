import { Docket, defineTask, type Job, type JobState, type Storage, silentLogger } from '@docket/core';

/** The child fixture's task names (same queue and attempts), so the parent can enqueue and inspect them. */
export const childTasks = [
  defineTask({ name: 'chaos-work', queue: 'chaos', maxAttempts: 50, handler: async () => {} }),
  defineTask({ name: 'chaos-stubborn', queue: 'chaos', maxAttempts: 50, handler: async () => {} }),
  defineTask({ name: 'chaos-poison', queue: 'chaos', maxAttempts: 3, handler: async () => {} }),
];

/** A parent-side Docket that enqueues and inspects but never works. */
export function observer(store: Storage, tasks = childTasks): Docket {
  const docket = new Docket({ store, tasks, logger: silentLogger });
  docket.on('error', () => {});
  return docket;
}

/** Counts per reported state over every queue. */
export async function stateCounts(docket: Docket): Promise<Partial<Record<JobState, number>>> {
  const counts: Partial<Record<JobState, number>> = {};
  for (const { state, count } of await docket.countJobs()) counts[state] = (counts[state] ?? 0) + count;
  return counts;
}

/** Every job, paging through `listJobs`. */
export async function allJobs(docket: Docket, queue?: string): Promise<Job[]> {
  const jobs: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await docket.listJobs({ queue, cursor, limit: 500, order: 'asc' });
    jobs.push(...page.jobs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return jobs;
}
