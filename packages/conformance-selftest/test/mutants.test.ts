import { runCase, type StorageHarness, storeCases, UnsupportedCaseError } from '@docket/conformance';
import { MemoryStore } from '@docket/store-memory';
import { describe, expect, it } from 'vitest';
import { mutants, mutate } from './mutants.js';

/**
 * Every mutant of the memory store (one small bug each) must fail at least one store-level case:
 * a bug no case notices is a hole in the suite.
 */
describe('every mutant of the memory store fails the suite', () => {
  for (const mutant of mutants) {
    it(`kills "${mutant.name}"`, async () => {
      const harness: StorageHarness = { create: async () => mutate(new MemoryStore(), mutant) };
      // Stops at the first case that notices: enough to prove the hole is covered.
      const killedBy: string[] = [];
      for (const c of storeCases) {
        if (killedBy.length > 0) break;
        const failure = await runCase(c, harness).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (failure && !(failure instanceof UnsupportedCaseError)) killedBy.push(`${c.area}: ${c.name}`);
      }
      expect(killedBy.length, `no case noticed "${mutant.name}"`).toBeGreaterThan(0);
    });
  }
});
