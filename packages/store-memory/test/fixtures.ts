import type { AttemptError, JobRecord, NewJob, RetentionSpec, Storage } from '@docket/core';

export const T0 = Date.UTC(2030, 0, 1);

const keepForever: RetentionSpec = { completed: null, failed: null, cancelled: null, dropPayload: false };

let counter = 0;

/** A ready-to-enqueue job with defaults that fit a plain `ready` job at `T0`. */
export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  counter++;
  return {
    id: `job-${counter}`,
    task: 'task-a',
    queue: 'default',
    payload: JSON.stringify({ n: counter }),
    priority: 0,
    runAt: T0,
    maxAttempts: 3,
    hold: false,
    dependsOn: [],
    unique: null,
    retention: keepForever,
    ...overrides,
  };
}

/** Claim parameters for one job of `queues` at `now`. */
export function claimOf(queues: string[], now: number, limit = 1, token = 'tok-1') {
  return { queues, limit, now, leaseMs: 30_000, token, workerId: 'worker-1' };
}

/** The error of a failed attempt, as a worker would record it. */
export function attemptError(attempt: number, message = 'boom'): AttemptError {
  return { attempt, at: T0, message, name: 'Error' };
}

/** Claims one job of `queue` at `now` under `token`; throws if there is none. */
export async function claimOne(
  store: Storage,
  queue = 'default',
  now = T0,
  token = 'tok-1',
): Promise<JobRecord> {
  const [job] = await store.claim(claimOf([queue], now, 1, token));
  if (job === undefined) throw new Error(`nothing claimable in ${queue}`);
  return job;
}
