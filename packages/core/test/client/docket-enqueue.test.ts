import { describe, expect, it } from 'vitest';
import {
  InvalidNameError,
  InvalidOptionError,
  InvalidPayloadError,
  JobNotFoundError,
  NotSupportedError,
  PayloadTooLargeError,
  UnknownTaskError,
  ValidationError,
} from '../../src/errors.js';
import { allJobs, makeDocket, report, sendEmail } from './docket-fixture.js';

describe('Docket.enqueue', () => {
  it('stores a ready job with the task defaults and returns its id and state', async () => {
    const { docket, clock } = await makeDocket();
    const outcome = await docket.enqueue(sendEmail, { to: 'a@b.co' });
    expect(outcome).toEqual({ id: expect.any(String), duplicate: false, state: 'ready' });
    const job = await docket.getJob(outcome.id);
    expect(job).toMatchObject({
      id: outcome.id,
      task: 'send-email',
      queue: 'emails',
      state: 'ready',
      payload: { to: 'a@b.co' },
      result: null,
      maxAttempts: 5,
      attempts: 0,
      priority: 0,
      held: false,
    });
    expect(job!.runAt).toEqual(new Date(clock.now()));
    expect(job!.createdAt).toBeInstanceOf(Date);
    expect(job).not.toHaveProperty('leaseToken');
  });

  it('enqueues by task name, delayed, held, with priority and dependencies', async () => {
    const { docket, clock } = await makeDocket();
    const first = await docket.enqueue('report', { n: 1 }, { delay: 60_000, priority: 3 });
    expect(first.state).toBe('scheduled');
    expect((await docket.getJob(first.id))!.runAt).toEqual(new Date(clock.now() + 60_000));
    const held = await docket.enqueue(report, { n: 2 }, { hold: true });
    expect(held.state).toBe('waiting');
    const dependent = await docket.enqueue(report, { n: 3 }, { dependsOn: [first.id] });
    expect(dependent.state).toBe('waiting');
    expect((await docket.getJob(dependent.id))!.dependsOn).toEqual([first.id]);
    clock.advance(60_000);
    expect((await docket.getJob(first.id))!.state).toBe('ready');
  });

  it('returns the existing job for a duplicate id or unique key', async () => {
    const { docket } = await makeDocket();
    const a = await docket.enqueue(report, { n: 1 }, { id: 'fixed-id' });
    const b = await docket.enqueue(report, { n: 2 }, { id: 'fixed-id' });
    expect(b).toEqual({ id: 'fixed-id', duplicate: true, state: a.state });
    const u1 = await docket.enqueue(report, {}, { unique: { key: 'daily' } });
    const u2 = await docket.enqueue(report, {}, { unique: { key: 'daily' } });
    expect(u2).toMatchObject({ id: u1.id, duplicate: true });
    expect(await allJobs(docket)).toHaveLength(2);
  });

  it('types the payload after the task', async () => {
    const { docket } = await makeDocket();
    // @ts-expect-error the payload of send-email is { to: string }
    await expect(docket.enqueue(sendEmail, { to: 5 })).rejects.toThrow(ValidationError);
    // @ts-expect-error an unknown option is a type error and a runtime error
    await expect(docket.enqueue(report, 1, { dealy: 5 })).rejects.toThrow(InvalidOptionError);
    expect(await allJobs(docket)).toEqual([]);
  });

  it('gives ids that sort in enqueue order', async () => {
    const { docket } = await makeDocket();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await docket.enqueue(report, i)).id);
    expect([...ids].sort()).toEqual(ids);
  });

  describe('writes nothing when it rejects', () => {
    const cases: Array<[string, unknown, unknown, unknown, new (...a: any[]) => Error]> = [
      ['an unknown task', 'nope', {}, {}, UnknownTaskError],
      ['a bad queue', report, {}, { queue: '../etc' }, InvalidNameError],
      ['a negative delay', report, {}, { delay: -5 }, InvalidOptionError],
      ['delay and runAt', report, {}, { delay: 5, runAt: new Date() }, InvalidOptionError],
      ['a schema failure', sendEmail, { to: 'nobody' }, {}, ValidationError],
      ['a non-JSON payload', report, { big: 10n }, {}, InvalidPayloadError],
      ['an unknown dependency', report, {}, { dependsOn: ['missing-job'] }, JobNotFoundError],
      ['tx on the memory store', report, {}, { tx: {} }, NotSupportedError],
    ];
    it.each(cases)('%s', async (_why, task, payload, options, ErrorClass) => {
      const { docket } = await makeDocket();
      await expect(docket.enqueue(task as any, payload, options as any)).rejects.toThrow(ErrorClass);
      expect(await allJobs(docket)).toEqual([]);
      expect(await docket.countJobs()).toEqual([]);
    });

    it('a payload over maxPayloadBytes', async () => {
      const { docket } = await makeDocket({ maxPayloadBytes: 64 });
      await expect(docket.enqueue(report, 'x'.repeat(100))).rejects.toThrow(PayloadTooLargeError);
      await docket.enqueue(report, 'x'.repeat(10));
      expect(await allJobs(docket)).toHaveLength(1);
    });
  });

  it('applies queue and docket retention', async () => {
    const { docket } = await makeDocket({
      retention: { failed: 1, cancelled: 2 },
      queues: { emails: { retention: { failed: 'forever', dropPayload: true } } },
    });
    const { id } = await docket.enqueue(sendEmail, { to: 'a@b.co' });
    expect((await docket.getJob(id))!.retention).toEqual({
      completed: 86_400_000,
      failed: null,
      cancelled: 2,
      dropPayload: true,
    });
    const other = await docket.enqueue(report, {});
    expect((await docket.getJob(other.id))!.retention).toEqual({
      completed: null,
      failed: 1,
      cancelled: 2,
      dropPayload: false,
    });
  });
});

