import { MemoryStore } from '@docket/store-memory';
import { describe, expect, it, vi } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { Docket } from '../../src/client/docket.js';
import { RuntimeStorage } from '../../src/client/runtime-storage.js';
import { ManualClock } from '../../src/clock.js';
import type { Engine } from '../../src/engine.js';
import { InvalidNameError, InvalidOptionError, StoreClosedError, StoreError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { handler, makeDocket, report, sendEmail } from './docket-fixture.js';
import { fakeStore } from './fake-store.js';

const TEN_MINUTES = 10 * 60 * 1000;

/** Exposes the engine a Docket hands to its workers. */
class InspectableDocket extends Docket {
  get sharedEngine(): Engine {
    return this.engine;
  }
}

describe('new Docket', () => {
  const store = () => new MemoryStore();
  it.each([
    ['no options', undefined, InvalidOptionError],
    ['no store', { store: undefined, tasks: [] }, InvalidOptionError],
    ['a store missing methods', { store: { capabilities: {}, setup() {} } }, InvalidOptionError],
    [
      'duplicate task names',
      { tasks: [report, defineTask({ name: 'report', handler })] },
      InvalidOptionError,
    ],
    ['a task not made by defineTask', { tasks: [{ name: 'x', handler }] }, InvalidOptionError],
    ['tasks not in an array', { tasks: report }, InvalidOptionError],
    ['a clock without now', { clock: {} }, InvalidOptionError],
    ['a logger without error', { logger: { info() {} } }, InvalidOptionError],
    ['maxPayloadBytes 0', { maxPayloadBytes: 0 }, InvalidOptionError],
    ['bad retention', { retention: { completed: -1 } }, InvalidOptionError],
    ['a bad queue name in queues', { queues: { 'a b': {} } }, InvalidNameError],
    ['an unknown queue setting', { queues: { q: { concurrency: 3 } } }, InvalidOptionError],
    ['bad queue retention', { queues: { q: { retention: { failed: 'never' } } } }, InvalidOptionError],
    ['an unknown option', { task: [] }, InvalidOptionError],
  ])('rejects %s', (_why, extra, ErrorClass) => {
    const options = extra === undefined ? undefined : { store: store(), ...extra };
    expect(() => new Docket(options as any)).toThrow(ErrorClass);
  });

  it('registers its tasks', () => {
    const docket = new Docket({ store: store(), tasks: [report, sendEmail] });
    expect(docket.task('report')).toBe(report);
    expect(docket.task('nope')).toBeUndefined();
    expect(docket.store).toBeInstanceOf(RuntimeStorage);
  });
});

describe('Docket lifecycle', () => {
  it('setup is idempotent and runs the store setup once', async () => {
    const store = fakeStore();
    const docket = new Docket({ store, clock: new ManualClock(), logger: silentLogger });
    await Promise.all([docket.setup(), docket.setup()]);
    await docket.setup();
    expect(store.calls.filter((c) => c.method === 'setup')).toHaveLength(1);
  });

  it('measures the store clock offset at setup when no clock is given', async () => {
    const store = fakeStore({ serverTime: async () => Date.now() + TEN_MINUTES });
    const docket = new Docket({ store, tasks: [report], logger: silentLogger });
    await docket.setup();
    expect(Math.abs(docket.clock.now() - Date.now() - TEN_MINUTES)).toBeLessThan(1000);
    await docket.enqueue(report, 1);
    const enqueue = store.calls.find((c) => c.method === 'enqueue')!.params as {
      now: number;
      jobs: { runAt: number }[];
    };
    expect(Math.abs(enqueue.now - Date.now() - TEN_MINUTES)).toBeLessThan(1000);
    expect(enqueue.jobs[0]!.runAt).toBe(enqueue.now);
    await docket.close();
  });

  it('measures the offset on first use when setup was not called', async () => {
    const store = fakeStore({ serverTime: async () => Date.now() - TEN_MINUTES });
    const docket = new Docket({ store, tasks: [report], logger: silentLogger });
    await docket.enqueue(report, 1);
    const enqueue = store.calls.find((c) => c.method === 'enqueue')!.params as { now: number };
    expect(Math.abs(enqueue.now - (Date.now() - TEN_MINUTES))).toBeLessThan(1000);
    expect(store.calls.some((c) => c.method === 'setup')).toBe(false);
    await docket.close();
  });

  it('does not measure an offset with an injected clock', async () => {
    const clock = new ManualClock(5_000);
    const store = fakeStore({ serverTime: async () => 9_999_999 });
    const docket = new Docket({ store, tasks: [report], clock, logger: silentLogger });
    await docket.setup();
    await docket.enqueue(report, 1);
    expect(store.calls.some((c) => c.method === 'serverTime')).toBe(false);
    expect(store.calls.find((c) => c.method === 'enqueue')!.params).toMatchObject({ now: 5_000 });
  });

  it('close is idempotent, closes the store, and later calls reject with StoreClosedError', async () => {
    const store = fakeStore();
    const docket = new Docket({ store, tasks: [report], clock: new ManualClock(), logger: silentLogger });
    await docket.setup();
    await Promise.all([docket.close(), docket.close()]);
    await docket.close();
    expect(store.calls.filter((c) => c.method === 'close')).toHaveLength(1);
    await expect(docket.enqueue(report, 1)).rejects.toThrow(StoreClosedError);
    await expect(docket.getJob('x')).rejects.toThrow(StoreClosedError);
    await expect(docket.listQueues()).rejects.toThrow(StoreClosedError);
    expect(store.calls.filter((c) => c.method !== 'setup' && c.method !== 'close')).toEqual([]);
  });

  it('hands tx to a transactional store, for enqueue and for a whole batch', async () => {
    const store = fakeStore({}, { transactions: true });
    const docket = new Docket({ store, tasks: [report], clock: new ManualClock(), logger: silentLogger });
    const tx = { client: 'in BEGIN' };
    await docket.enqueue(report, 1, { tx });
    await docket.enqueueMany(
      [
        { task: report, payload: 2 },
        { task: 'report', payload: 3 },
      ],
      { tx },
    );
    const enqueues = store.calls.filter((c) => c.method === 'enqueue').map((c) => c.params as any);
    expect(enqueues).toHaveLength(2);
    expect(enqueues[0].tx).toBe(tx);
    expect(enqueues[1].tx).toBe(tx);
    expect(enqueues[1].jobs.map((j: { payload: string }) => j.payload)).toEqual(['2', '3']);
  });

  it('surfaces backend failures as StoreError naming the operation', async () => {
    const store = fakeStore({
      listQueues: async () => {
        throw new Error('connection reset');
      },
    });
    const docket = new Docket({ store, clock: new ManualClock(), logger: silentLogger });
    const error = await docket.listQueues().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'listQueues', cause: { message: 'connection reset' } });
  });
});

