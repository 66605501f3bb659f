import { describe, expect, it } from 'vitest';
import {
  InvalidNameError,
  InvalidOptionError,
  InvalidStateError,
  JobNotFoundError,
} from '../../src/errors.js';
import { allJobs, makeDocket, report, sendEmail } from './docket-fixture.js';

describe('Docket inspection', () => {
  it('getJob returns null for an unknown id and rejects a malformed one', async () => {
    const { docket } = await makeDocket();
    expect(await docket.getJob('nope')).toBeNull();
    await expect(docket.getJob('not an id')).rejects.toThrow(InvalidNameError);
  });

  it('listJobs filters and pages with a cursor', async () => {
    const { docket } = await makeDocket();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await docket.enqueue(report, i)).id);
    await docket.enqueue(sendEmail, { to: 'a@b.co' });
    await docket.enqueue(report, 'held', { hold: true });

    const first = await docket.listJobs({ task: 'report', state: 'ready', limit: 2, order: 'asc' });
    expect(first.jobs.map((j) => j.id)).toEqual(ids.slice(0, 2));
    const second = await docket.listJobs({
      task: 'report',
      state: 'ready',
      limit: 2,
      order: 'asc',
      cursor: first.nextCursor!,
    });
    expect(second.jobs.map((j) => j.id)).toEqual(ids.slice(2, 4));
    expect((await docket.listJobs({ queue: 'emails' })).jobs.map((j) => j.task)).toEqual(['send-email']);
    expect((await docket.listJobs({ state: 'waiting' })).jobs.map((j) => j.payload)).toEqual(['held']);
    const newest = await docket.listJobs({ limit: 1 });
    expect(newest.jobs[0]!.payload).toBe('held');
  });

  it.each([
    [{ limit: 0 }, InvalidOptionError],
    [{ limit: 1001 }, InvalidOptionError],
    [{ limit: 2.5 }, InvalidOptionError],
    [{ state: 'done' }, InvalidOptionError],
    [{ order: 'up' }, InvalidOptionError],
    [{ cursor: '' }, InvalidOptionError],
    [{ queue: 'a b' }, InvalidNameError],
    [{ task: '' }, InvalidNameError],
    [{ sort: 'asc' }, InvalidOptionError],
  ])('listJobs rejects %o', async (options, ErrorClass) => {
    const { docket } = await makeDocket();
    await expect(docket.listJobs(options as any)).rejects.toThrow(ErrorClass);
  });

  it('accepts the limit bounds 1 and 1000', async () => {
    const { docket } = await makeDocket();
    await docket.enqueue(report, 1);
    await docket.enqueue(report, 2);
    expect((await docket.listJobs({ limit: 1 })).jobs).toHaveLength(1);
    expect((await docket.listJobs({ limit: 1000 })).jobs).toHaveLength(2);
  });

  it('counts jobs per queue and state, and lists queues', async () => {
    const { docket } = await makeDocket();
    await docket.enqueue(report, 1);
    await docket.enqueue(report, 2);
    await docket.enqueue(sendEmail, { to: 'a@b.co' }, { delay: 1000 });
    const counts = await docket.countJobs();
    expect(counts).toEqual(
      expect.arrayContaining([
        { queue: 'default', state: 'ready', count: 2 },
        { queue: 'emails', state: 'scheduled', count: 1 },
      ]),
    );
    expect(counts).toHaveLength(2);
    expect(await docket.countJobs({ queue: 'emails' })).toEqual([
      { queue: 'emails', state: 'scheduled', count: 1 },
    ]);
    await expect(docket.countJobs({ queue: '' })).rejects.toThrow(InvalidNameError);
    await expect(docket.countJobs(null as any)).rejects.toThrow(InvalidOptionError);
    const queues = await docket.listQueues();
    expect(queues.map((q) => q.name).sort()).toEqual(['default', 'emails']);
  });
});

describe('Docket operator actions', () => {
  it('pauses and resumes a queue, validating its name', async () => {
    const { docket } = await makeDocket();
    await docket.pauseQueue('emails');
    expect(await docket.listQueues()).toEqual([{ name: 'emails', paused: true }]);
    await docket.resumeQueue('emails');
    expect((await docket.listQueues()).filter((q) => q.paused)).toEqual([]);
    await expect(docket.pauseQueue('bad queue')).rejects.toThrow(InvalidNameError);
    await expect(docket.resumeQueue(42 as any)).rejects.toThrow(InvalidNameError);
  });

  it('cancels with a reason and cascades to dependents', async () => {
    const { docket } = await makeDocket();
    const parent = await docket.enqueue(report, 1);
    const child = await docket.enqueue(report, 2, { dependsOn: [parent.id] });
    const cancelled = await docket.cancel(parent.id, 'not needed');
    expect(cancelled).toMatchObject({ id: parent.id, state: 'cancelled', cancelReason: 'not needed' });
    expect(cancelled.finishedAt).toBeInstanceOf(Date);
    expect((await docket.getJob(child.id))!.state).toBe('cancelled');
    await expect(docket.cancel(parent.id)).rejects.toThrow(InvalidStateError);
  });

  it('retries a cancelled job', async () => {
    const { docket } = await makeDocket();
    const { id } = await docket.enqueue(report, 1);
    await docket.cancel(id);
    expect(await docket.retry(id)).toMatchObject({ id, state: 'ready', finishedAt: null });
    await expect(docket.retry(id)).rejects.toThrow(InvalidStateError);
  });

  it('releases a held job', async () => {
    const { docket } = await makeDocket();
    const { id } = await docket.enqueue(report, 1, { hold: true });
    expect(await docket.release(id)).toMatchObject({ state: 'ready', held: false });
    await expect(docket.release(id)).rejects.toThrow(InvalidStateError);
  });

  it('removes a job', async () => {
    const { docket } = await makeDocket();
    const { id } = await docket.enqueue(report, 1);
    await docket.remove(id);
    expect(await docket.getJob(id)).toBeNull();
    expect(await allJobs(docket)).toEqual([]);
  });

  it.each(['cancel', 'retry', 'remove', 'release'] as const)(
    '%s of an unknown job throws JobNotFoundError',
    async (action) => {
      const { docket } = await makeDocket();
      const error = await docket[action]('missing').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobNotFoundError);
      expect((error as JobNotFoundError).jobId).toBe('missing');
      await expect(docket[action]('bad id!')).rejects.toThrow(InvalidNameError);
    },
  );

  it('rejects a non-string cancel reason', async () => {
    const { docket } = await makeDocket();
    const { id } = await docket.enqueue(report, 1);
    await expect(docket.cancel(id, 5 as any)).rejects.toThrow(InvalidOptionError);
    expect((await docket.getJob(id))!.state).toBe('ready');
  });
});
