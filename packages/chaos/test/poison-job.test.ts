import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildWorker, killAll, startChild } from '../src/child-worker.js';
import { readEffects } from '../src/effects.js';
import { observer, stateCounts } from '../src/observer.js';
import { size } from '../src/sizes.js';
import { SHARED_VARIANTS } from '../src/store-variants.js';
import { sleep, until } from '../src/wait.js';

// Scenario 4: a handler that takes its process down every time.
const MAX_ATTEMPTS = 3;
const LEASE_MS = 1000;
const BACKOFF_MS = 500;
const BYSTANDERS = size(20, 500);

for (const variant of SHARED_VARIANTS) {
  describe.runIf(variant.available)(`poison job (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it(`ends failed after ${MAX_ATTEMPTS} crashed attempts, with backoff, and does not loop`, async () => {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const docket = observer(ns.open());
      cleanup.push(() => docket.close());
      await docket.setup();
      const { id } = await docket.enqueue('chaos-poison', {}, { priority: 10 });
      await docket.enqueueMany(
        Array.from({ length: BYSTANDERS }, () => ({ task: 'chaos-work', payload: { ms: 20 } })),
      );

      const effects = join(mkdtempSync(join(tmpdir(), 'docket-poison-')), 'effects.log');
      const config = {
        spec: ns.spec,
        effects,
        concurrency: 2,
        leaseMs: LEASE_MS,
        rescuerMs: 100,
        poisonAttempts: MAX_ATTEMPTS,
        poisonBackoffMs: BACKOFF_MS,
      };
      // A supervisor: two workers, each restarted when it dies.
      const children: ChildWorker[] = [];
      cleanup.push(() => killAll(children));
      let crashes = 0;
      let supervising = true;
      const supervise = async (slot: number): Promise<void> => {
        while (supervising) {
          const child = await startChild(config).catch((error: unknown) => {
            supervising = false;
            throw error;
          });
          children[slot] = child;
          const exit = await child.exited;
          if (exit.code !== 0) crashes++;
        }
      };
      const supervisors = Promise.all([supervise(0), supervise(1)]);
      cleanup.push(() => supervisors.catch(() => {}));

      const failed = await until(
        'the poison job to fail',
        async () => {
          const job = await docket.getJob(id);
          return job?.state === 'failed' ? job : undefined;
        },
        60_000,
        100,
      );
      // Nothing picks it up again.
      await sleep(LEASE_MS + BACKOFF_MS);
      await until(
        'the bystanders to complete',
        async () => (await stateCounts(docket)).completed === BYSTANDERS,
      );
      supervising = false;
      for (const child of children) child.kill('SIGTERM');
      await supervisors;

      const starts = readEffects(effects).filter((e) => e.id === id && e.what === 'start');
      expect(starts.map((e) => e.attempt)).toEqual([1, 2, 3]);
      expect(crashes).toBe(MAX_ATTEMPTS);
      expect(failed.attempts).toBe(MAX_ATTEMPTS);
      expect(failed.errors.map((e) => [e.attempt, e.message])).toEqual([
        [1, 'lease expired'],
        [2, 'lease expired'],
        [3, 'lease expired'],
      ]);
      // Each retry waited for the lease to expire, then for the backoff.
      for (let i = 1; i < starts.length; i++) {
        expect(starts[i]!.at - starts[i - 1]!.at).toBeGreaterThanOrEqual(LEASE_MS + BACKOFF_MS - 50);
      }
      expect((await docket.getJob(id))?.state).toBe('failed');
      expect(await stateCounts(docket)).toEqual({ completed: BYSTANDERS, failed: 1 });
    });
  });
}
