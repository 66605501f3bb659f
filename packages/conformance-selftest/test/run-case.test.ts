import {
  type ConformanceCase,
  defineCases,
  findCase,
  runCase,
  type StorageHarness,
  UnsupportedCaseError,
} from '@docket/conformance';
import type { Storage } from '@docket/core';
import { MemoryStore } from '@docket/store-memory';
import { describe, expect, it } from 'vitest';
import { DelegatingStore } from './delegating-store.js';

/** A memory store that records its lifecycle calls; optionally claims other capabilities. */
class TrackedStore extends DelegatingStore {
  readonly calls: string[] = [];
  constructor(private readonly claimed: Partial<Storage['capabilities']> = {}) {
    super(new MemoryStore());
  }
  override get capabilities() {
    return { ...this.inner.capabilities, ...this.claimed };
  }
  override async setup() {
    this.calls.push('setup');
    await super.setup();
  }
  override async close() {
    this.calls.push('close');
    await super.close();
  }
}

function tracking(claimed: Partial<Storage['capabilities']> = {}) {
  const stores: TrackedStore[] = [];
  const destroyed: TrackedStore[] = [];
  const harness: StorageHarness<TrackedStore> = {
    create: async () => {
      const store = new TrackedStore(claimed);
      stores.push(store);
      return store;
    },
    destroy: async (store) => void destroyed.push(store),
  };
  return { harness, stores, destroyed };
}

const [failing, passing] = defineCases('selftest', [
  {
    name: 'fails after creating a second store',
    async run({ createStore }) {
      await createStore();
      throw new Error('deliberate failure');
    },
  },
  {
    name: 'passes',
    async run({ store }) {
      expect(await store.getJob({ id: 'x', now: 0 })).toBeNull();
    },
  },
]) as [ConformanceCase, ConformanceCase];

describe('runCase', () => {
  it('sets up the store, then closes and destroys every store it created, also when the case fails', async () => {
    const { harness, stores, destroyed } = tracking();
    await expect(runCase(failing, harness)).rejects.toThrow('deliberate failure');
    expect(stores).toHaveLength(2);
    expect(stores[0]!.calls).toEqual(['setup', 'close']);
    expect(stores[1]!.calls).toEqual(['close']);
    expect(new Set(destroyed)).toEqual(new Set(stores));
    const clean = tracking();
    await runCase(passing, clean.harness);
    expect(clean.stores[0]!.calls).toEqual(['setup', 'close']);
    expect(clean.destroyed).toEqual(clean.stores);
  });

  it('refuses a case the store cannot run, without setting it up, and cleans up', async () => {
    const { harness, stores, destroyed } = tracking({ pushNotifications: false });
    const push = findCase(
      'notifications',
      'an enqueue on another instance wakes a listener (push notifications)',
    );
    const error = await runCase(push, harness).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedCaseError);
    expect((error as UnsupportedCaseError).unmet).toEqual(['pushNotifications', 'connect']);
    expect(stores[0]!.calls).toEqual(['close']);
    expect(destroyed).toEqual(stores);
  });

  it('fails the transaction cases of a store that declares transactions without harness.transaction', async () => {
    const { harness } = tracking({ transactions: true });
    const rollback = findCase('transactions', 'an enqueue inside a rolled back transaction leaves no job');
    await expect(runCase(rollback, harness)).rejects.toThrow(/harness must provide transaction\(\)/);
  });

  it('finds cases by area and name, and refuses unknown ones', () => {
    expect(findCase('claim', 'claims only from the queues given').area).toBe('claim');
    expect(() => findCase('claim', 'no such case')).toThrow(/No conformance case/);
  });
});