describe('Docket events', () => {
  const job = {
    id: 'j',
    task: 'report',
    queue: 'default',
    payload: null,
    attempt: 1,
    maxAttempts: 3,
    priority: 0,
    createdAt: new Date(0),
    runAt: new Date(0),
    startedAt: null,
    errors: [],
  };

  it('delivers typed events to on and once listeners, and off removes them', async () => {
    const clock = new ManualClock();
    const docket = new InspectableDocket({ store: new MemoryStore({ clock }), clock, logger: silentLogger });
    const completed = vi.fn();
    const onceListener = vi.fn();
    docket.on('completed', completed).once('completed', onceListener);
    const event = { job, result: 1, durationMs: 5 };
    docket.sharedEngine.emit('completed', event);
    docket.sharedEngine.emit('completed', event);
    expect(completed).toHaveBeenCalledTimes(2);
    expect(completed).toHaveBeenCalledWith(event);
    expect(onceListener).toHaveBeenCalledTimes(1);
    docket.off('completed', completed);
    const removedOnce = vi.fn();
    docket.once('failed', removedOnce).off('failed', removedOnce);
    docket.sharedEngine.emit('completed', event);
    docket.sharedEngine.emit('failed', { job, error: new Error('x') });
    expect(completed).toHaveBeenCalledTimes(2);
    expect(removedOnce).not.toHaveBeenCalled();
  });

  it('never rethrows a listener error: logs it and reports it as an error event', async () => {
    const logged = vi.fn();
    const docket = new InspectableDocket({
      store: new MemoryStore(),
      clock: new ManualClock(),
      logger: { ...silentLogger, error: logged },
    });
    const boom = new Error('listener bug');
    const errors = vi.fn();
    const after = vi.fn();
    docket.on('failed', () => {
      throw boom;
    });
    docket.on('failed', after);
    docket.on('error', errors);
    docket.on('error', () => {
      throw new Error('error listener bug');
    });
    expect(() => docket.sharedEngine.emit('failed', { job, error: 'x' })).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalledWith({ error: boom, context: '"failed" listener' });
    // The failed listener and the failing error listener are both logged, with no loop.
    expect(logged).toHaveBeenCalledTimes(2);
  });

  it('logs a listener whose promise rejects', async () => {
    const logged = vi.fn();
    const docket = new InspectableDocket({
      store: new MemoryStore(),
      clock: new ManualClock(),
      logger: { ...silentLogger, error: logged },
    });
    docket.on('stalled', async () => {
      throw new Error('async bug');
    });
    docket.sharedEngine.emit('stalled', { jobId: 'j', task: 't', queue: 'q', attempt: 1, willRetry: true });
    await vi.waitFor(() => expect(logged).toHaveBeenCalledTimes(1));
  });
});

describe('the engine a Docket shares with its workers', () => {
  it('prepares jobs exactly as enqueue does, and enqueues through the docket', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const docket = new InspectableDocket({ store, tasks: [report, sendEmail], clock, logger: silentLogger });
    const engine = docket.sharedEngine;
    expect(engine.store).toBe(docket.store);
    expect(engine.clock).toBe(clock);
    expect(engine.task('report')).toBe(report);
    const job = await engine.prepareJob('send-email', { to: 'a@b.co' }, { delay: 10 });
    expect(job).toMatchObject({
      task: 'send-email',
      queue: 'emails',
      runAt: clock.now() + 10,
      payload: '{"to":"a@b.co"}',
    });
    await expect(engine.prepareJob(sendEmail, { to: 'x' })).rejects.toThrow(/schema/);
    const outcome = await engine.enqueue(report, 7);
    expect((await docket.getJob(outcome.id))!.payload).toBe(7);
    expect((await makeDocket()).docket).toBeInstanceOf(Docket);
  });
});
