import { describe, expect, it } from 'vitest';
import { RuntimeStorage } from '../../src/client/runtime-storage.js';
import {
  type DocketError,
  InvalidStateError,
  JobNotFoundError,
  NotSupportedError,
  StoreClosedError,
  StoreError,
} from '../../src/errors.js';
import type { Storage } from '../../src/storage.js';
import { fakeStore } from './fake-store.js';

const NOW = 1_000;

describe('RuntimeStorage', () => {
  it('runs setup once for concurrent and repeated callers', async () => {
    let release!: () => void;
    let runs = 0;
    const store = fakeStore({
      setup: () => {
        runs++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const runtime = new RuntimeStorage(store);
    const all = Promise.all([runtime.setup(), runtime.setup(), runtime.setup()]);
    release();
    await all;
    await runtime.setup();
    expect(runs).toBe(1);
  });

  it('lets a failed setup be retried, and reports it as a StoreError', async () => {
    let runs = 0;
    const store = fakeStore({
      setup: async () => {
        runs++;
        if (runs === 1) throw new Error('connection refused');
      },
    });
    const runtime = new RuntimeStorage(store);
    const error = await runtime.setup().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'STORE_ERROR', operation: 'setup' });
    await runtime.setup();
    await runtime.setup();
    expect(runs).toBe(2);
  });

  it('makes operations issued during setup wait for it', async () => {
    const order: string[] = [];
    let release!: () => void;
    const store = fakeStore({
      setup: () =>
        new Promise<void>((resolve) => {
          release = () => {
            order.push('setup done');
            resolve();
          };
        }),
      listQueues: async () => {
        order.push('listQueues');
        return [];
      },
    });
    const runtime = new RuntimeStorage(store);
    const setup = runtime.setup();
    const list = runtime.listQueues();
    await Promise.resolve();
    release();
    await Promise.all([setup, list]);
    expect(order).toEqual(['setup done', 'listQueues']);
  });

  it('rejects every call after close with StoreClosedError, and closes the store once', async () => {
    const store = fakeStore();
    const runtime = new RuntimeStorage(store);
    await Promise.all([runtime.close(), runtime.close()]);
    await runtime.close();
    expect(store.calls.filter((c) => c.method === 'close')).toHaveLength(1);
    expect(runtime.closed).toBe(true);
    for (const call of [
      () => runtime.getJob({ id: 'x', now: NOW }),
      () => runtime.enqueue({ jobs: [], now: NOW }),
      () => runtime.claim({ queues: ['q'], limit: 1, now: NOW, leaseMs: 1, token: 't', workerId: 'w' }),
      () => runtime.setup(),
      () => runtime.serverTime(),
      () => runtime.subscribe(() => {}),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreClosedError);
      expect((error as DocketError).code).toBe('STORE_CLOSED');
    }
    expect(store.calls.map((c) => c.method)).toEqual(['close']);
  });

  it('wraps non-docket errors in StoreError with the operation name and the cause', async () => {
    const cause = new Error('ECONNRESET');
    const store = fakeStore({
      getJob: async () => {
        throw cause;
      },
      countJobs: () => {
        throw 'a string';
      },
    });
    const runtime = new RuntimeStorage(store);
    const error = (await runtime.getJob({ id: 'x', now: NOW }).catch((e: unknown) => e)) as StoreError;
    expect(error).toBeInstanceOf(StoreError);
    expect(error.code).toBe('STORE_ERROR');
    expect(error.operation).toBe('getJob');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('ECONNRESET');
    const sync = (await runtime.countJobs({ now: NOW }).catch((e: unknown) => e)) as StoreError;
    expect(sync).toBeInstanceOf(StoreError);
    expect(sync.operation).toBe('countJobs');
    expect(sync.cause).toBe('a string');
  });

  it('passes docket errors through unchanged, also from another copy of core', async () => {
    const notFound = new JobNotFoundError('dep', 'dependency');
    const invalid = new InvalidStateError('j', 'completed', 'cancel');
    const foreign = Object.assign(new Error('lease lost elsewhere'), { code: 'LEASE_LOST' });
    const store = fakeStore({
      enqueue: async () => {
        throw notFound;
      },
      cancelJob: async () => {
        throw invalid;
      },
      retryJob: async () => {
        throw foreign;
      },
    });
    const runtime = new RuntimeStorage(store);
    await expect(runtime.enqueue({ jobs: [], now: NOW })).rejects.toBe(notFound);
    await expect(runtime.cancelJob({ id: 'j', reason: 'r', now: NOW })).rejects.toBe(invalid);
    await expect(runtime.retryJob({ id: 'j', now: NOW })).rejects.toBe(foreign);
  });

  it('refuses tx on a store without transactions, before reaching it', async () => {
    const store = fakeStore();
    const runtime = new RuntimeStorage(store);
    await expect(runtime.enqueue({ jobs: [], now: NOW, tx: {} })).rejects.toThrow(NotSupportedError);
    expect(store.calls).toEqual([]);
    await runtime.enqueue({ jobs: [], now: NOW, tx: null });
    expect(store.calls.map((c) => c.method)).toEqual(['enqueue']);
    const transactional = fakeStore({}, { transactions: true });
    await new RuntimeStorage(transactional).enqueue({ jobs: [], now: NOW, tx: { client: 1 } });
    expect(transactional.calls[0]).toMatchObject({ method: 'enqueue', params: { tx: { client: 1 } } });
  });

  it('forwards every Storage method with its params and result', async () => {
    const store = fakeStore({ deleteExpired: async () => 7, nextRunAt: async () => 42 });
    const runtime: Storage = new RuntimeStorage(store);
    expect(runtime.capabilities).toBe(store.capabilities);
    expect(await runtime.deleteExpired({ now: NOW, limit: 10 })).toBe(7);
    expect(await runtime.nextRunAt({ queues: ['a'], now: NOW })).toBe(42);
    expect(store.calls).toEqual([
      { method: 'deleteExpired', params: { now: NOW, limit: 10 } },
      { method: 'nextRunAt', params: { queues: ['a'], now: NOW } },
    ]);
  });

  it('makes unsubscribe a no-op after close and wraps its errors', async () => {
    let unsubscribed = 0;
    const store = fakeStore({
      subscribe: async () => async () => {
        unsubscribed++;
        if (unsubscribed > 0) throw new Error('socket gone');
      },
    });
    const runtime = new RuntimeStorage(store);
    const unsubscribe = await runtime.subscribe(() => {});
    await expect(unsubscribe()).rejects.toBeInstanceOf(StoreError);
    const second = await runtime.subscribe(() => {});
    await runtime.close();
    await expect(second()).resolves.toBeUndefined();
    expect(unsubscribed).toBe(1);
  });
});
