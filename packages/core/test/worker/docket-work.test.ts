import { MemoryStore } from '@docket/store-memory';
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { Docket } from '../../src/client/docket.js';
import { ManualClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { gate, until } from './engine-fixture.js';

describe('docket.work()', () => {
  it('runs jobs, and docket.close() releases the ones still running before closing the store', async () => {
    const clock = new ManualClock();
    const started = gate();
    const done: string[] = [];
    const quick = defineTask({
      name: 'quick',
      handler: async (payload: string) => {
        done.push(payload);
      },
    });
    const stuck = defineTask({
      name: 'stuck',
      handler: () => {
        started.open();
        return new Promise(() => {});
      },
    });
    const store = new MemoryStore({ clock });
    const docket = new Docket({ store, tasks: [quick, stuck], clock, logger: silentLogger });
    await docket.setup();
    const worker = docket.work({ concurrency: 2, pollIntervalMs: 20, scheduler: false, cleaner: false });
    await docket.enqueue(quick, 'a');
    const { id } = await docket.enqueue(stuck, null);
    await started.promise;
    await until(() => done.length === 1);
    await until(() => worker.running === 1);
    await docket.close({ timeout: 20 });
    expect(done).toEqual(['a']);
    // The memory store keeps its data after close(); read it directly since the Docket is closed.
    const jobs = await store.listJobs({ now: clock.now(), limit: 10 });
    const interrupted = jobs.jobs.find((j) => j.id === id);
    expect(interrupted).toMatchObject({ state: 'ready', attempts: 0 });
  });

  it("serves the registered tasks' queues when `queues` is not given", async () => {
    const clock = new ManualClock();
    const ran: string[] = [];
    const email = defineTask({ name: 'email', queue: 'emails', handler: () => void ran.push('email') });
    const report = defineTask({ name: 'report', handler: () => void ran.push('report') });
    const docket = new Docket({
      store: new MemoryStore({ clock }),
      tasks: [email, report],
      clock,
      logger: silentLogger,
    });
    await docket.setup();
    const worker = docket.work({ pollIntervalMs: 20, scheduler: false, cleaner: false });
    await docket.enqueue(email, null);
    await docket.enqueue(report, null);
    await until(() => ran.length === 2);
    expect(ran.sort()).toEqual(['email', 'report']);
    await worker.stop();
    await docket.close();
  });

  it("fails a job whose result is over the Docket's maxPayloadBytes, without retrying", async () => {
    const clock = new ManualClock();
    const big = defineTask({ name: 'big', maxAttempts: 3, handler: () => 'x'.repeat(2_000) });
    const docket = new Docket({
      store: new MemoryStore({ clock }),
      tasks: [big],
      clock,
      logger: silentLogger,
      maxPayloadBytes: 1_000,
    });
    await docket.setup();
    const worker = docket.work({ pollIntervalMs: 20, scheduler: false, cleaner: false });
    const { id } = await docket.enqueue(big, null);
    await until(async () => (await docket.getJob(id))?.state === 'failed');
    const job = await docket.getJob(id);
    expect(job?.attempts).toBe(1);
    expect(job?.errors[0]?.message).toMatch(/over the limit of 1000/);
    await worker.stop();
    await docket.close();
  });
});
