import { InvalidOptionError } from '@docket/core';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { attemptError, claimOne, newJob, T0 } from './fixtures.js';

describe('MemoryStore: inspection', () => {
  it('reports scheduled/retrying jobs as ready once due', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 's', runAt: T0 + 10 })] });
    expect(await store.countJobs({ now: T0 })).toEqual([{ queue: 'default', state: 'scheduled', count: 1 }]);
    expect(await store.countJobs({ now: T0 + 10 })).toEqual([{ queue: 'default', state: 'ready', count: 1 }]);
    const page = await store.listJobs({ now: T0 + 10, state: 'ready', limit: 10 });
    expect(page.jobs.map((j) => j.id)).toEqual(['s']);
  });

  it('returns copies: mutating a record does not touch the store', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x' })] });
    await claimOne(store);
    await store.acknowledge({
      now: T0,
      acks: [{ type: 'fail', id: 'x', token: 'tok-1', error: attemptError(1), retryAt: T0 }],
    });
    const record = (await store.getJob({ id: 'x', now: T0 }))!;
    record.errors[0]!.message = 'mutated';
    record.errors.push(attemptError(9));
    record.dependsOn.push('y');
    record.retention.completed = 1;
    record.state = 'failed';
    const again = (await store.getJob({ id: 'x', now: T0 }))!;
    expect(again.errors).toEqual([attemptError(1)]);
    expect(again.dependsOn).toEqual([]);
    expect(again.retention.completed).toBeNull();
    expect(again.state).toBe('ready');
  });

  it('lists with filters and a stable cursor, newest first by default', async () => {
    const store = new MemoryStore();
    const ids = Array.from({ length: 7 }, (_, i) => `j${i}`);
    await store.enqueue({
      now: T0,
      jobs: ids.map((id, i) => newJob({ id, queue: i % 2 === 0 ? 'even' : 'odd', task: 'task-a' })),
    });
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'other-task', queue: 'even', task: 'task-b' })] });

    const first = await store.listJobs({ now: T0, queue: 'even', task: 'task-a', limit: 2 });
    expect(first.jobs.map((j) => j.id)).toEqual(['j6', 'j4']);
    // Inserting and deleting between pages neither repeats nor shifts the next page.
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'late', queue: 'even' })] });
    await store.removeJob({ id: 'j4', now: T0 });
    const second = await store.listJobs({
      now: T0,
      queue: 'even',
      task: 'task-a',
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.jobs.map((j) => j.id)).toEqual(['j2', 'j0']);
    expect(second.nextCursor).toBeNull();

    const asc = await store.listJobs({ now: T0, order: 'asc', queue: 'odd', limit: 2 });
    expect(asc.jobs.map((j) => j.id)).toEqual(['j1', 'j3']);
    const ascNext = await store.listJobs({
      now: T0,
      order: 'asc',
      queue: 'odd',
      limit: 2,
      cursor: asc.nextCursor!,
    });
    expect(ascNext).toMatchObject({ nextCursor: null });
    expect(ascNext.jobs.map((j) => j.id)).toEqual(['j5']);
  });

  it('rejects a cursor it did not produce and a non-positive limit', async () => {
    const store = new MemoryStore();
    await expect(store.listJobs({ now: T0, limit: 5, cursor: 'garbage' })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
    await expect(store.listJobs({ now: T0, limit: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
  });

  it('counts per queue and reported state, non-zero only, filtered by queue', async () => {
    const store = new MemoryStore();
    await store.enqueue({
      now: T0,
      jobs: [
        newJob({ queue: 'b' }),
        newJob({ queue: 'a', hold: true }),
        newJob({ queue: 'a' }),
        newJob({ queue: 'a' }),
      ],
    });
    await claimOne(store, 'a');
    expect(await store.countJobs({ now: T0 })).toEqual([
      { queue: 'a', state: 'waiting', count: 1 },
      { queue: 'a', state: 'ready', count: 1 },
      { queue: 'a', state: 'active', count: 1 },
      { queue: 'b', state: 'ready', count: 1 },
    ]);
    expect(await store.countJobs({ now: T0, queue: 'b' })).toEqual([
      { queue: 'b', state: 'ready', count: 1 },
    ]);
  });

  it('lists queues that have jobs or are paused', async () => {
    const store = new MemoryStore();
    await store.enqueue({ now: T0, jobs: [newJob({ id: 'x', queue: 'jobs' })] });
    await store.setQueuePaused({ queue: 'empty-paused', paused: true, now: T0 });
    await store.setQueuePaused({ queue: 'empty-paused', paused: true, now: T0 });
    expect(await store.listQueues()).toEqual([
      { name: 'empty-paused', paused: true },
      { name: 'jobs', paused: false },
    ]);
    await store.setQueuePaused({ queue: 'empty-paused', paused: false, now: T0 });
    await store.removeJob({ id: 'x', now: T0 });
    expect(await store.listQueues()).toEqual([]);
  });
});
