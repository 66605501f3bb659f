// What a store can do when the dispatcher batches perfectly: claim `batch` jobs, acknowledge
// them all in one call, repeat; optionally with the next claim overlapping the previous ack
// (--overlap). No handlers, no core dispatcher. An upper bound for proposals 1 and 2 of the README.
// Usage: node packages/bench/src/profile/store-ceiling.mjs <docket-postgres|docket-redis|docket-sqlite|docket-memory> [n=20000] [batch=100] [--overlap]
import { randomUUID } from 'node:crypto';
import { Docket, defineTask, silentLogger } from '@docket/core';
import { freshNamespace } from '../environment.mjs';
import { cleanNamespace } from '../namespace-cleanup.mjs';
import { SYSTEMS } from '../systems/index.mjs';

const [system, nText = '20000', batchText = '100', ...flags] = process.argv.slice(2);
const n = Number(nText);
const batch = Number(batchText);
const overlap = flags.includes('--overlap');
const { store: kind } = SYSTEMS[system];
const ns = freshNamespace();
const { createStore } = await import('../systems/docket.mjs');
const store = await createStore(kind, ns);
const task = defineTask({ name: 'noop', queue: 'bench', handler: async () => {} });
const docket = new Docket({ store, tasks: [task], logger: silentLogger });
await docket.setup();
try {
  for (let i = 0; i < n; i += 1000) {
    await docket.enqueueMany(
      Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ task, payload: { n: i + k } })),
    );
  }
  const claim = async () => {
    const token = randomUUID();
    const jobs = await store.claim({
      queues: ['bench'],
      limit: batch,
      now: Date.now(),
      leaseMs: 30_000,
      token,
      workerId: 'ceiling',
    });
    return jobs.map((j) => ({ type: 'complete', id: j.id, token, result: null }));
  };
  const ack = (acks) => (acks.length ? store.acknowledge({ acks, now: Date.now() }) : Promise.resolve([]));
  let done = 0;
  const started = performance.now();
  if (overlap) {
    let acks = await claim();
    while (acks.length) {
      const [next] = await Promise.all([claim(), ack(acks)]);
      done += acks.length;
      acks = next;
    }
  } else {
    for (let acks = await claim(); acks.length; acks = await claim()) {
      await ack(acks);
      done += acks.length;
    }
  }
  const ms = performance.now() - started;
  console.log(
    JSON.stringify({ system, n: done, batch, overlap, jobs_per_s: Math.round((done / ms) * 1000) }),
  );
} finally {
  await docket.close();
  await cleanNamespace(kind, ns);
}
