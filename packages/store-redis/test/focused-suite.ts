import { randomUUID } from 'node:crypto';
import type { Ack, NewJob } from '@docket/core';
import { InvalidNameError, InvalidStateError, JobNotFoundError } from '@docket/core';
import type { Cluster, Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { dropPrefix, randomPrefix } from './redis-env.js';

/** Where the focused tests run: a single server or a Cluster, opened lazily (after a beforeAll). */
export interface FocusedTarget {
  /** A new client the store does not own (the test closes it), with the given ioredis options. */
  client(options?: { keyPrefix?: string }): Redis | Cluster;
  /** Empties the servers' script caches (only on servers the test owns: never the shared one). */
  flushScripts?(): Promise<void>;
}

const T0 = Date.UTC(2030, 0, 1);

let seq = 0;
function job(overrides: Partial<NewJob> = {}): NewJob {
  seq++;
  return {
    id: `job-${seq}-${randomUUID().slice(0, 8)}`,
    task: 'work',
    queue: 'default',
    payload: JSON.stringify({ n: seq }),
    priority: 0,
    runAt: T0,
    maxAttempts: 3,
    hold: false,
    dependsOn: [],
    unique: null,
    retention: { completed: 1000, failed: null, cancelled: 1000, dropPayload: false },
    ...overrides,
  };
}

/** Small, targeted tests of the Redis specifics: ordering encoding, scripts, pub/sub. */
export function describeFocused(name: string, available: boolean, target: FocusedTarget): void {
  describe.runIf(available)(`RedisStore (focused, ${name})`, () => {
    let admin: Redis | Cluster;
    let prefix: string;
    let store: RedisStore;

    beforeEach(async () => {
      admin = target.client();
      prefix = randomPrefix();
      store = new RedisStore({ client: admin }, { prefix });
      await store.setup();
    });
    afterEach(async () => {
      await store.close();
      expect(admin.status).toBe('ready'); // close() leaves a user-supplied client open
      await dropPrefix(admin, prefix);
      admin.disconnect();
    });

    it('rejects an invalid prefix before connecting', () => {
      expect(() => new RedisStore({ client: admin }, { prefix: 'a}b' })).toThrow(InvalidNameError);
    });

    it('setup records the key layout version and refuses a newer one', async () => {
      await store.setup();
      expect(await admin.get(`{${prefix}}:version`)).toBe('1');
      await admin.set(`{${prefix}}:version`, '99');
      await expect(store.setup()).rejects.toMatchObject({ code: 'STORE_ERROR' });
    });

    it('after close every call rejects with STORE_CLOSED and writes nothing', async () => {
      await Promise.all([store.close(), store.close()]);
      await expect(store.setup()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
      await expect(store.enqueue({ jobs: [job()], now: T0 })).rejects.toMatchObject({ code: 'STORE_CLOSED' });
      await expect(store.getJob({ id: 'x', now: T0 })).rejects.toMatchObject({ code: 'STORE_CLOSED' });
      await expect(store.subscribe(() => {})).rejects.toMatchObject({ code: 'STORE_CLOSED' });
      expect(await admin.exists(`{${prefix}}:all`)).toBe(0);
    });

    it('orders by priority, then runAt, then enqueue order, at the extremes', async () => {
      const max = Number.MAX_SAFE_INTEGER;
      const jobs = [
        job({ priority: 0, runAt: T0 - 5 }),
        job({ priority: -max, runAt: 0 }),
        job({ priority: max, runAt: T0 }),
        job({ priority: max - 1, runAt: 1 }),
        job({ priority: 0, runAt: T0 - 5 }),
        job({ priority: 0, runAt: T0 - 6 }),
        job({ priority: 1, runAt: T0 }),
        job({ priority: -1, runAt: 0 }),
      ];
      await store.enqueue({ jobs, now: T0 });
      const claimed = await store.claim({
        queues: ['default'],
        limit: 100,
        now: T0,
        leaseMs: 1000,
        token: 't',
        workerId: 'w',
      });
      const order = [2, 3, 6, 5, 0, 4, 7, 1].map((i) => jobs[i]!.id);
      expect(claimed.map((j) => j.id)).toEqual(order);
      expect(
        claimed.every((j) => j.state === 'active' && j.attempts === 1 && j.leaseExpiresAt === T0 + 1000),
      ).toBe(true);
    });

    it('encodes a batch of mixed job shapes, flags and duplicates exactly, and claim returns what getJob reads', async () => {
      const keep = { completed: null, failed: 5000, cancelled: null, dropPayload: true };
      const a = job({ task: 'a', priority: 7, maxAttempts: 2 });
      const b = job({ task: 'b', queue: 'other', retention: keep, runAt: T0 - 1 });
      const held = job({ task: 'a', priority: 7, maxAttempts: 2, hold: true });
      const uniq = job({ task: 'b', unique: { key: 'k:1', period: 60_000 } });
      const dep = job({ task: 'a', dependsOn: [a.id, b.id, a.id] });
      const dup = { ...job({ task: 'c' }), id: a.id };
      const uniqDup = job({ task: 'b', unique: { key: 'k:1', period: null } });
      const later = job({ task: 'b', queue: 'other', runAt: T0 + 50 });
      const out = await store.enqueue({ jobs: [a, b, held, uniq, dep, dup, uniqDup, later], now: T0 });
      expect(out).toEqual([
        { id: a.id, duplicate: false, state: 'ready' },
        { id: b.id, duplicate: false, state: 'ready' },
        { id: held.id, duplicate: false, state: 'waiting' },
        { id: uniq.id, duplicate: false, state: 'ready' },
        { id: dep.id, duplicate: false, state: 'waiting' },
        { id: a.id, duplicate: true, state: 'ready' },
        { id: uniq.id, duplicate: true, state: 'ready' },
        { id: later.id, duplicate: false, state: 'scheduled' },
      ]);
      const stored = async (id: string) => (await store.getJob({ id, now: T0 }))!;
      expect(await stored(a.id)).toMatchObject({
        task: 'a',
        queue: 'default',
        priority: 7,
        maxAttempts: 2,
        attempts: 0,
      });
      expect(await stored(b.id)).toMatchObject({ task: 'b', queue: 'other', retention: keep, runAt: T0 - 1 });
      expect(await stored(held.id)).toMatchObject({ held: true, state: 'waiting', priority: 7 });
      expect(await stored(uniq.id)).toMatchObject({ uniqueKey: 'k:1', state: 'ready' });
      expect(await stored(dep.id)).toMatchObject({ dependsOn: [a.id, b.id], state: 'waiting' });
      expect(await stored(later.id)).toMatchObject({ queue: 'other', state: 'scheduled', runAt: T0 + 50 });
      const claimed = await store.claim({
        queues: ['default', 'other'],
        limit: 10,
        now: T0 + 50,
        leaseMs: 1000,
        token: 'tok',
        workerId: 'w1',
      });
      expect(claimed.map((j) => j.id)).toEqual([a.id, uniq.id, b.id, later.id]);
      for (const j of claimed) expect(j).toEqual(await store.getJob({ id: j.id, now: T0 + 50 }));
    });

    it('a single plain job (the one-job script) is stored exactly as a batch stores it', async () => {
      const keep = { completed: null, failed: 5000, cancelled: null, dropPayload: true };
      const shapes = [
        { task: 'a', priority: -3, maxAttempts: 2, retention: keep },
        { queue: 'other', priority: Number.MAX_SAFE_INTEGER, runAt: T0 + 50 },
      ];
      const K = `{${prefix}}`;
      // The hash minus what differs between two jobs (payload, seq), and the ready member minus its seq and id.
      const stored = async (id: string) => {
        const { payload: _, seq: __, ...fields } = await admin.hgetall(`${K}:job:${id}`);
        return fields;
      };
      const member = async (queue: string, id: string) => {
        const members = await admin.zrange(`${K}:q:${queue}:ready`, 0, -1);
        return members.find((m) => m.endsWith(id))?.slice(0, 32) ?? null;
      };
      for (const shape of shapes) {
        const single = job(shape);
        const inBatch = job(shape);
        expect(await store.enqueue({ jobs: [single], now: T0 })).toEqual([
          { id: single.id, duplicate: false, state: shape.runAt ? 'scheduled' : 'ready' },
        ]);
        await store.enqueue({ jobs: [inBatch, job()], now: T0 });
        expect(await stored(single.id)).toEqual(await stored(inBatch.id));
        const queue = shape.queue ?? 'default';
        expect(await member(queue, single.id)).toEqual(await member(queue, inBatch.id));
        expect(await admin.zscore(`${K}:all`, single.id)).not.toBeNull();
      }
      expect(await store.countJobs({ now: T0 })).toEqual(
        expect.arrayContaining([
          { queue: 'default', state: 'ready', count: 4 },
          { queue: 'other', state: 'scheduled', count: 2 },
        ]),
      );
    });

    it('a single job with a taken id is a duplicate reporting the stored job; a hash deleted by hand is stored anew', async () => {
      const later = job({ runAt: T0 + 100 });
      const held = job({ hold: true });
      await store.enqueue({ jobs: [later, held], now: T0 });
      const again = (id: string, now: number) => store.enqueue({ jobs: [{ ...job(), id }], now });
      expect(await again(later.id, T0)).toEqual([{ id: later.id, duplicate: true, state: 'scheduled' }]);
      expect(await again(later.id, T0 + 100)).toEqual([{ id: later.id, duplicate: true, state: 'ready' }]);
      expect(await again(held.id, T0)).toEqual([{ id: held.id, duplicate: true, state: 'waiting' }]);
      expect((await store.getJob({ id: later.id, now: T0 }))?.runAt).toBe(T0 + 100);
      // Still in K:all (the id check) but the hash is gone: as EXISTS would, the job is stored again.
      await admin.del(`{${prefix}}:job:${later.id}`);
      expect(await again(later.id, T0)).toEqual([{ id: later.id, duplicate: false, state: 'ready' }]);
      expect((await store.getJob({ id: later.id, now: T0 }))?.runAt).toBe(T0);
    });

    it('works on a client with a keyPrefix: scripts and plain reads see the same keys', async () => {
      const prefixed = target.client({ keyPrefix: 'kp:' });
      const other = new RedisStore({ client: prefixed }, { prefix });
      try {
        const [single, batch] = [job(), job()];
        await other.enqueue({ jobs: [single], now: T0 });
        await other.enqueue({ jobs: [batch, job()], now: T0 });
        expect((await other.getJob({ id: single.id, now: T0 }))?.state).toBe('ready');
        const claimed = await other.claim({
          queues: ['default'],
          limit: 10,
          now: T0,
          leaseMs: 1000,
          token: 't',
          workerId: 'w',
        });
        expect(claimed.map((j) => j.id)).toEqual([single.id, batch.id, expect.any(String)]);
        expect(await admin.exists(`kp:{${prefix}}:job:${single.id}`)).toBe(1);
        expect(await admin.exists(`{${prefix}}:job:${single.id}`)).toBe(0);
      } finally {
        await other.close();
        prefixed.disconnect();
        // dropPrefix (afterEach) matches `{prefix}:*` only.
        const nodes = 'nodes' in admin ? admin.nodes('master') : [admin];
        for (const node of nodes) {
          let cursor = '0';
          do {
            const [next, keys] = await node.scan(cursor, 'MATCH', `kp:{${prefix}}:*`, 'COUNT', 500);
            cursor = next;
            for (const key of keys) await node.del(key);
          } while (cursor !== '0');
        }
      }
    });

    it('promotes due scheduled jobs inside claim and respects pause', async () => {
      const later = job({ runAt: T0 + 100, priority: 5 });
      const now = job();
      await store.enqueue({ jobs: [later, now], now: T0 });
      expect((await store.getJob({ id: later.id, now: T0 }))?.state).toBe('scheduled');
      expect(await store.nextRunAt({ queues: ['default'], now: T0 })).toBe(T0 + 100);
      await store.setQueuePaused({ queue: 'default', paused: true, now: T0 });
      const claim = (at: number) =>
        store.claim({ queues: ['default'], limit: 10, now: at, leaseMs: 1000, token: 'x', workerId: 'w' });
      expect(await claim(T0 + 100)).toEqual([]);
      expect(await store.listQueues()).toEqual([{ name: 'default', paused: true }]);
      await store.setQueuePaused({ queue: 'default', paused: false, now: T0 });
      expect((await claim(T0 + 100)).map((j) => j.id)).toEqual([later.id, now.id]);
    });

    it('fences acks by token and cascades failure to dependents transitively', async () => {
      const a = job();
      const b = job({ dependsOn: [a.id] });
      const c = job({ dependsOn: [b.id] });
      const out = await store.enqueue({ jobs: [a, b, c], now: T0 });
      expect(out.map((o) => o.state)).toEqual(['ready', 'waiting', 'waiting']);
      const [claimed] = await store.claim({
        queues: ['default'],
        limit: 10,
        now: T0,
        leaseMs: 1000,
        token: 'tok',
        workerId: 'w',
      });
      expect(claimed?.id).toBe(a.id);
      const error = { attempt: 1, at: T0, message: 'boom' };
      expect(
        await store.acknowledge({
          acks: [
            { type: 'fail', id: a.id, token: 'stale', error, retryAt: null },
            { type: 'fail', id: a.id, token: 'tok', error, retryAt: null },
          ],
          now: T0 + 1,
        }),
      ).toEqual([false, true]);
      const failed = await store.getJob({ id: a.id, now: T0 + 1 });
      expect(failed).toMatchObject({ state: 'failed', errors: [error], finishedAt: T0 + 1, deleteAt: null });
      for (const dependent of [b, c]) {
        const record = await store.getJob({ id: dependent.id, now: T0 + 1 });
        expect(record?.state).toBe('cancelled');
        expect(record?.deleteAt).toBe(T0 + 1 + 1000);
      }
      expect((await store.getJob({ id: b.id, now: T0 }))?.cancelReason).toContain(a.id);
      expect((await store.getJob({ id: c.id, now: T0 }))?.cancelReason).toContain(b.id);
      await expect(store.cancelJob({ id: a.id, reason: 'x', now: T0 })).rejects.toBeInstanceOf(
        InvalidStateError,
      );
    });

    it('an ack of an unknown type reports false and does not stop the batch', async () => {
      const [a, b] = [job(), job()];
      await store.enqueue({ jobs: [a, b], now: T0 });
      await store.claim({ queues: ['default'], limit: 2, now: T0, leaseMs: 1000, token: 't', workerId: 'w' });
      const acks = [
        { type: 'explode', id: a.id, token: 't' } as unknown as Ack,
        { type: 'complete' as const, id: b.id, token: 't', result: null },
      ];
      expect(await store.acknowledge({ acks, now: T0 })).toEqual([false, true]);
      expect((await store.getJob({ id: a.id, now: T0 }))?.state).toBe('active');
      expect((await store.getJob({ id: b.id, now: T0 }))?.state).toBe('completed');
    });

    it('releases dependents on completion, drops nothing on an unknown dependency', async () => {
      const a = job();
      const b = job({ dependsOn: [a.id], hold: true });
      await expect(
        store.enqueue({ jobs: [job(), job({ dependsOn: ['nope'] })], now: T0 }),
      ).rejects.toBeInstanceOf(JobNotFoundError);
      expect((await store.listJobs({ now: T0, limit: 10 })).jobs).toEqual([]);
      await store.enqueue({ jobs: [a, b], now: T0 });
      await store.claim({ queues: ['default'], limit: 1, now: T0, leaseMs: 1000, token: 't', workerId: 'w' });
      await store.acknowledge({
        acks: [{ type: 'complete', id: a.id, token: 't', result: '42' }],
        now: T0 + 5,
      });
      expect(await store.getJob({ id: a.id, now: T0 + 5 })).toMatchObject({
        result: '42',
        deleteAt: T0 + 1005,
      });
      expect((await store.getJob({ id: b.id, now: T0 + 5 }))?.state).toBe('waiting');
      expect((await store.releaseHold({ id: b.id, now: T0 + 5 }))?.state).toBe('ready');
      expect(await store.deleteExpired({ now: T0 + 1005, limit: 10 })).toBe(1);
      expect(await store.getJob({ id: a.id, now: T0 + 5 })).toBeNull();
    });

    it('deduplicates by unique key until the period after the end', async () => {
      const unique = { key: 'k', period: 100 };
      const [first, second] = await store.enqueue({ jobs: [job({ unique }), job({ unique })], now: T0 });
      expect(second).toEqual({ id: first!.id, duplicate: true, state: 'ready' });
      await store.claim({ queues: ['default'], limit: 1, now: T0, leaseMs: 1000, token: 't', workerId: 'w' });
      await store.acknowledge({
        acks: [{ type: 'complete', id: first!.id, token: 't', result: null }],
        now: T0,
      });
      expect((await store.enqueue({ jobs: [job({ unique })], now: T0 + 99 }))[0]?.duplicate).toBe(true);
      expect((await store.enqueue({ jobs: [job({ unique })], now: T0 + 100 }))[0]?.duplicate).toBe(false);
    });

    it('pages by cursor with filters and counts by reported state', async () => {
      const jobs = Array.from({ length: 7 }, (_, i) => job({ queue: i % 2 ? 'odd' : 'even', runAt: T0 + i }));
      await store.enqueue({ jobs, now: T0 + 3 });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await store.listJobs({ now: T0 + 3, queue: 'even', limit: 2, cursor, order: 'asc' });
        seen.push(...page.jobs.map((j) => j.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual([0, 2, 4, 6].map((i) => jobs[i]!.id));
      const counts = await store.countJobs({ now: T0 + 3 });
      expect(counts).toEqual([
        { queue: 'even', state: 'scheduled', count: 2 },
        { queue: 'even', state: 'ready', count: 2 },
        { queue: 'odd', state: 'scheduled', count: 1 },
        { queue: 'odd', state: 'ready', count: 2 },
      ]);
    });

    it('fires a schedule tick once (compare-and-set)', async () => {
      await store.upsertSchedule({
        schedule: {
          name: 'nightly',
          rule: '{"every":1000}',
          task: 'work',
          queue: 'default',
          payload: '{}',
          options: '{}',
          nextRunAt: T0,
        },
        now: T0 - 1,
      });
      expect((await store.dueSchedules({ now: T0, limit: 10 })).map((s) => s.name)).toEqual(['nightly']);
      const fire = () =>
        store.fireSchedule({
          name: 'nightly',
          expectedNextRunAt: T0,
          nextRunAt: T0 + 1000,
          job: job(),
          now: T0,
        });
      const results = await Promise.all([fire(), fire(), fire()]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await store.getSchedule({ name: 'nightly' })).toMatchObject({
        lastRunAt: T0,
        nextRunAt: T0 + 1000,
      });
      expect(await store.dueSchedules({ now: T0, limit: 10 })).toEqual([]);
    });

    it.runIf(target.flushScripts !== undefined)(
      'reloads its scripts after the server lost them (NOSCRIPT)',
      async () => {
        await store.enqueue({ jobs: [job()], now: T0 });
        await target.flushScripts!();
        await store.enqueue({ jobs: [job()], now: T0 });
        const claimed = await store.claim({
          queues: ['default'],
          limit: 10,
          now: T0,
          leaseMs: 1000,
          token: 't',
          workerId: 'w',
        });
        expect(claimed).toHaveLength(2);
      },
    );

    it('publishes wake-ups to another instance', async () => {
      const otherClient = target.client();
      const other = new RedisStore({ client: otherClient }, { prefix });
      const heard: string[][] = [];
      await other.subscribe((queues) => heard.push(queues));
      await store.enqueue({ jobs: [job({ queue: 'mail' }), job({ queue: 'mail' })], now: T0 });
      await store.enqueue({ jobs: [job({ queue: 'later', runAt: T0 + 10 })], now: T0 });
      await expect.poll(() => heard.flat()).toContain('mail');
      // A scheduled job wakes too: a sleeping dispatcher re-reads nextRunAt.
      await expect.poll(() => heard.flat()).toContain('later');
      await other.close();
      otherClient.disconnect();
    });
  });
}
