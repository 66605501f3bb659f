import type { Storage } from '@docket/core';
import { type CaseContext, type ConformanceCase, type Requirement, unmetRequirements } from './case.js';
import { Fixtures } from './fixtures.js';
import type { ConformanceOptions, StorageHarness } from './harness.js';

/** Thrown by `runCase` when the store (or harness) lacks what the case requires; nothing ran. */
export class UnsupportedCaseError extends Error {
  constructor(
    readonly unmet: Requirement[],
    caseName: string,
  ) {
    super(`"${caseName}" needs ${unmet.join(', ')}, which this store or its harness lacks.`);
    this.name = 'UnsupportedCaseError';
  }
}

/** The fixed base time of store-level cases: 2030-01-01T00:00:00Z. */
export const T0 = Date.UTC(2030, 0, 1);

/**
 * Runs one case against a fresh store from `harness`: creates and sets it up,
 * runs the case, then closes every instance it opened and destroys every store
 * it created, even when the case fails. Rejects with the case's failure.
 * Rejects with `UnsupportedCaseError` when the store does not meet the case's requirements.
 */
export async function runCase(
  c: ConformanceCase,
  harness: StorageHarness<any>,
  options: ConformanceOptions = {},
): Promise<void> {
  const created: Storage[] = [];
  const opened: Storage[] = [];
  const deferred: Array<() => Promise<void> | void> = [];
  const create = async (): Promise<Storage> => {
    const store = await harness.create();
    created.push(store);
    return store;
  };
  let failure: { error: unknown } | undefined;
  try {
    const store = await create();
    const unmet = unmetRequirements(c, store.capabilities, harness);
    if (unmet.length > 0) {
      throw new UnsupportedCaseError(unmet, `${c.area}: ${c.name}`);
    }
    await store.setup();
    const connect = async (): Promise<Storage> => {
      if (!harness.connect) return store;
      const other = await harness.connect(store);
      opened.push(other);
      await other.setup();
      return other;
    };
    const ctx: CaseContext = {
      store,
      harness,
      capabilities: store.capabilities,
      scale: options.scale ?? 1,
      t0: T0,
      tick: Math.max(1, store.capabilities.timePrecisionMs),
      fx: new Fixtures(store, T0),
      connect,
      async instances(n, max = 4) {
        const pool: Storage[] = [store];
        while (harness.connect && pool.length < Math.min(n, max)) pool.push(await connect());
        return Array.from({ length: n }, (_, i) => pool[i % pool.length]!);
      },
      createStore: create,
      defer: (fn) => void deferred.push(fn),
    };
    await c.run(ctx);
  } catch (error) {
    failure = { error };
  }
  const cleanupErrors: unknown[] = [];
  const attempt = async (fn: () => Promise<void> | void) => {
    try {
      await fn();
    } catch (error) {
      cleanupErrors.push(error);
    }
  };
  for (const fn of deferred.reverse()) await attempt(fn);
  for (const s of opened.reverse()) await attempt(() => s.close());
  for (const s of created.reverse()) await attempt(() => s.close());
  for (const s of created) await attempt(() => harness.destroy?.(s));
  // The case's own failure says more than a cleanup failure it may have caused.
  if (failure) throw failure.error;
  if (cleanupErrors.length > 0) {
    throw new AggregateError(cleanupErrors, `Cleanup after "${c.area}: ${c.name}" failed`);
  }
}
