import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTask } from '../../src/client/define-task.js';
import { PermanentError, TimeoutError, UnknownTaskError } from '../../src/errors.js';
import { engineFixture } from './engine-fixture.js';

const noJitter = { type: 'fixed' as const, delay: 1000, jitter: 0 };

describe('Worker: retries', () => {
  it('retries with backoff until success, keeping the error of each attempt', async () => {
    let calls = 0;
    const flaky = defineTask({
      name: 'flaky',
      maxAttempts: 5,
      backoff: { type: 'exponential', delay: 1000, jitter: 0 },
      handler: async () => {
        calls++;
        if (calls < 3) throw new TypeError(`failure ${calls}`);
        return 'ok';
      },
    });
    const { docket, clock, events, work } = await engineFixture([flaky]);
    const start = clock.now();
    const { id } = await docket.enqueue(flaky, null);
    const worker = await work();

    await worker.drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'retrying', attempts: 1 });
    expect((await docket.getJob(id))!.runAt.getTime()).toBe(start + 1000);
    clock.advance(999);
    await worker.drain();
    expect(calls).toBe(1);
    clock.advance(1);
    await worker.drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'retrying', attempts: 2 });
    expect((await docket.getJob(id))!.runAt.getTime()).toBe(start + 1000 + 2000);
    clock.advance(2000);
    await worker.drain();

    const job = await docket.getJob(id);
    expect(job).toMatchObject({ state: 'completed', attempts: 3, result: 'ok' });
    expect(job!.errors.map((e) => [e.attempt, e.message, e.name, e.at.getTime()])).toEqual([
      [1, 'failure 1', 'TypeError', start],
      [2, 'failure 2', 'TypeError', start + 1000],
    ]);
    expect(job!.errors[0]!.stack).toContain('failure 1');
    expect(events.retrying.map((e) => [e.job.attempt, e.retryAt.getTime()])).toEqual([
      [1, start + 1000],
      [2, start + 3000],
    ]);
    expect(events.completed).toHaveLength(1);
    expect(events.failed).toHaveLength(0);
  });

  it('fails after the last attempt and emits failed', async () => {
    const always = defineTask({
      name: 'always',
      maxAttempts: 2,
      backoff: noJitter,
      handler: async () => {
        throw new Error('nope');
      },
    });
    const { docket, clock, events, work } = await engineFixture([always]);
    const { id } = await docket.enqueue(always, null);
    const worker = await work();
    await worker.drain();
    clock.advance(1000);
    await worker.drain();
    const job = await docket.getJob(id);
    expect(job).toMatchObject({ state: 'failed', attempts: 2 });
    expect(job!.errors.map((e) => e.attempt)).toEqual([1, 2]);
    expect(events.failed).toHaveLength(1);
    expect(events.failed[0]!.job.attempt).toBe(2);
  });

  it('fails at once on a PermanentError', async () => {
    const permanent = defineTask({
      name: 'permanent',
      maxAttempts: 10,
      handler: async () => {
        throw new PermanentError('invalid address');
      },
    });
    const { docket, events, work } = await engineFixture([permanent]);
    const { id } = await docket.enqueue(permanent, null);
    await (await work()).drain();
    const job = await docket.getJob(id);
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(job!.errors).toMatchObject([{ attempt: 1, name: 'PermanentError', message: 'invalid address' }]);
    expect(events.failed).toHaveLength(1);
  });

  it('reschedules without spending an attempt when isFailure returns false', async () => {
    let calls = 0;
    const limited = defineTask({
      name: 'limited',
      maxAttempts: 1,
      backoff: noJitter,
      isFailure: (error) => !(error instanceof Error && error.message === 'rate limited'),
      handler: async () => {
        calls++;
        if (calls < 3) throw new Error('rate limited');
        return calls;
      },
    });
    const { docket, clock, events, work } = await engineFixture([limited]);
    const { id } = await docket.enqueue(limited, null);
    const worker = await work();
    await worker.drain();
    const snoozed = await docket.getJob(id);
    expect(snoozed).toMatchObject({ state: 'scheduled', attempts: 0, errors: [] });
    expect(snoozed!.runAt.getTime()).toBe(clock.now() + 1000);
    clock.advance(1000);
    await worker.drain();
    clock.advance(1000);
    await worker.drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'completed', attempts: 1, result: 3 });
    expect(events.retrying).toHaveLength(0);
  });

  it('snoozes from the handler without spending an attempt', async () => {
    let calls = 0;
    const poll = defineTask({
      name: 'poll',
      maxAttempts: 1,
      handler: async (_payload: null, ctx) => {
        calls++;
        if (calls === 1) ctx.snooze(5000);
        return 'done';
      },
    });
    const { docket, clock, work } = await engineFixture([poll]);
    const { id } = await docket.enqueue(poll, null);
    const worker = await work();
    await worker.drain();
    const job = await docket.getJob(id);
    expect(job).toMatchObject({ state: 'scheduled', attempts: 0 });
    expect(job!.runAt.getTime()).toBe(clock.now() + 5000);
    clock.advance(5000);
    await worker.drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'completed', attempts: 1 });
  });

  it('honours a snooze even when the handler swallows its signal', async () => {
    const sneaky = defineTask({
      name: 'sneaky',
      handler: async (_payload: null, ctx) => {
        try {
          ctx.snooze(1000);
        } catch {
          // swallowed by a broad catch in user code
        }
        return 'returned anyway';
      },
    });
    const { docket, work } = await engineFixture([sneaky]);
    const { id } = await docket.enqueue(sneaky, null);
    await (await work()).drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'scheduled', attempts: 0, result: null });
  });

  it('cancels from the handler', async () => {
    const cancelling = defineTask({
      name: 'cancelling',
      handler: async (_payload: null, ctx) => ctx.cancel('customer deleted'),
    });
    const { docket, events, work } = await engineFixture([cancelling]);
    const { id } = await docket.enqueue(cancelling, null);
    await (await work()).drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'cancelled', cancelReason: 'customer deleted' });
    expect(events.failed).toHaveLength(0);
  });

  it('times out an attempt, firing the signal with a TimeoutError, and retries it', async () => {
    let reason: unknown;
    const hang = defineTask({
      name: 'hang',
      timeout: 30,
      maxAttempts: 2,
      backoff: noJitter,
      handler: (_payload: null, ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            reason = ctx.signal.reason;
            // Resolving late must not complete the job: the attempt already timed out.
            resolve('too late');
          });
        }),
    });
    const { docket, events, work } = await engineFixture([hang]);
    const { id } = await docket.enqueue(hang, null);
    await (await work()).drain();
    expect(reason).toBeInstanceOf(TimeoutError);
    const job = await docket.getJob(id);
    expect(job).toMatchObject({ state: 'retrying', attempts: 1 });
    expect(job!.errors).toMatchObject([
      { attempt: 1, name: 'TimeoutError', message: 'Handler timed out after 30 ms.' },
    ]);
    expect(events.retrying[0]!.error).toBeInstanceOf(TimeoutError);
  });

  it('frees the slot of a handler that ignores its timeout', async () => {
    const ignored = defineTask({
      name: 'ignored',
      timeout: 20,
      maxAttempts: 1,
      handler: () => new Promise(() => {}),
    });
    const quick = defineTask({ name: 'quick', handler: async () => 'ok' });
    const { docket, work } = await engineFixture([ignored, quick]);
    const a = await docket.enqueue(ignored, null);
    const b = await docket.enqueue(quick, null);
    await (await work({ concurrency: 1 })).drain();
    expect(await docket.getJob(a.id)).toMatchObject({ state: 'failed' });
    expect(await docket.getJob(b.id)).toMatchObject({ state: 'completed' });
  });

  it('re-validates the payload with the schema and passes the parsed value', async () => {
    let received: unknown;
    const typed = defineTask({
      name: 'typed',
      maxAttempts: 5,
      schema: z.object({ n: z.coerce.number() }) as never,
      handler: async (payload: { n: number }) => {
        received = payload;
      },
    });
    const { docket, store, work, events } = await engineFixture([typed]);
    const ok = await docket.enqueue(typed, { n: '42' } as never);
    // A payload that no longer matches (written by an older version of the app): fails without retrying.
    const [bad] = await store.enqueue({
      now: Date.now(),
      jobs: [
        {
          id: 'stale-payload',
          task: 'typed',
          queue: 'default',
          payload: '{"n":"not a number"}',
          priority: 0,
          runAt: 0,
          maxAttempts: 5,
          hold: false,
          dependsOn: [],
          unique: null,
          retention: { completed: null, failed: null, cancelled: null, dropPayload: false },
        },
      ],
    });
    await (await work()).drain();
    expect(received).toEqual({ n: 42 });
    expect(await docket.getJob(ok.id)).toMatchObject({ state: 'completed' });
    const failed = await docket.getJob(bad!.id);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed!.errors[0]).toMatchObject({ name: 'ValidationError' });
    expect(events.failed).toHaveLength(1);
  });

  it('fails a job of an unknown task permanently', async () => {
    const known = defineTask({ name: 'known', handler: async () => null });
    const { docket, store, work, events } = await engineFixture([known]);
    await store.enqueue({
      now: Date.now(),
      jobs: [
        {
          id: 'orphan',
          task: 'removed-task',
          queue: 'default',
          payload: 'null',
          priority: 0,
          runAt: 0,
          maxAttempts: 5,
          hold: false,
          dependsOn: [],
          unique: null,
          retention: { completed: null, failed: null, cancelled: null, dropPayload: false },
        },
      ],
    });
    await (await work()).drain();
    expect(await docket.getJob('orphan')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(events.failed[0]!.error).toBeInstanceOf(UnknownTaskError);
  });

  it('fails a job whose result cannot be stored as JSON', async () => {
    const bigint = defineTask({ name: 'bigint', maxAttempts: 3, handler: async () => ({ n: 10n }) });
    const { docket, work } = await engineFixture([bigint]);
    const { id } = await docket.enqueue(bigint, null);
    await (await work()).drain();
    const job = await docket.getJob(id);
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(job!.errors[0]!.message).toMatch(/BigInt/);
  });
});
