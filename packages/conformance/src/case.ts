import type { Storage, StorageCapabilities } from '@docket/core';
import type { Fixtures } from './fixtures.js';
import type { StorageHarness } from './harness.js';

/**
 * What a case may require beyond the baseline: a capability flag of the store,
 * or `connect` (the harness can open a second instance over the same data).
 */
export type Requirement = 'transactions' | 'pushNotifications' | 'multiProcess' | 'connect';

/** What a case gets: a set-up store, fixtures bound to it, and the means to open more instances. */
export interface CaseContext {
  /** A fresh store from `harness.create()`, already set up. */
  readonly store: Storage;
  readonly harness: StorageHarness;
  readonly capabilities: StorageCapabilities;
  /** Multiplier of race and engine-level sizes. */
  readonly scale: number;
  /** The fixed base time every store-level case counts from. */
  readonly t0: number;
  /** The store's time unit (`capabilities.timePrecisionMs`): "just before" a boundary is `boundary - tick`. */
  readonly tick: number;
  /** Fixtures writing through `store`. */
  readonly fx: Fixtures;
  /** Another set-up instance over the same data (`harness.connect`), or `store` itself without `connect`. */
  connect(): Promise<Storage>;
  /** `n` instances over the same data: `store` first, then up to `max` connected ones, reused round-robin. */
  instances(n: number, max?: number): Promise<Storage[]>;
  /** A further fresh store from `harness.create()`, NOT set up; closed and destroyed after the case. */
  createStore(): Promise<Storage>;
  /** Runs `fn` after the case, before the stores are closed (last registered first). */
  defer(fn: () => Promise<void> | void): void;
}

/** One conformance check. Runs under vitest through `describeStorage`, or directly with `runCase`. */
export interface ConformanceCase {
  /** The area file it comes from, e.g. `claim`. */
  readonly area: string;
  /** What it checks, as a sentence; unique within its area. */
  readonly name: string;
  /** Registered only when the store (and harness) meet every requirement. */
  readonly requires?: readonly Requirement[];
  /** Test timeout in ms (default 30 s). */
  readonly timeoutMs?: number;
  run(ctx: CaseContext): Promise<void>;
}

/** Builds the cases of one area. */
export function defineCases(
  area: string,
  cases: ReadonlyArray<Omit<ConformanceCase, 'area'>>,
): ConformanceCase[] {
  return cases.map((c) => ({ ...c, area }));
}

/** Whether `store` under `harness` meets the case's requirements; the unmet ones otherwise. */
export function unmetRequirements(
  c: ConformanceCase,
  capabilities: StorageCapabilities,
  harness: StorageHarness,
): Requirement[] {
  return (c.requires ?? []).filter((r) => (r === 'connect' ? !harness.connect : !capabilities[r]));
}
