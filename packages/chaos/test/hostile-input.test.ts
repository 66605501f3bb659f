import { Docket, defineTask, silentLogger, storableText } from '@docket/core';
import { PostgresStore } from '@docket/store-postgres';
import { RedisStore } from '@docket/store-redis';
import { SqliteStore } from '@docket/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS, INPUT_ERROR_CODES, outcome } from '../src/hostile.js';
import { stateCounts } from '../src/observer.js';
import { PG_URL, REDIS_URL } from '../src/services.js';
import { type Namespace, VARIANTS } from '../src/store-variants.js';
import { until } from '../src/wait.js';

// Scenario 11: hostile names and payloads. Each input ends in a typed input error with nothing written,
// or in an exact round trip; never a backend error, an injection, a polluted prototype or a dead worker.
const BIG = 50 * 1024 * 1024;

const total = async (docket: Docket) =>
  Object.values(await stateCounts(docket)).reduce((a, b) => a + (b ?? 0), 0);

for (const variant of VARIANTS) {
  describe.runIf(variant.available)(`hostile input (${variant.kind})`, () => {
    const cleanup: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    const seen: unknown[] = [];
    const echo = defineTask({
      name: 'echo',
      queue: 'hostile',
      handler: async (payload: unknown) => {
        seen.push(payload);
        return payload;
      },
    });

    async function open(maxPayloadBytes?: number): Promise<{ ns: Namespace; docket: Docket }> {
      const ns = await variant.fresh();
      cleanup.push(() => ns.destroy());
      const docket = new Docket({ store: ns.open(), tasks: [echo], logger: silentLogger, maxPayloadBytes });
      docket.on('error', () => {});
      cleanup.push(() => docket.close({ timeout: 2000 }));
      await docket.setup();
      return { ns, docket };
    }

    it('hostile queue, schedule, job id and task names: a typed error or an exact round trip', async () => {
      const { docket } = await open();
      const { id: sentinel } = await docket.enqueue(echo, { sentinel: true });
      let written = 1;
      for (const name of HOSTILE_STRINGS) {
        const asQueue = await outcome(() => docket.enqueue(echo, {}, { queue: name }));
        if ('ok' in asQueue) {
          written++;
          expect((await docket.getJob(asQueue.ok.id))?.queue).toBe(name);
        } else expect(INPUT_ERROR_CODES).toContain(asQueue.code);

        const asId = await outcome(() => docket.enqueue(echo, {}, { id: name }));
        if ('ok' in asId) {
          written++;
          expect(asId.ok.id).toBe(name);
          expect((await docket.getJob(name))?.id).toBe(name);
        } else expect(INPUT_ERROR_CODES).toContain(asId.code);

        const asSchedule = await outcome(() => docket.schedule(name, { every: 60_000 }, echo, {}));
        if ('ok' in asSchedule) expect((await docket.listSchedules()).map((s) => s.name)).toContain(name);
        else expect(INPUT_ERROR_CODES).toContain(asSchedule.code);

        const asTask = await outcome(() => defineTask({ name, handler: async () => {} }));
        if (!('ok' in asTask)) expect(INPUT_ERROR_CODES).toContain(asTask.code);

        // Lookups by hostile names and ids find nothing, or fail typed.
        const lookup = await outcome(() => docket.getJob(name));
        if ('ok' in lookup && lookup.ok) expect(lookup.ok.id).toBe(name);
        else if (!('ok' in lookup)) expect(INPUT_ERROR_CODES).toContain(lookup.code);
        const list = await outcome(() => docket.listJobs({ queue: name }));
        if (!('ok' in list)) expect(INPUT_ERROR_CODES).toContain(list.code);
        const cursor = await outcome(() => docket.listJobs({ cursor: name }));
        if (!('ok' in cursor)) expect(INPUT_ERROR_CODES).toContain(cursor.code);
      }
      expect(await total(docket)).toBe(written);
      expect((await docket.getJob(sentinel))?.payload).toEqual({ sentinel: true });
    });

    it('hostile unique keys deduplicate exactly: no glob, brace or quote matches another key', async () => {
      const { docket } = await open();
      const ids = new Map<string, string>();
      for (const key of HOSTILE_STRINGS) {
        const first = await outcome(() => docket.enqueue(echo, {}, { unique: { key } }));
        if (!('ok' in first)) {
          expect(INPUT_ERROR_CODES).toContain(first.code);
          continue;
        }
        expect(first.ok.duplicate).toBe(false);
        ids.set(key, first.ok.id);
      }
      for (const [key, id] of ids) {
        const again = await docket.enqueue(echo, {}, { unique: { key } });
        expect([key, again.duplicate, again.id]).toEqual([key, true, id]);
      }
      expect(new Set(ids.values()).size).toBe(ids.size);
      expect(await total(docket)).toBe(ids.size);
    });

    if (variant.kind !== 'memory') {
      it('hostile namespaces (schema, key prefix, table prefix) are refused before any I/O', async () => {
        for (const name of HOSTILE_STRINGS) {
          const attempt = await outcome(async () => {
            const store =
              variant.kind === 'sqlite'
                ? new SqliteStore({ path: ':memory:' }, { prefix: name })
                : variant.kind === 'postgres'
                  ? new PostgresStore({ connectionString: PG_URL }, { schema: name, logger: silentLogger })
                  : new RedisStore({ url: REDIS_URL }, { prefix: name });
            // Only names that pass validation get here; they must work like any other namespace.
            await store.close();
            return name;
          });
          if ('ok' in attempt) expect(/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)).toBe(true);
          else expect(attempt.code).toBe('INVALID_NAME');
        }
      });
    }

    it('__proto__ / constructor keys and odd strings round-trip intact through store and worker; no pollution', async () => {
      const { docket } = await open();
      const text =
        '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},' +
        '"nested":[{"__proto__":{"polluted":"yes"}}],"nul":"a\\u0000b","lone":"\\ud800","emoji":"🚀",' +
        `"sql":"'; DROP TABLE jobs; --","lua":"redis.call('FLUSHALL')","${'k'.repeat(10_000)}":"${'v'.repeat(10_000)}"}`;
      const payload = JSON.parse(text);
      const { id } = await docket.enqueue(echo, payload);
      const stored = await docket.getJob(id);
      expect(JSON.stringify(stored?.payload)).toBe(JSON.stringify(payload));
      expect(Object.hasOwn(stored!.payload as object, '__proto__')).toBe(true);

      seen.length = 0;
      const worker = docket.work({ queues: ['hostile'], pollIntervalMs: 50 });
      await until('the job to complete', async () => (await docket.getJob(id))?.state === 'completed');
      await worker.stop();
      expect(seen).toHaveLength(1);
      expect(JSON.stringify(seen[0])).toBe(JSON.stringify(payload));
      expect(Object.hasOwn(seen[0] as object, '__proto__')).toBe(true);
      const done = await docket.getJob(id);
      expect(JSON.stringify(done?.result)).toBe(JSON.stringify(payload));
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
    });

    it('handler errors and cancel reasons with U+0000 and lone surrogates are stored as given', async () => {
      const texts = ['bad\u0000byte', 'lone \ud800 surrogate', "'; DROP TABLE jobs; --", '🚀'];
      const { docket } = await open();
      const thrower = defineTask({
        name: 'thrower',
        queue: 'throwers',
        maxAttempts: 1,
        handler: async (payload: { message: string }) => {
          throw new Error(payload.message);
        },
      });
      const throwing = new Docket({ store: docket.store, tasks: [thrower], logger: silentLogger });
      throwing.on('error', () => {});
      const ids: Array<[string, string, string]> = [];
      for (const text of texts) {
        ids.push([(await throwing.enqueue(thrower, { message: text })).id, 'failed', text]);
      }
      for (const text of texts) {
        const held = await docket.enqueue(echo, {}, { hold: true });
        await docket.cancel(held.id, text);
        ids.push([held.id, 'cancelled', text]);
      }
      const worker = throwing.work({ queues: ['throwers'], pollIntervalMs: 50 });
      for (const [id, state, text] of ids) {
        await until(
          `job ${id} to end ${state}`,
          async () => (await docket.getJob(id))?.state === state,
          10_000,
        );
        const job = await docket.getJob(id);
        // Every store keeps the same text: U+0000 and lone surrogates become U+FFFD in core.
        if (state === 'failed') expect(job?.errors.map((e) => e.message)).toEqual([storableText(text)]);
        else expect(job?.cancelReason).toBe(storableText(text));
      }
      await worker.stop();
    });

    it('cycles, BigInt, functions and oversized payloads: a typed error and nothing written, even mid-batch', async () => {
      const { docket } = await open();
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      const bad: Array<[unknown, string]> = [
        [cyclic, 'INVALID_PAYLOAD'],
        [{ n: 1n }, 'INVALID_PAYLOAD'],
        [{ f: () => 1 }, 'INVALID_PAYLOAD'],
        [{ x: Number.NaN }, 'INVALID_PAYLOAD'],
        [{ big: 'x'.repeat(BIG) }, 'PAYLOAD_TOO_LARGE'],
      ];
      for (const [payload, code] of bad) {
        const single = await outcome(() => docket.enqueue(echo, payload));
        expect('code' in single && single.code).toBe(code);
        const batch = await outcome(() =>
          docket.enqueueMany([
            { task: echo, payload: { ok: 1 } },
            { task: echo, payload },
            { task: echo, payload: { ok: 2 } },
          ]),
        );
        expect('code' in batch && batch.code).toBe(code);
      }
      expect(await total(docket)).toBe(0);
    });

    it('a 50 MB string under a raised payload limit round-trips through store and worker', async () => {
      const { docket } = await open(64 * 1024 * 1024);
      const big = `${'é🚀'.repeat(16)}${'x'.repeat(BIG)}`;
      const { id } = await docket.enqueue(echo, { big });
      const stored = await docket.getJob(id);
      expect((stored!.payload as { big: string }).big === big).toBe(true);
      seen.length = 0;
      const worker = docket.work({ queues: ['hostile'], pollIntervalMs: 50 });
      await until(
        'the big job to complete',
        async () => (await docket.getJob(id))?.state === 'completed',
        60_000,
        200,
      );
      await worker.stop();
      expect((seen[0] as { big: string }).big === big).toBe(true);
      const done = await docket.getJob(id);
      expect((done!.result as { big: string }).big === big).toBe(true);
    }, 120_000);
  });
}
