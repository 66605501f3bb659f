import { Docket, defineTask, ManualClock, silentLogger } from '@docket/core';
import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { makeSelection } from '../selection.js';

/** Rule 13 at the store: typed errors, nothing written; unknown ids are null/false; names stay data. */
export const badInputCases = defineCases('bad-input', [
  {
    name: 'a dependency on an unknown job throws JobNotFoundError and writes nothing',
    async run({ store, fx, t0 }) {
      const job = fx.job({ dependsOn: ['missing-dependency'] });
      const error = await store.enqueue({ jobs: [job], now: t0 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'JOB_NOT_FOUND', name: 'JobNotFoundError' });
      expect((error as Error).message).toContain('missing-dependency');
      expect(await store.getJob({ id: job.id, now: t0 })).toBeNull();
      expect(await fx.total()).toBe(0);
    },
  },
  {
    name: 'a dependency on a later job of the same batch is unknown',
    async run({ store, fx, t0 }) {
      const later = fx.job();
      const first = fx.job({ dependsOn: [later.id] });
      await expect(store.enqueue({ jobs: [first, later], now: t0 })).rejects.toMatchObject({
        code: 'JOB_NOT_FOUND',
      });
      expect(await fx.total()).toBe(0);
    },
  },
  {
    name: 'operator transitions and lookups of unknown ids return null or false',
    async run({ store, t0 }) {
      const id = 'no-such-job';
      expect(await store.getJob({ id, now: t0 })).toBeNull();
      expect(await store.cancelJob({ id, reason: 'x', now: t0 })).toBeNull();
      expect(await store.retryJob({ id, now: t0 })).toBeNull();
      expect(await store.releaseHold({ id, now: t0 })).toBeNull();
      expect(await store.removeJob({ id, now: t0 })).toBe(false);
      expect(await store.heartbeat({ leases: [{ id, token: 't' }], now: t0, leaseMs: 1 })).toEqual([false]);
      expect(
        await store.acknowledge({ acks: [{ type: 'complete', id, token: 't', result: null }], now: t0 }),
      ).toEqual([false]);
      expect(await store.getSchedule({ name: 'no-such-schedule' })).toBeNull();
    },
  },
  {
    name: 'forbidden operator transitions throw InvalidStateError and change nothing',
    async run({ store, fx, t0 }) {
      const sel = await makeSelection(fx);
      const snapshot = async () => Promise.all(sel.ids.map((id) => fx.get(id, t0)));
      const before = await snapshot();
      const forbidden: Array<[string, () => Promise<unknown>]> = [];
      for (const job of [sel.jobs.completed, sel.jobs.failed, sel.jobs.cancelled]) {
        forbidden.push([`cancel ${job.state}`, () => store.cancelJob({ id: job.id, reason: 'x', now: t0 })]);
      }
      for (const job of [
        sel.jobs.waiting,
        sel.jobs.scheduled,
        sel.jobs.ready,
        sel.jobs.active,
        sel.jobs.retrying,
      ]) {
        forbidden.push([`retry ${job.state}`, () => store.retryJob({ id: job.id, now: t0 })]);
      }
      for (const job of [sel.jobs.scheduled, sel.jobs.ready, sel.jobs.active, sel.jobs.completed]) {
        forbidden.push([`release ${job.state}`, () => store.releaseHold({ id: job.id, now: t0 })]);
      }
      forbidden.push(['remove active', () => store.removeJob({ id: sel.jobs.active.id, now: t0 })]);
      for (const [what, call] of forbidden) {
        const error = await call().then(
          () => new Error(`${what} should have thrown`),
          (e: unknown) => e,
        );
        expect(error, what).toMatchObject({ code: 'INVALID_STATE', name: 'InvalidStateError' });
      }
      expect(await snapshot()).toEqual(before);
    },
  },
  {
    name: 'a waiting job held only by its dependencies cannot be released',
    async run({ store, fx, t0 }) {
      const dep = await fx.enqueue({ hold: true });
      const job = await fx.enqueue({ dependsOn: [dep.id] });
      await expect(store.releaseHold({ id: job.id, now: t0 })).rejects.toMatchObject({
        code: 'INVALID_STATE',
      });
      expect(await fx.get(job.id)).toMatchObject({ state: 'waiting', held: false });
    },
  },
  {
    name: 'text that looks like SQL or Lua is stored as data',
    async run({ store, fx, t0 }) {
      const payload = JSON.stringify({
        sql: "'); DROP TABLE jobs; --",
        lua: "]]..redis.call('FLUSHALL')--[[",
        nul: '\u0001',
      });
      const reason = 'it\'s "done"; DELETE FROM jobs; --';
      const job = await fx.enqueue({ id: 'x.y:z-1_', payload, task: 'task:with.dots', queue: 'q:1' });
      await fx.enqueue({ queue: 'q' });
      expect(job.payload).toBe(payload);
      expect(job.id).toBe('x.y:z-1_');
      expect(await store.cancelJob({ id: job.id, reason, now: t0 })).toMatchObject({ cancelReason: reason });
      expect((await fx.listAll(t0, { queue: 'q:1' })).map((j) => j.id)).toEqual([job.id]);
      expect((await fx.listAll(t0, { queue: 'q' })).map((j) => j.queue)).toEqual(['q']);
      expect(await fx.total()).toBe(2);
    },
  },
  {
    name: 'bad input through the Docket API is a typed error and writes nothing',
    async run({ store, fx, t0 }) {
      const task = defineTask({ name: 'conformance-input', handler: async () => {} });
      const docket = new Docket({
        store,
        tasks: [task],
        clock: new ManualClock(t0),
        logger: silentLogger,
        maxPayloadBytes: 1_000,
      });
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      const attempts: Array<[string, string, () => Promise<unknown>]> = [
        ['unknown task', 'UNKNOWN_TASK', () => docket.enqueue('no-such-task', {})],
        [
          'queue name',
          'INVALID_NAME',
          () => docket.enqueue(task, {}, { queue: "bad'; DROP TABLE jobs; --" }),
        ],
        ['job id', 'INVALID_NAME', () => docket.enqueue(task, {}, { id: 'bad id with spaces' })],
        ['BigInt payload', 'INVALID_PAYLOAD', () => docket.enqueue(task, { n: 1n })],
        ['cyclic payload', 'INVALID_PAYLOAD', () => docket.enqueue(task, cycle)],
        ['oversized payload', 'PAYLOAD_TOO_LARGE', () => docket.enqueue(task, { text: 'x'.repeat(2_000) })],
        ['negative delay', 'INVALID_OPTION', () => docket.enqueue(task, {}, { delay: -1 })],
        ['unknown dependency', 'JOB_NOT_FOUND', () => docket.enqueue(task, {}, { dependsOn: ['missing'] })],
        [
          'one bad job in a batch',
          'INVALID_PAYLOAD',
          () =>
            docket.enqueueMany([
              { task, payload: { ok: 1 } },
              { task, payload: { bad: () => 1 } },
            ]),
        ],
      ];
      for (const [what, code, attempt] of attempts) {
        const error = await attempt().then(
          () => new Error(`${what} should have been rejected`),
          (e: unknown) => e,
        );
        expect(error, what).toMatchObject({ code });
        expect((error as Error).message.length, `${what}: a message`).toBeGreaterThan(10);
      }
      expect(await fx.total()).toBe(0);
      expect(await store.listQueues()).toEqual([]);
    },
  },
]);
