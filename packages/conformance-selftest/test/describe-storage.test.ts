import { describeStorage, type StorageHarness } from '@docket/conformance';
import type { Storage } from '@docket/core';
import { MemoryStore } from '@docket/store-memory';
import { DelegatingStore } from './delegating-store.js';

/** A second "instance" over the same memory store, as `harness.connect` returns; closing it leaves the data. */
class SharedView extends DelegatingStore {
  override async close() {}
}

/**
 * The whole suite through its real vitest registration, on a transparent
 * wrapper of the memory store whose harness also provides `connect`: proves
 * the wrapper the broken variants build on changes nothing, and exercises the
 * multi-instance paths (racing instances, push notifications across instances).
 */
const harness: StorageHarness<Storage> = {
  create: async () => new DelegatingStore(new MemoryStore()),
  connect: async (store) => new SharedView((store as DelegatingStore).inner),
};

describeStorage('memory behind a delegating wrapper', harness);
