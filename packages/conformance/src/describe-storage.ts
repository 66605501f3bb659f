import type { Storage } from '@docket/core';
import { describe, it } from 'vitest';
import { allCases } from './all-cases.js';
import type { ConformanceCase } from './case.js';
import type { ConformanceOptions, StorageHarness } from './harness.js';
import { runCase, UnsupportedCaseError } from './run-case.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Registers the whole conformance suite with vitest: one `describe` per area,
 * one `it` per case, each on a fresh store from `harness.create()`. A case the
 * store cannot run (a capability it does not declare, or `connect` missing
 * from the harness) is reported as skipped, with the reason. Nothing touches the backend before the tests run, so the call may
 * sit inside a `describe.runIf(serverAvailable)`.
 *
 * @example
 * describeStorage('memory', { create: async () => new MemoryStore() });
 */
export function describeStorage<S extends Storage>(
  name: string,
  harness: StorageHarness<S>,
  options: ConformanceOptions = {},
): void {
  const areas = new Map<string, ConformanceCase[]>();
  for (const c of allCases) areas.set(c.area, [...(areas.get(c.area) ?? []), c]);
  describe(`${name} storage conformance`, () => {
    for (const [area, cases] of areas) {
      describe(area, () => {
        for (const c of cases) {
          it(
            c.name,
            async (ctx) => {
              try {
                await runCase(c, harness, options);
              } catch (error) {
                // Capability gating, decided at run time from the store's own manifest; the reason is reported.
                if (error instanceof UnsupportedCaseError) ctx.skip(error.message);
                throw error;
              }
            },
            c.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          );
        }
      });
    }
  });
}
