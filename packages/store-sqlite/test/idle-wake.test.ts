import { Docket, defineTask, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { tempDatabase } from './temp-db.js';

describe('an idle worker on another connection', () => {
  const file = tempDatabase();
  const dockets: Docket[] = [];
  afterEach(async () => {
    for (const docket of dockets) await docket.close();
    file.remove();
  });

  it('picks up a job enqueued elsewhere long before its safety poll', async () => {
    let finished: (at: number) => void;
    const done = new Promise<number>((resolve) => {
      finished = resolve;
    });
    const ping = defineTask({ name: 'ping', handler: () => finished(Date.now()) });
    const working = new Docket({
      store: new SqliteStore({ path: file.path }),
      tasks: [ping],
      logger: silentLogger,
    });
    const enqueuing = new Docket({
      store: new SqliteStore({ path: file.path }),
      tasks: [ping],
      logger: silentLogger,
    });
    dockets.push(working, enqueuing);
    await working.setup();
    await enqueuing.setup();
    // A 60 s safety poll: only a wake-up can make this worker claim in time.
    working.work({ pollIntervalMs: 60_000, scheduler: false, cleaner: false, rescuer: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const enqueuedAt = Date.now();
    await enqueuing.enqueue(ping, null);
    const tooLate = new Promise<number>((resolve) =>
      setTimeout(() => resolve(Number.POSITIVE_INFINITY), 3_000),
    );
    expect((await Promise.race([done, tooLate])) - enqueuedAt).toBeLessThan(2_000);
  });
});
