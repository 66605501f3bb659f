// docket on one of its four stores, with default settings except the worker's concurrency.
import { Docket, defineTask, silentLogger } from '@docket/core';
import { PG_URL, REDIS_URL, sqlitePath } from '../environment.mjs';

/** A docket store of the given kind on namespace `ns` (also used by the profiling tools). */
export async function createStore(store, ns) {
  switch (store) {
    case 'memory': {
      const { MemoryStore } = await import('@docket/store-memory');
      return new MemoryStore();
    }
    case 'sqlite': {
      const { SqliteStore } = await import('@docket/store-sqlite');
      return new SqliteStore({ path: sqlitePath(ns) }, { prefix: 'docket_' });
    }
    case 'postgres': {
      const { PostgresStore } = await import('@docket/store-postgres');
      return new PostgresStore(
        { connectionString: PG_URL },
        { schema: ns, poolSize: 10, logger: silentLogger },
      );
    }
    case 'redis': {
      const { RedisStore } = await import('@docket/store-redis');
      return new RedisStore({ url: REDIS_URL }, { prefix: ns });
    }
    default:
      throw new Error(`unknown docket store ${store}`);
  }
}

export async function open(ns, { store }) {
  const hooks = { onStart: null };
  const task = defineTask({
    name: 'noop',
    queue: 'bench',
    handler: async (payload) => {
      hooks.onStart?.(payload);
    },
  });
  const docket = new Docket({ store: await createStore(store, ns), tasks: [task], logger: silentLogger });
  await docket.setup();
  return {
    enqueueOne: (payload) => docket.enqueue(task, payload),
    enqueueBulk: (payloads) => docket.enqueueMany(payloads.map((payload) => ({ task, payload }))),
    async startWorker({ concurrency, onStart, onComplete }) {
      hooks.onStart = onStart ?? null;
      if (onComplete) docket.on('completed', () => onComplete(1));
      const worker = docket.work({ queues: ['bench'], concurrency });
      return { stop: () => worker.stop({ timeout: 5_000 }) };
    },
    close: () => docket.close(),
  };
}