describe('Docket.enqueueMany', () => {
  it('enqueues a batch in order, dependencies on earlier jobs included', async () => {
    const { docket } = await makeDocket();
    const outcomes = await docket.enqueueMany([
      { task: report, payload: 1, options: { id: 'parent' } },
      { task: 'send-email', payload: { to: 'x@y.co' }, options: { dependsOn: ['parent'] } },
      { task: report, payload: 3 },
    ]);
    expect(outcomes.map((o) => o.state)).toEqual(['ready', 'waiting', 'ready']);
    expect(outcomes[0]!.id).toBe('parent');
    const jobs = await allJobs(docket);
    expect(jobs.map((j) => j.payload)).toEqual([1, { to: 'x@y.co' }, 3]);
  });

  it('returns [] for an empty batch', async () => {
    const { docket } = await makeDocket();
    expect(await docket.enqueueMany([])).toEqual([]);
  });

  it('is all-or-nothing when one item is invalid', async () => {
    const { docket } = await makeDocket();
    await expect(
      docket.enqueueMany([
        { task: report, payload: 1 },
        { task: sendEmail, payload: { to: 'invalid' } },
      ]),
    ).rejects.toThrow(ValidationError);
    expect(await allJobs(docket)).toEqual([]);
  });

  it('is all-or-nothing when the store rejects a dependency', async () => {
    const { docket } = await makeDocket();
    await expect(
      docket.enqueueMany([
        { task: report, payload: 1 },
        { task: report, payload: 2, options: { dependsOn: ['nowhere'] } },
      ]),
    ).rejects.toThrow(JobNotFoundError);
    expect(await allJobs(docket)).toEqual([]);
  });

  it('refuses a dependency on a later job of the batch', async () => {
    const { docket } = await makeDocket();
    await expect(
      docket.enqueueMany([
        { task: report, payload: 1, options: { dependsOn: ['child'] } },
        { task: report, payload: 2, options: { id: 'child' } },
      ]),
    ).rejects.toThrow(/later in the same batch/);
    expect(await allJobs(docket)).toEqual([]);
  });

  it('refuses tx on an item, unknown batch options and non-arrays', async () => {
    const { docket } = await makeDocket();
    await expect(
      docket.enqueueMany([{ task: report, payload: 1, options: { tx: {} } as any }]),
    ).rejects.toThrow(InvalidOptionError);
    await expect(docket.enqueueMany([{ task: report, payload: 1 }], { txn: {} } as any)).rejects.toThrow(
      InvalidOptionError,
    );
    await expect(docket.enqueueMany({} as any)).rejects.toThrow(InvalidOptionError);
    await expect(docket.enqueueMany([null as any])).rejects.toThrow(InvalidOptionError);
    await expect(docket.enqueueMany([{ task: report, payload: 1 }], { tx: {} })).rejects.toThrow(
      NotSupportedError,
    );
    expect(await allJobs(docket)).toEqual([]);
  });
});
