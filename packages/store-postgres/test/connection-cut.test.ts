import { TcpProxy } from '@docket/conformance';
import { Docket, defineTask, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { dropSchema, freshSchema, PG_AVAILABLE, PG_URL } from './pg-env.js';

const JOBS = 2000;
const CUTS = 4;

describe.runIf(PG_AVAILABLE)('PostgresStore when connections drop', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('a Docket worker draining thousands of jobs survives repeated cuts and an outage: every job completes once, none stays active', async () => {
    const target = new URL(PG_URL);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(PG_URL);
    proxied.port = String(await proxy.start());
    cleanup.push(() => proxy.stop());

    const schema = freshSchema('dk_cut');
    cleanup.push(() => dropSchema(schema));
    const store = new PostgresStore(
      { connectionString: proxied.toString() },
      { schema, poolSize: 10, logger: silentLogger },
    );
    // Observes through a direct connection, which the cuts never touch.
    const observer = new PostgresStore({ connectionString: PG_URL }, { schema, logger: silentLogger });
    cleanup.push(() => observer.close());

    const runs = new Map<string, number>();
    let started = 0;
    const task = defineTask({
      name: 'cut-test',
      queue: 'cut',
      maxAttempts: 10,
      backoff: { type: 'fixed', delay: 50, jitter: 0 },
      handler: async (_payload: { n: number }, ctx) => {
        started++;
        runs.set(ctx.job.id, (runs.get(ctx.job.id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 2));
      },
    });
    const docket = new Docket({ store, tasks: [task], logger: silentLogger });
    cleanup.push(() => docket.close());
    const completedEvents = new Map<string, number>();
    docket.on('completed', ({ job }) => completedEvents.set(job.id, (completedEvents.get(job.id) ?? 0) + 1));
    docket.on('error', () => {});
    await docket.setup();
    for (let offset = 0; offset < JOBS; offset += 500) {
      await docket.enqueueMany(Array.from({ length: 500 }, (_, i) => ({ task, payload: { n: offset + i } })));
    }

    const worker = docket.work({ queues: ['cut'], concurrency: 20, leaseMs: 1500, pollIntervalMs: 100 });
    // Cut every connection (pool and LISTEN) each time another fifth of the jobs has started.
    let cuts = 0;
    while (cuts < CUTS) {
      const threshold = ((cuts + 1) * JOBS) / (CUTS + 1);
      const deadline = Date.now() + 30_000;
      while (started < threshold && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      if (cuts === 1) {
        // One outage lasts a while: new connections are refused, so claims and acks fail until it ends.
        proxy.pause();
        await new Promise((r) => setTimeout(r, 1_000));
        proxy.resume();
      } else {
        proxy.cut();
      }
      cuts++;
    }

    const deadline = Date.now() + 60_000;
    let completed = 0;
    while (Date.now() < deadline) {
      const counts = await observer.countJobs({ now: Date.now() });
      completed = counts.find((c) => c.state === 'completed')?.count ?? 0;
      if (completed === JOBS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await worker.stop({ timeout: 5_000 });

    expect(cuts).toBe(CUTS);
    expect(completed).toBe(JOBS);
    // Nothing else: no job left active, retrying or failed.
    expect(await observer.countJobs({ now: Date.now() })).toEqual([
      { queue: 'cut', state: 'completed', count: JOBS },
    ]);
    expect(runs.size).toBe(JOBS);
    expect([...completedEvents.values()].every((n) => n === 1)).toBe(true);
    // The pool reconnected after each cut, and so did the LISTEN connection.
    expect(proxy.connections).toBeGreaterThan(CUTS);
    expect(store.listenerConnects).toBeGreaterThan(1);
  }, 120_000);
});
