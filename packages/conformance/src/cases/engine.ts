import { defineTask, type JobRecord, PermanentError } from '@docket/core';
import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { eventually, gate, startFleet } from '../engine-fleet.js';
import { seededRandom } from '../seeded-random.js';

const MAX_ATTEMPTS = 3;
const FOREVER = { completed: 'forever', failed: 'forever', cancelled: 'forever' } as const;
const WORKER = { leaseMs: 5_000, pollIntervalMs: 100, scheduler: false, cleaner: false } as const;

const payloadOf = (job: JobRecord) => JSON.parse(job.payload!) as { i: number };

/**
 * Engine-level cases: the real `Docket` and `Worker` from `@docket/core` on
 * the store, in real time with short leases. Several `Docket`s stand for
 * several processes (over `harness.connect` instances when available).
 */
export const engineCases = defineCases('engine', [
  {
    name: 'thousands of jobs with seeded random failures across 3 workers end right, each success once',
    timeoutMs: 180_000,
    async run(ctx) {
      const total = Math.max(100, Math.round(3_000 * ctx.scale));
      const random = seededRandom(20_260_101);
      // Planned failures before success; MAX_ATTEMPTS or more means the job fails for good.
      const fates = Array.from({ length: total }, () => {
        const r = random();
        return r < 0.7 ? 0 : r < 0.85 ? 1 : r < 0.95 ? 2 : MAX_ATTEMPTS;
      });
      const effects = new Map<number, number>();
      const flaky = defineTask({
        name: 'conformance-flaky',
        queue: 'engine',
        maxAttempts: MAX_ATTEMPTS,
        backoff: () => 5,
        retention: FOREVER,
        handler: async (payload: { i: number }, hctx) => {
          await Promise.resolve();
          if (hctx.job.attempt <= fates[payload.i]!) throw new Error(`planned failure ${hctx.job.attempt}`);
          effects.set(payload.i, (effects.get(payload.i) ?? 0) + 1);
          return { i: payload.i };
        },
      });
      const { dockets, counts, errors } = await startFleet(ctx, 3, [flaky]);
      for (let from = 0; from < total; from += 500) {
        const items = [];
        for (let i = from; i < Math.min(total, from + 500); i++) items.push({ task: flaky, payload: { i } });
        await dockets[from % dockets.length]!.enqueueMany(items);
      }
      const workers = dockets.map((d) =>
        d.work({ ...WORKER, queues: ['engine'], concurrency: 16, batchSize: 50 }),
      );
      await eventually(() => counts.completed + counts.failed >= total, `${total} jobs to finish`, 150_000);
      await Promise.all(workers.map((w) => w.stop()));

      const jobs = await ctx.fx.listAll(Date.now(), { queue: 'engine' });
      expect(jobs).toHaveLength(total);
      const wrong: string[] = [];
      for (const job of jobs) {
        const { i } = payloadOf(job);
        const fate = fates[i]!;
        const expected =
          fate >= MAX_ATTEMPTS
            ? { state: 'failed', attempts: MAX_ATTEMPTS, errors: MAX_ATTEMPTS, effects: 0 }
            : { state: 'completed', attempts: fate + 1, errors: fate, effects: 1 };
        const actual = {
          state: job.state,
          attempts: job.attempts,
          errors: job.errors.length,
          effects: effects.get(i) ?? 0,
        };
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          wrong.push(`job ${i}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
        }
        expect(job.errors.map((e) => e.attempt)).toEqual(job.errors.map((_, n) => n + 1));
      }
      expect(wrong.slice(0, 10), `${wrong.length} jobs ended wrong`).toEqual([]);
      expect(counts.completed).toBe(fates.filter((f) => f < MAX_ATTEMPTS).length);
      expect(counts.failed).toBe(fates.filter((f) => f >= MAX_ATTEMPTS).length);
      expect(counts.stalled).toBe(0);
      expect(errors).toEqual([]);
    },
  },
  {
    name: 'a dependency graph runs in order and a failing branch cancels its dependents',
    timeoutMs: 60_000,
    async run(ctx) {
      const log: string[] = [];
      const step = defineTask({
        name: 'conformance-step',
        queue: 'graph',
        maxAttempts: 3,
        retention: FOREVER,
        handler: async (payload: { name: string; fail?: boolean }) => {
          log.push(`start:${payload.name}`);
          await new Promise((resolve) => setTimeout(resolve, 2));
          if (payload.fail) throw new PermanentError(`${payload.name} fails`);
          log.push(`end:${payload.name}`);
        },
      });
      const { dockets, errors } = await startFleet(ctx, 2, [step]);
      // Diamond a → (b, c) → d, chain d → e → f, failing branch a → x → y (also after d) → z.
      const graph: Array<[string, string[], boolean?]> = [
        ['a', []],
        ['b', ['a']],
        ['c', ['a']],
        ['d', ['b', 'c']],
        ['e', ['d']],
        ['f', ['e']],
        ['x', ['a'], true],
        ['y', ['x', 'd']],
        ['z', ['y']],
      ];
      const id = (name: string) => `graph-${name}`;
      await dockets[0]!.enqueueMany(
        graph.map(([name, deps, fail]) => ({
          task: step,
          payload: { name, fail },
          options: { id: id(name), dependsOn: deps.map(id) },
        })),
      );
      const workers = dockets.map((d) => d.work({ ...WORKER, queues: ['graph'], concurrency: 4 }));
      const finished = async () => {
        const counts = await dockets[0]!.countJobs({ queue: 'graph' });
        return counts
          .filter((c) => ['completed', 'failed', 'cancelled'].includes(c.state))
          .reduce((s, c) => s + c.count, 0);
      };
      await eventually(async () => (await finished()) === graph.length, 'the graph to finish', 45_000);
      await Promise.all(workers.map((w) => w.stop()));

      const job = async (name: string) => (await dockets[0]!.getJob(id(name)))!;
      for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
        expect(await job(name), name).toMatchObject({ state: 'completed', attempts: 1 });
      }
      expect(await job('x')).toMatchObject({ state: 'failed', attempts: 1 });
      const y = await job('y');
      const z = await job('z');
      expect(y).toMatchObject({ state: 'cancelled', attempts: 0 });
      expect(y.cancelReason).toContain(id('x'));
      expect(z).toMatchObject({ state: 'cancelled', attempts: 0 });
      expect([id('x'), id('y')].some((dep) => z.cancelReason?.includes(dep))).toBe(true);
      expect(log.filter((l) => l === 'start:y' || l === 'start:z')).toEqual([]);
      for (const [name, deps] of graph) {
        if (!log.includes(`start:${name}`)) continue;
        expect(
          log.filter((l) => l === `start:${name}`),
          `${name} ran once`,
        ).toHaveLength(1);
        for (const dep of deps) {
          expect(log.indexOf(`end:${dep}`), `${dep} ends before ${name} starts`).toBeLessThan(
            log.indexOf(`start:${name}`),
          );
          expect(log.indexOf(`end:${dep}`)).toBeGreaterThanOrEqual(0);
        }
      }
      expect(errors).toEqual([]);
    },
  },
  {
    name: 'a worker stopped mid-run releases its jobs; a new worker finishes all, no attempt charged twice',
    timeoutMs: 90_000,
    async run(ctx) {
      const total = Math.max(60, Math.round(300 * ctx.scale));
      const concurrency = 10;
      const held = gate();
      let phase: 1 | 2 = 1;
      let blocked = 0;
      const effects = new Map<number, number>();
      const task = defineTask({
        name: 'conformance-interruptible',
        queue: 'shutdown',
        maxAttempts: 5,
        retention: FOREVER,
        handler: async (payload: { i: number }, hctx) => {
          if (phase === 1 && payload.i % 3 !== 2) {
            blocked += 1;
            if (payload.i % 3 === 0) {
              // Honours the signal: gives up as soon as the worker stops.
              await new Promise((_, reject) =>
                hctx.signal.addEventListener('abort', () => reject(hctx.signal.reason), { once: true }),
              );
            } else {
              // Ignores the signal: still running when the stop timeout ends, so abandoned and released.
              await held.opened;
              if (hctx.signal.aborted) throw new Error('abandoned at shutdown');
            }
          }
          effects.set(payload.i, (effects.get(payload.i) ?? 0) + 1);
          return { i: payload.i };
        },
      });
      ctx.defer(held.open);
      const first = await startFleet(ctx, 1, [task]);
      const items = Array.from({ length: total }, (_, i) => ({ task, payload: { i } }));
      await first.dockets[0]!.enqueueMany(items);
      const worker = first.dockets[0]!.work({ ...WORKER, queues: ['shutdown'], concurrency });
      await eventually(() => blocked >= concurrency, 'every slot to hold an unfinished handler', 30_000);
      await worker.stop({ timeout: 300 });

      const afterStop = await ctx.fx.listAll(Date.now(), { queue: 'shutdown' });
      expect(afterStop).toHaveLength(total);
      const done = afterStop.filter((j) => j.state === 'completed');
      expect(done.length).toBe(effects.size);
      for (const job of afterStop.filter((j) => j.state !== 'completed')) {
        expect(job, `job ${payloadOf(job).i} after stop`).toMatchObject({
          state: 'ready',
          attempts: 0,
          errors: [],
        });
      }

      phase = 2;
      const second = await startFleet(ctx, 1, [task]);
      const next = second.dockets[0]!.work({ ...WORKER, queues: ['shutdown'], concurrency });
      await eventually(() => effects.size >= total, 'the new worker to finish every job', 60_000);
      await next.stop();
      held.open();
      await new Promise((resolve) => setTimeout(resolve, 50));

      const jobs = await ctx.fx.listAll(Date.now(), { queue: 'shutdown' });
      expect(jobs).toHaveLength(total);
      for (const job of jobs) {
        const { i } = payloadOf(job);
        expect({ i, state: job.state, attempts: job.attempts, effects: effects.get(i) }).toEqual({
          i,
          state: 'completed',
          attempts: 1,
          effects: 1,
        });
      }
      expect([...first.errors, ...second.errors]).toEqual([]);
    },
  },
]);
