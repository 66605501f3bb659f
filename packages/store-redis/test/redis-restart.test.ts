import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docket, defineTask, silentLogger } from '@docket/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { redisOrSkip } from './redis-env.js';
import { freePort, startRedisServer, until } from './redis-process.js';

const available = await redisOrSkip();

describe.runIf(available)('RedisStore across a Redis restart', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup.length = 0;
  });

  it('a worker keeps draining after the server is killed and restarted; no acknowledged job is lost', async () => {
    // Our own server (never the shared one), persisting every write, so a kill -9 loses nothing acknowledged.
    const dir = mkdtempSync(join(tmpdir(), 'docket-redis-restart-'));
    const port = await freePort(7410);
    const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    let server: ChildProcess = await startRedisServer(port, dir, args);
    cleanup.push(() => {
      server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    // Jobs past the first 300 wait for the restart, so the kill lands mid-drain however fast the worker is.
    let releaseHeld = () => {};
    const heldUntilRestart = new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
    const work = defineTask({
      name: 'work',
      maxAttempts: 25,
      backoff: { type: 'fixed', delay: 10 },
      handler: async (payload: { i: number }) => {
        if (payload.i >= 300) await heldUntilRestart;
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    const url = `redis://127.0.0.1:${port}`;
    const docket = new Docket({
      store: new RedisStore({ url }, { prefix: 'restart' }),
      tasks: [work],
      logger: silentLogger,
    });
    cleanup.push(() => docket.close());
    await docket.setup();
    const acknowledged = new Set<string>();
    const enqueue = async (n: number) => {
      const outcomes = await docket.enqueueMany(
        Array.from({ length: n }, (_, i) => ({ task: work, payload: { i } })),
      );
      for (const o of outcomes) acknowledged.add(o.id);
    };
    await enqueue(1500);

    const observer = new Redis(port, '127.0.0.1');
    observer.on('error', () => {});
    cleanup.unshift(() => observer.disconnect());
    const observed = new RedisStore({ client: observer }, { prefix: 'restart' });
    const completed = async () =>
      (await observed.countJobs({ now: Date.now() }))
        .filter((c) => c.state === 'completed')
        .reduce((s, c) => s + c.count, 0);

    const worker = docket.work({
      concurrency: 20,
      leaseMs: 2000,
      rescuer: { intervalMs: 300 },
      pollIntervalMs: 200,
    });
    cleanup.unshift(() => worker.stop({ timeout: 5000 }));
    await until('some jobs completed', async () => (await completed()) >= 200);

    expect(await completed()).toBeLessThan(1000); // the kill lands mid-drain
    const dead = new Promise((r) => server.once('exit', r));
    server.kill('SIGKILL');
    await dead;
    await new Promise((r) => setTimeout(r, 300));
    server = await startRedisServer(port, dir, args);

    // The worker was not told anything: it reconnects, finishes the backlog and takes new work.
    await enqueue(100);
    releaseHeld();
    await until(
      'every acknowledged job completed',
      async () => (await completed()) >= acknowledged.size,
      60_000,
    );
    for (const id of acknowledged) {
      expect((await observed.getJob({ id, now: Date.now() }))?.state, `job ${id}`).toBe('completed');
    }
    expect((await observed.countJobs({ now: Date.now() })).filter((c) => c.state !== 'completed')).toEqual(
      [],
    );
  }, 120_000);
});
