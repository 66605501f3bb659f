import { MemoryStore } from '@docket/store-memory';
import { z } from 'zod';
import { defineTask } from '../../src/client/define-task.js';
import { Docket } from '../../src/client/docket.js';
import type { DocketOptions } from '../../src/client/docket-options.js';
import { ManualClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';

export const handler = async () => null;

export const sendEmail = defineTask({
  name: 'send-email',
  queue: 'emails',
  maxAttempts: 5,
  handler,
  schema: z.object({ to: z.string().email() }),
});
export const report = defineTask({ name: 'report', handler, retention: { completed: 'forever' } });

/** A Docket on a fresh memory store sharing one ManualClock. */
export async function makeDocket(options: Partial<DocketOptions> = {}) {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  const docket = new Docket({ store, tasks: [sendEmail, report], clock, logger: silentLogger, ...options });
  await docket.setup();
  return { docket, clock, store };
}

/** Every job in the store, oldest first. */
export async function allJobs(docket: Docket) {
  return (await docket.listJobs({ limit: 1000, order: 'asc' })).jobs;
}
