import { expect } from 'vitest';
import { defineCases } from '../case.js';
import { Fixtures } from '../fixtures.js';

/** setup and close: idempotent, concurrent-safe; serverTime. */
export const lifecycleCases = defineCases('lifecycle', [
  {
    name: 'setup is idempotent and keeps the data',
    async run({ t0, createStore }) {
      const store = await createStore();
      await store.setup();
      const fx = new Fixtures(store, t0);
      const job = await fx.enqueue();
      await store.setup();
      expect(await fx.get(job.id)).toMatchObject({ id: job.id, state: 'ready' });
    },
  },
  {
    name: 'setup called twice at once succeeds, also from two instances',
    async run({ t0, createStore, harness }) {
      const store = await createStore();
      const peers = [store];
      if (harness.connect) peers.push(await harness.connect(store));
      try {
        await Promise.all(peers.flatMap((s) => [s.setup(), s.setup()]));
        const fx = new Fixtures(store, t0);
        const job = await fx.enqueue();
        for (const peer of peers) expect(await peer.getJob({ id: job.id, now: t0 })).not.toBeNull();
      } finally {
        for (const peer of peers.slice(1)) await peer.close();
      }
    },
  },
  {
    name: 'close is idempotent',
    async run({ createStore }) {
      const store = await createStore();
      await store.setup();
      await store.close();
      await store.close();
    },
  },
  {
    name: 'close of a store that was never set up succeeds',
    async run({ createStore }) {
      const store = await createStore();
      await store.close();
    },
  },
  {
    name: 'serverTime is the server’s current time in epoch ms',
    async run({ store }) {
      const before = Date.now();
      const time = await store.serverTime();
      expect(Number.isFinite(time)).toBe(true);
      // The server's clock may be skewed against ours, but not by hours.
      expect(Math.abs(time - before)).toBeLessThan(3_600_000);
    },
  },
]);
