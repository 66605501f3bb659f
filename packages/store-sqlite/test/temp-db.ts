import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewJob } from '@docket/core';

/** A fresh directory in the OS temp dir holding one database file; `remove()` deletes it with its WAL files. */
export function tempDatabase(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'docket-sqlite-'));
  return { path: join(dir, 'docket.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const T0 = Date.UTC(2030, 0, 1);

let counter = 0;

/** A valid NewJob with defaults; ids increase with creation order. */
export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  counter += 1;
  return {
    id: `job-${String(counter).padStart(6, '0')}`,
    task: 'test-task',
    queue: 'default',
    payload: JSON.stringify({ n: counter }),
    priority: 0,
    runAt: T0,
    maxAttempts: 3,
    hold: false,
    dependsOn: [],
    unique: null,
    retention: { completed: 60_000, failed: null, cancelled: 1_000, dropPayload: false },
    ...overrides,
  };
}
