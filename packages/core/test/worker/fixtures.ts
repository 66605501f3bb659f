import type { JobRecord } from '../../src/job.js';
import type { JobInfo, TaskDefinition } from '../../src/task.js';

/** An active job record as `claim` returns it, with overrides. */
export function claimedJob(overrides: Partial<JobRecord> = {}): JobRecord {
  const now = Date.UTC(2030, 0, 1);
  return {
    id: 'job-1',
    task: 'send-email',
    queue: 'default',
    state: 'active',
    payload: '{"to":"a@example.com"}',
    result: null,
    priority: 0,
    runAt: now,
    createdAt: now,
    startedAt: now,
    finishedAt: null,
    attempts: 1,
    maxAttempts: 3,
    errors: [],
    leaseToken: 'token-1',
    leaseExpiresAt: now + 30_000,
    workerId: 'w1',
    held: false,
    dependsOn: [],
    uniqueKey: null,
    cancelReason: null,
    retention: { completed: null, failed: null, cancelled: null, dropPayload: false },
    deleteAt: null,
    ...overrides,
  };
}

export function jobInfo(overrides: Partial<JobInfo> = {}): JobInfo {
  const now = new Date(Date.UTC(2030, 0, 1));
  return {
    id: 'job-1',
    task: 'send-email',
    queue: 'default',
    payload: { to: 'a@example.com' },
    attempt: 1,
    maxAttempts: 3,
    priority: 0,
    createdAt: now,
    runAt: now,
    startedAt: now,
    errors: [],
    ...overrides,
  };
}

export function task(overrides: Partial<TaskDefinition<any, any>> = {}): TaskDefinition<any, any> {
  return { kind: 'docket.task', name: 'send-email', handler: async () => null, ...overrides };
}

/** A deterministic random sequence (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
