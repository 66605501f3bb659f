import { TcpProxy, waitFor } from '@docket/conformance';
import { Docket, defineTask, silentLogger } from '@docket/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { dropPrefix, REDIS_URL, randomPrefix, redisOrSkip } from './redis-env.js';

const available = await redisOrSkip();
const JOBS = 3000;

describe.runIf(available)('RedisStore through connection cuts', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup.length = 0;
  });

  it('a subscriber hears wake-ups again after its connection was cut (re-subscribes by itself)', async () => {
    const target = new URL(REDIS_URL);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.start();
    const prefix = randomPrefix();
    const admin = new Redis(REDIS_URL);
    const direct = new RedisStore({ client: admin }, { prefix });
    const proxied = new URL(REDIS_URL);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const listening = new RedisStore({ url: proxied.toString() }, { prefix });
    cleanup.push(async () => {
      await listening.close();
      await proxy.stop();
      await dropPrefix(admin, prefix);
      admin.disconnect();
    });
    const heard: string[] = [];
    await listening.subscribe((queues) => heard.push(...queues));
    const job = (queue: string) => ({
      id: `${queue}-${randomPrefix()}`,
      task: 't',
      queue,
      payload: '{}',
      priority: 0,
      runAt: 0,
      maxAttempts: 1,
      hold: false,
      dependsOn: [],
      unique: null,
      retention: { completed: null, failed: null, cancelled: null, dropPayload: false },
    });
    await direct.enqueue({ jobs: [job('before')], now: 1 });
    await waitFor(() => heard.includes('before'), 'the first wake-up');
    const accepted = proxy.connections;
    proxy.cut();
    await waitFor(() => proxy.connections > accepted, 'a reconnect through the proxy');
    // Publish until heard: the re-subscription completes shortly after the reconnect.
    await waitFor(async () => {
      await direct.enqueue({ jobs: [job('after')], now: 1 });
      await new Promise((r) => setTimeout(r, 50));
      return heard.includes('after');
    }, 'a wake-up after the cut');
  });

  it('a Docket worker drains every acknowledged job exactly once while every connection is cut repeatedly', async () => {
    const target = new URL(REDIS_URL);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.start();
    const prefix = randomPrefix();
    const admin = new Redis(REDIS_URL);
    cleanup.push(async () => {
      await proxy.stop();
      await dropPrefix(admin, prefix);
      admin.disconnect();
    });
    const proxied = new URL(REDIS_URL);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);

    const runs = new Map<string, number>();
    // The last jobs wait on this gate, so the drain phase's cuts land while jobs are leased and being
    // renewed however fast the rest drains.
    let releaseHeld = () => {};
    const heldUntilCutsAreDone = new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
    const work = defineTask({
      name: 'work',
      maxAttempts: 25,
      backoff: { type: 'fixed', delay: 10 },
      handler: async (payload: { n: number; held?: boolean }, ctx) => {
        runs.set(ctx.job.id, (runs.get(ctx.job.id) ?? 0) + 1);
        if (payload.held) await heldUntilCutsAreDone;
        await new Promise((r) => setTimeout(r, Math.random() * 2));
      },
    });
    const store = new RedisStore({ url: proxied.toString() }, { prefix });
    const docket = new Docket({ store, tasks: [work], logger: silentLogger });
    const completions = new Map<string, number>();
    docket.on('completed', ({ job }) => completions.set(job.id, (completions.get(job.id) ?? 0) + 1));
    cleanup.push(() => docket.close());
    await docket.setup();

    const acknowledged = new Set<string>();
    const enqueueBatch = async (from: number, count: number) => {
      const outcomes = await docket.enqueueMany(
        Array.from({ length: count }, (_, i) => ({ task: work, payload: { n: from + i } })),
      );
      for (const o of outcomes) acknowledged.add(o.id);
    };
    await enqueueBatch(0, JOBS / 2);

    const worker = docket.work({
      queues: ['default'],
      concurrency: 20,
      leaseMs: 2000,
      rescuer: { intervalMs: 300 },
    });
    cleanup.unshift(() => worker.stop({ timeout: 5000 }));

    // Keep enqueueing while cutting every connection (the store's, the subscriber's) several times.
    let next = JOBS / 2;
    let cuts = 0;
    while (next < JOBS || cuts < 6) {
      if (next < JOBS) {
        await enqueueBatch(next, 100).catch(() => {}); // a rejected batch was not acknowledged
        next += 100;
      }
      await new Promise((r) => setTimeout(r, 40));
      if (next % 300 === 0 || next >= JOBS) {
        proxy.cut();
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThanOrEqual(6);

    // Observe through a direct connection: every acknowledged job completes.
    const observer = new RedisStore({ client: admin }, { prefix });
    const completed = async () => {
      const counts = await observer.countJobs({ now: Date.now() });
      return counts.filter((c) => c.state === 'completed').reduce((s, c) => s + c.count, 0);
    };
    // The drain phase: jobs that hold their slots until six more cuts have landed, 400 ms apart.
    let held: { id: string }[] = [];
    for (let attempt = 0; held.length === 0 && attempt < 20; attempt++) {
      held = await docket
        .enqueueMany(
          Array.from({ length: 40 }, (_, i) => ({ task: work, payload: { n: JOBS + i, held: true } })),
        )
        .catch(async () => {
          await new Promise((r) => setTimeout(r, 100)); // a cut just landed: the client is reconnecting
          return [];
        });
    }
    expect(held).toHaveLength(40);
    for (const o of held) acknowledged.add(o.id);
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 400));
      proxy.cut();
      cuts++;
    }
    // Held jobs were leased and running while those cuts landed.
    expect(held.filter((o) => runs.has(o.id)).length).toBeGreaterThan(0);
    releaseHeld();
    const deadline = Date.now() + 60_000;
    while ((await completed()) < acknowledged.size && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const id of acknowledged) {
      const job = await observer.getJob({ id, now: Date.now() });
      expect(job?.state, `job ${id}`).toBe('completed');
      expect(runs.get(id), `handler runs of ${id}`).toBeGreaterThanOrEqual(1);
      expect(completions.get(id) ?? 0, `completions of ${id}`).toBeLessThanOrEqual(1);
    }
    // Nothing else is left half-done: every job in the store ended completed, each once.
    const counts = await observer.countJobs({ now: Date.now() });
    expect(counts.filter((c) => c.state !== 'completed')).toEqual([]);
    expect(acknowledged.size).toBeGreaterThanOrEqual(JOBS / 2);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
    expect(cuts).toBeGreaterThanOrEqual(12);
    expect(proxy.connections).toBeGreaterThan(cuts);
  }, 120_000);
});
