import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildWorker, killAll, startChild } from '../src/child-worker.js';
import { effectsByJob, readEffects } from '../src/effects.js';
import { allJobs, observer, stateCounts } from '../src/observer.js';
import { size } from '../src/sizes.js';
import { SHARED_VARIANTS } from '../src/store-variants.js';
import { sleep, until } from '../src/wait.js';

// Scenario 1: worker processes killed with SIGKILL mid-handler.
const JOBS = size(150, 3000);
const KILLS = size(4, 20);
const CHILDREN = 3;

for (const variant of SHARED_VARIANTS) {
  describe.runIf(variant.available)(`kill -9 mid-handler (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it(`${JOBS} jobs, ${KILLS} SIGKILLs: every job completes once, none lost, attempts counted`, async () => {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const docket = observer(ns.open());
      cleanup.push(() => docket.close());
      await docket.setup();
      let total = 0;
      const enqueue = async (count: number) => {
        for (let i = 0; i < count; i += 500) {
          const n = Math.min(500, count - i);
          await docket.enqueueMany(
            Array.from({ length: n }, () => ({
              task: 'chaos-work',
              payload: { ms: 100 + Math.floor(Math.random() * 200) },
            })),
          );
          total += n;
        }
      };
      await enqueue(JOBS);

      const effects = join(mkdtempSync(join(tmpdir(), 'docket-kill-')), 'effects.log');
      const config = { spec: ns.spec, effects, concurrency: 4, leaseMs: 1000, rescuerMs: 200 };
      const children: ChildWorker[] = [];
      cleanup.push(() => killAll(children));
      for (let i = 0; i < CHILDREN; i++) children.push(await startChild(config));

      let killed = 0;
      while (killed < KILLS) {
        await sleep(100 + Math.random() * 200);
        // However fast the children drain, every kill must land mid-handler: top the queue up.
        if ((await stateCounts(docket)).completed === total) await enqueue(50);
        // Mid-handler: the victim has started a job it has not finished.
        const effectsNow = readEffects(effects);
        const open = (pid: number) =>
          effectsNow.filter((e) => e.pid === pid && e.what === 'start').length -
          effectsNow.filter((e) => e.pid === pid && e.what === 'done').length;
        const victim = children.find((c) => c.alive && open(c.pid) > 0);
        if (!victim) continue;
        victim.kill('SIGKILL');
        await victim.exited;
        killed++;
        children.push(await startChild(config));
      }

      await until(
        'every job completed',
        async () => (await stateCounts(docket)).completed === total,
        size(120_000, 900_000),
        200,
      );
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(children.map((c) => c.exited));

      expect(killed).toBe(KILLS);
      expect(await stateCounts(docket)).toEqual({ completed: total });
      const byJob = effectsByJob(readEffects(effects));
      const jobs = await allJobs(docket);
      expect(jobs).toHaveLength(total);
      let retried = 0;
      for (const job of jobs) {
        const starts = (byJob.get(job.id) ?? []).filter((e) => e.what === 'start');
        const attemptsStarted = starts.map((e) => e.attempt);
        // Claim exclusivity: no attempt number ran twice.
        expect(new Set(attemptsStarted).size).toBe(attemptsStarted.length);
        // Every attempt but the last was lost with its process and counted as a failed attempt.
        expect(job.errors.map((e) => e.message)).toEqual(Array(job.attempts - 1).fill('lease expired'));
        // The completing attempt is the last one, and it ran (a claim killed before its handler started has no start).
        expect((job.result as { attempt: number }).attempt).toBe(job.attempts);
        expect(attemptsStarted).toContain(job.attempts);
        expect(starts.length).toBeLessThanOrEqual(job.attempts);
        if (job.attempts > 1) retried++;
      }
      // Each kill interrupted at least one handler, whose job then ran again.
      expect(retried).toBeGreaterThanOrEqual(KILLS);
    });
  });
}
