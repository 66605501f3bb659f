import type { NewJob } from '@docket/core';

/** A `NewJob` with defaults that fit a ready job; override what the test is about. */
export function newJob(id: string, now: number, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id,
    task: 'task',
    queue: 'default',
    payload: '{}',
    priority: 0,
    runAt: now,
    maxAttempts: 3,
    hold: false,
    dependsOn: [],
    unique: null,
    retention: { completed: null, failed: null, cancelled: null, dropPayload: false },
    ...overrides,
  };
}
