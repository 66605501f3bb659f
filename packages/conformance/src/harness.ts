import type { Storage } from '@docket/core';

/**
 * How the suite gets stores. A store package builds one and passes it to
 * `describeStorage`.
 */
export interface StorageHarness<S extends Storage = Storage> {
  /** A fresh, isolated store that has NOT been set up (own schema / key prefix / temp file). Called once per test. */
  create(): Promise<S>;
  /**
   * Another instance over the same data as `store` (same schema/prefix/file), as a second process would open it.
   * Omit for single-instance stores (memory): the suite then reuses `store`.
   */
  connect?(store: S): Promise<Storage>;
  /** Drops what create() made (schema, keys, file). Called after each test, after the suite closed the store(s). */
  destroy?(store: S): Promise<void>;
  /**
   * Runs fn inside a backend transaction and commits if it resolves, rolls back if it throws (rethrowing).
   * Required when store.capabilities.transactions is true.
   */
  transaction?(store: S, fn: (tx: unknown) => Promise<void>): Promise<void>;
}

/** Options of `describeStorage` and `runCase`. */
export interface ConformanceOptions {
  /** Multiplies the sizes of the engine-level and race tests. Default 1. */
  scale?: number;
}
