import { JOB_STATES, type JobRecord, type JobState, type Storage } from '@docket/core';
import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { makeSelection, SELECTION_QUEUE, SELECTION_TIMES } from '../selection.js';

async function pages(store: Storage, params: Parameters<Storage['listJobs']>[0]) {
  const result: string[][] = [];
  let cursor = params.cursor;
  for (let i = 0; i < 1_000; i++) {
    const page = await store.listJobs({ ...params, cursor });
    result.push(page.jobs.map((j) => j.id));
    if (page.nextCursor === null) return result;
    cursor = page.nextCursor;
  }
  throw new Error('listJobs never returned a null cursor');
}

const ids = (jobs: JobRecord[]) => jobs.map((j) => j.id);

/** Rule 11: getJob, listJobs, countJobs, listQueues, pause and resume. */
export const inspectionCases = defineCases('inspection', [
  {
    name: 'getJob of an unknown id is null',
    async run({ store, t0 }) {
      expect(await store.getJob({ id: 'no-such-job', now: t0 })).toBeNull();
    },
  },
  {
    name: 'getJob reports scheduled and retrying jobs as ready once due',
    async run({ fx, t0 }) {
      const sel = await makeSelection(fx);
      const state = async (job: JobRecord, now: number) => (await fx.get(job.id, now)).state;
      expect(await state(sel.jobs.scheduled, t0)).toBe('scheduled');
      expect(await state(sel.jobs.retrying, t0)).toBe('retrying');
      expect(await state(sel.jobs.scheduled, t0 + SELECTION_TIMES.scheduledIn)).toBe('ready');
      expect(await state(sel.jobs.retrying, t0 + SELECTION_TIMES.retryingIn)).toBe('ready');
    },
  },
  {
    name: 'listJobs filters by queue, state and task, on reported states',
    async run({ store, fx, t0 }) {
      const sel = await makeSelection(fx);
      const other = await fx.enqueue({ queue: 'other', task: 'other-task' });
      const list = async (filters: { queue?: string; state?: JobState; task?: string }, now = t0) =>
        ids(await fx.listAll(now, filters));
      for (const [state, job] of Object.entries(sel.jobs) as Array<[JobState, JobRecord]>) {
        expect(await list({ queue: SELECTION_QUEUE, state }), `state ${state}`).toEqual([job.id]);
      }
      expect(await list({ state: 'ready' })).toEqual([sel.jobs.ready.id, other.id]);
      expect(await list({ task: 'other-task' })).toEqual([other.id]);
      expect(await list({ queue: 'other', task: 'conformance-task' })).toEqual([]);
      expect(await list({ queue: SELECTION_QUEUE })).toEqual(sel.ids.slice().sort());
      const due = t0 + SELECTION_TIMES.allDue;
      expect(await list({ queue: SELECTION_QUEUE, state: 'ready' }, due)).toEqual(
        [sel.jobs.retrying.id, sel.jobs.scheduled.id, sel.jobs.ready.id].sort(),
      );
      expect(await list({ state: 'scheduled' }, due)).toEqual([]);
      expect((await store.listJobs({ now: t0, state: 'active', limit: 5 })).jobs[0]).toMatchObject({
        id: sel.jobs.active.id,
        leaseToken: sel.activeToken,
      });
    },
  },
  {
    name: 'listJobs lists newest first by default and oldest first with order asc',
    async run({ store, fx }) {
      const jobs: JobRecord[] = [];
      for (let i = 0; i < 5; i++)
        jobs.push(await fx.enqueue({ id: `id-${'edcba'[i]}`, runAt: fx.t0 - i * 1_000 }));
      const desc = await store.listJobs({ now: fx.t0, limit: 10 });
      expect(ids(desc.jobs)).toEqual(ids(jobs).reverse());
      expect(desc.nextCursor).toBeNull();
      const asc = await store.listJobs({ now: fx.t0, limit: 10, order: 'asc' });
      expect(ids(asc.jobs)).toEqual(ids(jobs));
    },
  },
  {
    name: 'cursor pages are disjoint and complete, in both orders',
    async run({ store, fx, t0 }) {
      const all: string[] = [];
      for (let i = 0; i < 25; i++) all.push((await fx.enqueue()).id);
      expect(await pages(store, { now: t0, limit: 10, order: 'asc' })).toEqual([
        all.slice(0, 10),
        all.slice(10, 20),
        all.slice(20),
      ]);
      const desc = all.slice().reverse();
      expect(await pages(store, { now: t0, limit: 10 })).toEqual([
        desc.slice(0, 10),
        desc.slice(10, 20),
        desc.slice(20),
      ]);
      expect(await pages(store, { now: t0, limit: 7, state: 'ready', queue: 'default' })).toEqual([
        desc.slice(0, 7),
        desc.slice(7, 14),
        desc.slice(14, 21),
        desc.slice(21),
      ]);
    },
  },
  {
    name: 'jobs enqueued between pages neither repeat nor shift a page',
    async run({ store, fx, t0 }) {
      const all: string[] = [];
      for (let i = 0; i < 25; i++) all.push((await fx.enqueue()).id);
      const desc = all.slice().reverse();
      const first = await store.listJobs({ now: t0, limit: 10 });
      expect(ids(first.jobs)).toEqual(desc.slice(0, 10));
      for (let i = 0; i < 5; i++) await fx.enqueue({}, t0 + 1);
      const rest = await pages(store, { now: t0 + 1, limit: 10, cursor: first.nextCursor! });
      expect(rest).toEqual([desc.slice(10, 20), desc.slice(20)]);

      const ascFirst = await store.listJobs({ now: t0, limit: 10, order: 'asc' });
      for (let i = 0; i < 3; i++) await fx.enqueue({}, t0 + 2);
      const ascRest = (
        await pages(store, { now: t0 + 2, limit: 10, order: 'asc', cursor: ascFirst.nextCursor! })
      ).flat();
      const seen = [...ids(ascFirst.jobs), ...ascRest];
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.slice(0, 25)).toEqual(all);
      expect(seen.slice(25).every((id) => !all.includes(id))).toBe(true);
    },
  },
  {
    name: 'jobs deleted between pages neither repeat nor shift a page',
    async run({ store, fx, t0 }) {
      const all: string[] = [];
      for (let i = 0; i < 25; i++) all.push((await fx.enqueue()).id);
      const desc = all.slice().reverse();
      const first = await store.listJobs({ now: t0, limit: 10 });
      expect(ids(first.jobs)).toEqual(desc.slice(0, 10));
      const seenGone = desc[9]!;
      const nextGone = desc[10]!;
      expect(await store.removeJob({ id: seenGone, now: t0 })).toBe(true);
      expect(await store.removeJob({ id: nextGone, now: t0 })).toBe(true);
      const rest = await pages(store, { now: t0, limit: 10, cursor: first.nextCursor! });
      expect(rest).toEqual([desc.slice(11, 21), desc.slice(21)]);
    },
  },
  {
    name: 'countJobs counts per queue and reported state, listing only non-zero counts',
    async run({ store, fx, t0 }) {
      await makeSelection(fx);
      await fx.enqueue({ queue: 'other' });
      await fx.enqueue({ queue: 'other' });
      const sorted = (counts: Awaited<ReturnType<Storage['countJobs']>>) =>
        counts.slice().sort((a, b) => `${a.queue}/${a.state}`.localeCompare(`${b.queue}/${b.state}`));
      const one = (state: JobState) => ({ queue: SELECTION_QUEUE, state, count: 1 });
      expect(sorted(await store.countJobs({ now: t0 }))).toEqual(
        sorted([...JOB_STATES.map(one), { queue: 'other', state: 'ready', count: 2 }]),
      );
      const due = t0 + SELECTION_TIMES.allDue;
      expect(sorted(await store.countJobs({ now: due, queue: SELECTION_QUEUE }))).toEqual(
        sorted([
          ...(['waiting', 'active', 'completed', 'failed', 'cancelled'] as const).map(one),
          { queue: SELECTION_QUEUE, state: 'ready', count: 3 },
        ]),
      );
      expect(await store.countJobs({ now: t0, queue: 'empty' })).toEqual([]);
    },
  },
  {
    name: 'listQueues lists every queue with jobs or a pause flag, and pause is idempotent',
    async run({ store, fx, t0 }) {
      await fx.enqueue({ queue: 'qa' });
      await fx.enqueue({ queue: 'qb', hold: true });
      await store.setQueuePaused({ queue: 'qc', paused: true, now: t0 });
      await store.setQueuePaused({ queue: 'qc', paused: true, now: t0 });
      await store.setQueuePaused({ queue: 'qa', paused: true, now: t0 });
      const byName = (qs: Awaited<ReturnType<Storage['listQueues']>>) =>
        qs.slice().sort((a, b) => a.name.localeCompare(b.name));
      expect(byName(await store.listQueues())).toEqual([
        { name: 'qa', paused: true },
        { name: 'qb', paused: false },
        { name: 'qc', paused: true },
      ]);
      await store.setQueuePaused({ queue: 'qa', paused: false, now: t0 });
      await store.setQueuePaused({ queue: 'qa', paused: false, now: t0 });
      expect(byName(await store.listQueues()).find((q) => q.name === 'qa')).toEqual({
        name: 'qa',
        paused: false,
      });
    },
  },
  {
    name: 'a queue paused before it has jobs is not claimed from when they arrive',
    async run({ store, fx, t0 }) {
      await store.setQueuePaused({ queue: 'later', paused: true, now: t0 });
      await fx.enqueue({ queue: 'later' });
      expect((await fx.claim({ queues: ['later'] })).jobs).toEqual([]);
      expect(await store.nextRunAt({ queues: ['later'], now: t0 })).toBeNull();
    },
  },
]);
