import { expect } from 'vitest';
import { defineCases } from '../case.js';

const unique = (key: string, period: number | null = null) => ({ unique: { key, period } });

/** Rule 7: unique keys and caller-supplied ids. */
export const uniqueCases = defineCases('unique', [
  {
    name: 'a job with the task and key of a non-terminal job is a duplicate and writes nothing',
    async run({ store, fx, t0 }) {
      const first = await fx.enqueue({ ...unique('k'), runAt: t0 + 60_000 });
      const again = fx.job({ ...unique('k'), payload: '"other"' });
      const [outcome] = await store.enqueue({ jobs: [again], now: t0 + 1 });
      expect(outcome).toEqual({ id: first.id, duplicate: true, state: 'scheduled' });
      expect(await store.getJob({ id: again.id, now: t0 + 1 })).toBeNull();
      expect(await fx.total()).toBe(1);
      expect((await fx.get(first.id)).uniqueKey).toBe('k');
    },
  },
  {
    name: 'a duplicate of an active or held job reports its state',
    async run({ store, fx, t0 }) {
      const active = await fx.active({ ...unique('a') });
      const held = await fx.enqueue({ ...unique('h'), hold: true });
      const outcomes = await store.enqueue({ jobs: [fx.job(unique('a')), fx.job(unique('h'))], now: t0 });
      expect(outcomes).toEqual([
        { id: active.job.id, duplicate: true, state: 'active' },
        { id: held.id, duplicate: true, state: 'waiting' },
      ]);
    },
  },
  {
    name: 'the same key under another task, or another key, is not a duplicate',
    async run({ store, fx, t0 }) {
      await fx.enqueue({ ...unique('k') });
      const outcomes = await store.enqueue({
        jobs: [fx.job({ ...unique('k'), task: 'other-task' }), fx.job(unique('k2')), fx.job()],
        now: t0,
      });
      expect(outcomes.map((o) => o.duplicate)).toEqual([false, false, false]);
      expect(await fx.total()).toBe(4);
    },
  },
  {
    name: 'without a period, a key is free again once its job is terminal',
    async run({ store, fx, t0 }) {
      const done = await fx.active(unique('k'));
      await fx.complete(done, t0 + 1);
      const [outcome] = await store.enqueue({ jobs: [fx.job(unique('k'))], now: t0 + 2 });
      expect(outcome).toMatchObject({ duplicate: false, state: 'ready' });
      expect(outcome!.id).not.toBe(done.job.id);
    },
  },
  {
    name: 'with a period, a key stays taken until period ms after the job finished',
    async run({ store, fx, t0, tick }) {
      const period = 10_000;
      const failed = await fx.active({ ...unique('k', period), maxAttempts: 1 });
      const finished = t0 + 100;
      await fx.fail(failed, finished);
      const attempt = (now: number) => store.enqueue({ jobs: [fx.job(unique('k', period))], now });
      expect(await attempt(finished + period - tick)).toEqual([
        { id: failed.job.id, duplicate: true, state: 'failed' },
      ]);
      const [later] = await attempt(finished + period);
      expect(later).toMatchObject({ duplicate: false, state: 'ready' });
    },
  },
  {
    name: 'a caller-supplied id that exists is a duplicate, whatever the rest of the job',
    async run({ store, fx, t0 }) {
      const first = await fx.enqueue({ id: 'order-42' });
      const [outcome] = await store.enqueue({
        jobs: [fx.job({ id: 'order-42', task: 'another', queue: 'elsewhere', payload: '"x"' })],
        now: t0 + 1,
      });
      expect(outcome).toEqual({ id: 'order-42', duplicate: true, state: 'ready' });
      expect(await fx.get('order-42', t0 + 1)).toMatchObject({ task: first.task, payload: first.payload });
      const done = await fx.claim();
      await fx.complete({ job: done.jobs[0]!, token: done.token }, t0 + 2);
      const [afterDone] = await store.enqueue({ jobs: [fx.job({ id: 'order-42' })], now: t0 + 3 });
      expect(afterDone).toEqual({ id: 'order-42', duplicate: true, state: 'completed' });
      expect(await fx.total(t0 + 3)).toBe(1);
    },
  },
  {
    name: 'a later job of the same batch that duplicates an earlier one gets the earlier one’s id',
    async run({ store, fx, t0 }) {
      const a = fx.job({ ...unique('k') });
      const b = fx.job({ ...unique('k') });
      const c = fx.job({ id: 'same-id' });
      const d = fx.job({ id: 'same-id', payload: '"second"' });
      const outcomes = await store.enqueue({ jobs: [a, b, c, d], now: t0 });
      expect(outcomes).toEqual([
        { id: a.id, duplicate: false, state: 'ready' },
        { id: a.id, duplicate: true, state: 'ready' },
        { id: 'same-id', duplicate: false, state: 'ready' },
        { id: 'same-id', duplicate: true, state: 'ready' },
      ]);
      expect(await fx.total()).toBe(2);
      expect((await fx.get('same-id')).payload).toBe(c.payload);
    },
  },
  {
    name: 'concurrent enqueues of one unique key yield exactly one new job',
    timeoutMs: 60_000,
    async run({ fx, t0, instances }) {
      const stores = await instances(20);
      const jobs = stores.map(() => fx.job({ ...unique('race') }));
      const outcomes = (
        await Promise.all(stores.map((store, i) => store.enqueue({ jobs: [jobs[i]!], now: t0 })))
      ).flat();
      const fresh = outcomes.filter((o) => !o.duplicate);
      expect(fresh).toHaveLength(1);
      expect(new Set(outcomes.map((o) => o.id))).toEqual(new Set([fresh[0]!.id]));
      expect(await fx.total()).toBe(1);
    },
  },
  {
    name: 'concurrent enqueues of one caller-supplied id yield exactly one new job',
    timeoutMs: 60_000,
    async run({ fx, t0, instances }) {
      const stores = await instances(20);
      const outcomes = (
        await Promise.all(
          stores.map((store, i) =>
            store.enqueue({ jobs: [fx.job({ id: 'the-one', payload: String(i) })], now: t0 }),
          ),
        )
      ).flat();
      expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
      expect(outcomes.every((o) => o.id === 'the-one')).toBe(true);
      expect(await fx.total()).toBe(1);
    },
  },
]);
