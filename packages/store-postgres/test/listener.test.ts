import { TcpProxy } from '@docket/conformance';
import { silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { newJob } from './fixtures.js';
import { dropSchema, freshSchema, PG_AVAILABLE, PG_URL } from './pg-env.js';

const T0 = Date.UTC(2030, 0, 1);

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.runIf(PG_AVAILABLE)('PostgresStore LISTEN/NOTIFY', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('the listener reconnects by itself after its connection is cut, wakes every queue, and hears enqueues again', async () => {
    const url = new URL(PG_URL);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const port = await proxy.start();
    cleanup.push(() => proxy.stop());
    const proxied = new URL(PG_URL);
    proxied.port = String(port);

    const schema = freshSchema('dk_listen');
    cleanup.push(() => dropSchema(schema));
    const listening = new PostgresStore(
      { connectionString: proxied.toString() },
      { schema, logger: silentLogger },
    );
    const writer = new PostgresStore({ connectionString: PG_URL }, { schema, logger: silentLogger });
    cleanup.push(() => writer.close());
    cleanup.push(() => listening.close());
    await writer.setup();

    const heard: string[][] = [];
    await listening.subscribe((queues) => heard.push(queues));
    expect(listening.listening).toBe(true);
    await writer.enqueue({ now: T0, jobs: [newJob('standing', T0, { queue: 'standing' })] });
    await until(() => heard.some((queues) => queues.includes('standing')));

    for (let cut = 1; cut <= 3; cut++) {
      proxy.pause();
      await until(() => !listening.listening);
      // Refused for a while: the listener keeps retrying with backoff.
      await new Promise((resolve) => setTimeout(resolve, 300));
      heard.length = 0;
      proxy.resume();
      await until(() => listening.listening);
      expect(listening.listenerConnects).toBe(cut + 1);
      // Notifications sent while it was down are lost, so a reconnect wakes every queue with jobs.
      await until(() => heard.some((queues) => queues.includes('standing')));

      heard.length = 0;
      await writer.enqueue({ now: T0, jobs: [newJob(`after-cut-${cut}`, T0, { queue: `q${cut}` })] });
      await until(() => heard.some((queues) => queues.includes(`q${cut}`)));
    }
  });

  it('a bulk enqueue wakes a listener once, naming each of its queues once', async () => {
    const schema = freshSchema('dk_coalesce');
    cleanup.push(() => dropSchema(schema));
    const store = new PostgresStore({ connectionString: PG_URL }, { schema, logger: silentLogger });
    const other = new PostgresStore({ connectionString: PG_URL }, { schema, logger: silentLogger });
    cleanup.push(() => other.close());
    cleanup.push(() => store.close());
    await store.setup();
    const heard: string[][] = [];
    await store.subscribe((queues) => heard.push(queues));
    await other.enqueue({
      now: T0,
      jobs: Array.from({ length: 200 }, (_, i) => newJob(`j${i}`, T0, { queue: i % 2 ? 'odd' : 'even' })),
    });
    await until(() => heard.flat().includes('odd'));
    expect(heard).toHaveLength(1);
    expect([...heard[0]!].sort()).toEqual(['even', 'odd']);
  });

  it('a transactional enqueue wakes listeners on commit only, and a rollback leaves no job', async () => {
    const schema = freshSchema('dk_tx');
    cleanup.push(() => dropSchema(schema));
    const store = new PostgresStore({ connectionString: PG_URL }, { schema, logger: silentLogger });
    const other = new PostgresStore({ connectionString: PG_URL }, { schema, logger: silentLogger });
    cleanup.push(() => other.close());
    cleanup.push(() => store.close());
    await store.setup();
    const heard: string[][] = [];
    await other.subscribe((queues) => heard.push(queues));

    await expect(store.enqueue({ now: T0, tx: {}, jobs: [newJob('bad-tx', T0)] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      await store.enqueue({ now: T0, tx: client, jobs: [newJob('rolled-back', T0, { queue: 'tx' })] });
      await client.query('ROLLBACK');
      expect(await store.getJob({ id: 'rolled-back', now: T0 })).toBeNull();

      await client.query('BEGIN');
      await store.enqueue({
        now: T0,
        tx: client,
        jobs: [newJob('committed', T0, { queue: 'tx', unique: { key: 'u', period: null } })],
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toEqual([]);
      expect(await other.getJob({ id: 'committed', now: T0 })).toBeNull();
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await until(() => heard.flat().includes('tx'));
    expect((await other.getJob({ id: 'committed', now: T0 }))?.state).toBe('ready');
  });
});
