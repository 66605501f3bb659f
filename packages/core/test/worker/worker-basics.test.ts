import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { InvalidOptionError } from '../../src/errors.js';
import type { HandlerContext } from '../../src/task.js';
import { Worker } from '../../src/worker/worker.js';
import { engineFixture, gate, until } from './engine-fixture.js';

describe('Worker: running jobs', () => {
  it('runs a job, stores its result and emits completed with the handler context', async () => {
    let seen: HandlerContext<{ to: string }> | undefined;
    const send = defineTask({
      name: 'send',
      handler: async (payload: { to: string }, ctx) => {
        seen = ctx;
        return { sent: payload.to };
      },
    });
    const { docket, events, work, clock } = await engineFixture([send]);
    const { id } = await docket.enqueue(send, { to: 'a@example.com' });
    const worker = await work();
    await worker.drain();

    const job = await docket.getJob(id);
    expect(job).toMatchObject({ state: 'completed', attempts: 1, result: { sent: 'a@example.com' } });
    expect(job!.finishedAt!.getTime()).toBe(clock.now());
    expect(events.completed).toHaveLength(1);
    expect(events.completed[0]).toMatchObject({
      job: { id, task: 'send', attempt: 1 },
      result: { sent: 'a@example.com' },
    });
    expect(seen!.job).toMatchObject({
      id,
      queue: 'default',
      payload: { to: 'a@example.com' },
      attempt: 1,
      maxAttempts: 3,
    });
    expect(seen!.signal.aborted).toBe(false);
  });

  it('builds the job view once: ctx.job, the payload argument and the completed event agree', async () => {
    let seenPayload: unknown;
    let seenJob: unknown;
    const echo = defineTask({
      name: 'echo',
      handler: (payload: { n: number }, ctx) => {
        seenPayload = payload;
        seenJob = ctx.job;
        return payload.n;
      },
    });
    const { docket, events, work, clock } = await engineFixture([echo]);
    const { id } = await docket.enqueue(echo, { n: 7 });
    const worker = await work();
    await worker.drain();

    const event = events.completed[0]!;
    expect(event.job).toBe(seenJob);
    expect(event.job.payload).toBe(seenPayload);
    expect(event.job.createdAt).toEqual(new Date(clock.now()));
    // A plain object: a spread or a serialiser sees every field.
    expect({ ...event }).toEqual({ job: seenJob, result: 7, durationMs: event.durationMs });
    expect(JSON.parse(JSON.stringify(event)).job).toMatchObject({ id, payload: { n: 7 }, attempt: 1 });
  });

  it('never runs more handlers at once than its concurrency', async () => {
    let running = 0;
    let peak = 0;
    const release = gate();
    const slow = defineTask({
      name: 'slow',
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        await release.promise;
        running--;
      },
    });
    const { docket, work } = await engineFixture([slow]);
    await docket.enqueueMany(Array.from({ length: 12 }, () => ({ task: slow, payload: null })));
    const worker = await work({ concurrency: 4 });
    await until(() => running === 4);
    // Give the dispatcher room to overclaim if it would.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(running).toBe(4);
    expect((await docket.countJobs()).find((c) => c.state === 'active')?.count).toBe(4);
    release.open();
    await worker.drain();
    expect(peak).toBe(4);
    expect((await docket.countJobs()).filter((c) => c.state === 'completed')).toEqual([
      { queue: 'default', state: 'completed', count: 12 },
    ]);
  });

  it('rejects bad options before doing anything', async () => {
    const { engine } = await engineFixture([]);
    expect(() => new Worker(engine, { concurrency: 0 })).toThrow(InvalidOptionError);
    expect(() => new Worker(engine, { prefetch: -1 })).toThrow(/prefetch/);
    expect(() => new Worker(engine, { prefetch: 1.5 })).toThrow(InvalidOptionError);
    expect(() => new Worker(engine, { leaseMs: 1000, heartbeatMs: 1000 })).toThrow(/shorter than leaseMs/);
    expect(() => new Worker(engine, { queues: [] })).toThrow(/at least one/);
    expect(() => new Worker(engine, { nope: 1 } as never)).toThrow(/Unknown worker option "nope"/);
    expect(() => new Worker(engine, { cleaner: { every: 5 } as never })).toThrow(/Unknown cleaner option/);
  });
});
