// Server-side cost per job of the enqueue, claim and acknowledge scripts: EVALSHA microseconds and
// redis.call count per job, from INFO commandstats (commands run inside scripts are counted there).
// Resets the server's stats so point it at a private server, not a shared one.
// Usage: redis-server --port 6399 --save '' & node packages/store-redis/scripts/script-cost.mjs [redis://127.0.0.1:6399]
import { randomUUID } from 'node:crypto';
import { Docket, defineTask, silentLogger } from '@docket/core';
import { RedisStore } from '@docket/store-redis';
import { Redis } from 'ioredis';

const url = process.argv[2] ?? 'redis://127.0.0.1:6399';
const admin = new Redis(url);
const stats = async () => {
  const txt = await admin.info('commandstats');
  const m = {};
  for (const line of txt.split('\n')) {
    const r = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (r) m[r[1]] = { calls: +r[2], usec: +r[3] };
  }
  return m;
};
const phase = async (name, n, fn) => {
  await admin.config('RESETSTAT');
  await fn();
  const s = await stats();
  const ev = s.evalsha ?? { calls: 0, usec: 0 };
  let inner = 0;
  for (const [k, v] of Object.entries(s))
    if (!['evalsha', 'eval', 'config', 'info', 'script'].includes(k)) inner += v.calls;
  console.log(
    JSON.stringify({
      phase: name,
      n,
      script_usec_per_job: +(ev.usec / n).toFixed(2),
      redis_calls_per_job: +(inner / n).toFixed(2),
    }),
  );
};
const N = 20000;
const prefix = `cost${Date.now()}`;
const store = new RedisStore({ url }, { prefix });
const task = defineTask({ name: 'noop', queue: 'bench', handler: async () => {} });
const docket = new Docket({ store, tasks: [task], logger: silentLogger });
await docket.setup();
await phase('enqueue-bulk(1000)', N, async () => {
  for (let i = 0; i < N; i += 1000)
    await docket.enqueueMany(Array.from({ length: 1000 }, (_, k) => ({ task, payload: { n: i + k } })));
});
await phase('claim+ack(100)', N, async () => {
  for (;;) {
    const token = randomUUID();
    const jobs = await store.claim({
      queues: ['bench'],
      limit: 100,
      now: Date.now(),
      leaseMs: 30000,
      token,
      workerId: 'w',
    });
    if (!jobs.length) break;
    await store.acknowledge({
      acks: jobs.map((j) => ({ type: 'complete', id: j.id, token, result: null })),
      now: Date.now(),
    });
  }
});
await phase('enqueue-one', 2000, async () => {
  for (let i = 0; i < 2000; i++) await docket.enqueue(task, { n: i });
});
await docket.close();
for (const key of await admin.keys(`*${prefix}*`)) await admin.del(key);
admin.disconnect();
