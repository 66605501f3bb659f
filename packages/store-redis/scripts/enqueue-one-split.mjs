// Where the time of one awaited enqueue goes, per call: wall time, Node CPU (process.cpuUsage: JS,
// ioredis, the socket write and read syscalls), the Redis server's CPU (utime + stime of its process
// from /proc: command parsing, the script, the reply's write) and the command's own time from
// INFO commandstats; the rest is waiting (wake-ups, scheduling). Runs, alternated round by round,
// the floors (a bare HSET, a bare EVALSHA of `return 1`), the store alone, docket through the core,
// and BullMQ's queue.add. It resets the server's stats and reads its process, so it refuses the
// shared server: start a private one on a spare port.
//
// Phases: hset, evalsha (`return 1`), evalsha-args (the same with enqueue-one's 11 arguments), store,
// docket, bullmq.
// Usage (from the repository root, after a build):
//   redis-server --port 7301 --save '' --daemonize yes
//   node packages/store-redis/scripts/enqueue-one-split.mjs redis://127.0.0.1:7301 [n=10000] [rounds=5] \
//     [phases=hset,evalsha,store,docket,bullmq] [label=path/to/store-redis/dist/index.js ...]
// Extra `label=path` arguments add a docket phase per store build (A/B of builds in the same rounds).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Docket, defineTask, silentLogger } from '@docket/core';
import { Redis } from 'ioredis';

const [url = 'redis://127.0.0.1:7301', nArg = '10000', roundsArg = '5', phasesArg, ...builds] =
  process.argv.slice(2);
if (/:6379\b/.test(url) || !/:\d+/.test(url))
  throw new Error('point this at a private redis-server, not the shared one');
const n = Number(nArg);
const rounds = Number(roundsArg);
const phases = (phasesArg ?? 'hset,evalsha,store,docket,bullmq').split(',');
const stores = { docket: await import('@docket/store-redis') };
for (const b of builds) {
  const [label, file] = b.split('=');
  stores[label] = await import(pathToFileURL(path.resolve(file)).href);
  phases.push(label);
}
const WARMUP = 500;
const TICK_US = 1e6 / 100; // CLK_TCK

const admin = new Redis(url);
const serverPid = Number(/process_id:(\d+)/.exec(await admin.info('server'))[1]);
const serverCpuUs = () => {
  const f = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_US; // utime, stime
};
const commandStats = async () => {
  const out = {};
  for (const line of (await admin.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) out[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
  }
  return out;
};
const cleanup = async (patterns) => {
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.unlink(...keys);
    } while (cursor !== '0');
  }
};

/** Each phase: open (untimed), then call(i) n times one after another, then close (untimed). */
async function open(phase, ns) {
  if (phase === 'hset') {
    const c = new Redis(url);
    return {
      call: (i) => c.hset(`{${ns}}:h:${i}`, 'payload', '{"n":1}'),
      close: () => c.quit(),
      keys: [`{${ns}}*`],
    };
  }
  if (phase === 'evalsha') {
    const c = new Redis(url);
    c.defineCommand('trivial', { numberOfKeys: 1, lua: 'return 1' });
    return { call: () => c.trivial(`{${ns}}`), close: () => c.quit(), keys: [] };
  }
  if (phase === 'evalsha-args') {
    // The trivial script with the 11 arguments of docket's enqueue-one: the cost of the arguments alone.
    const c = new Redis(url);
    c.defineCommand('trivial', { numberOfKeys: 1, lua: 'return 1' });
    const now = Date.now();
    const args = (i) => [
      now,
      'noop',
      'bench',
      0,
      '09007199254740992',
      3,
      ',,,0',
      `01JBENCHXXXXXXXXXXXX${String(i).padStart(6, '0')}`,
      `{"n":${i}}`,
      now,
      String(now).padStart(15, '0'),
    ];
    return { call: (i) => c.trivial(`{${ns}}`, args(i)), close: () => c.quit(), keys: [] };
  }
  if (phase === 'bullmq') {
    const { Queue } = await import('bullmq');
    const c = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue('bench', { connection: c, prefix: ns });
    await queue.waitUntilReady();
    return {
      call: (i) => queue.add('noop', { n: i }),
      close: async () => {
        await queue.close();
        c.disconnect();
      },
      keys: [`${ns}:*`],
    };
  }
  const storeModule = stores[phase === 'store' ? 'docket' : phase];
  const store = new storeModule.RedisStore({ url }, { prefix: ns });
  const task = defineTask({ name: 'noop', queue: 'bench', handler: async () => {} });
  const docket = new Docket({ store, tasks: [task], logger: silentLogger });
  await docket.setup();
  if (phase === 'store') {
    // The store alone: the NewJob the core would build, only the id and payload changing.
    let job;
    store.enqueue = (params) => {
      job = params.jobs[0];
      return storeModule.RedisStore.prototype.enqueue.call(store, params);
    };
    await docket.enqueue(task, { n: 0 });
    delete store.enqueue;
    return {
      call: (i) =>
        store.enqueue({ jobs: [{ ...job, id: `${job.id}${i}`, payload: `{"n":${i}}` }], now: Date.now() }),
      close: () => docket.close(),
      keys: [`{${ns}}*`],
    };
  }
  return { call: (i) => docket.enqueue(task, { n: i }), close: () => docket.close(), keys: [`{${ns}}*`] };
}

async function measure(phase, round) {
  const ns = `split_${phase}_${round}_${process.pid}`;
  const p = await open(phase, ns);
  for (let i = 0; i < WARMUP; i++) await p.call(-1 - i);
  await admin.config('RESETSTAT');
  const server0 = serverCpuUs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await p.call(i);
  const wall = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  const server = serverCpuUs() - server0;
  const stats = await commandStats();
  await p.close();
  await cleanup(p.keys);
  // The command the phase sends (commands run inside a script are counted on their own too).
  const main = stats.evalsha ?? stats.hset ?? { usec: 0, calls: 0 };
  let inner = 0;
  for (const [name, s] of Object.entries(stats))
    if (!['evalsha', 'eval', 'config', 'info'].includes(name)) inner += s.calls;
  return {
    phase,
    round,
    calls_per_s: Math.round((n / wall) * 1e6),
    wall_us: wall / n,
    node_user_us: cpu.user / n,
    node_sys_us: cpu.system / n,
    server_cpu_us: server / n,
    command_us: main.usec / n,
    redis_calls: main === stats.evalsha ? inner / n : 1,
  };
}

const results = [];
for (let round = 1; round <= rounds; round++) {
  for (const phase of phases) {
    const r = await measure(phase, round);
    results.push(r);
    console.log(
      JSON.stringify(
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? +v.toFixed(1) : v])),
      ),
    );
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(
  `\nmedians over ${rounds} alternated rounds, n = ${n} calls each, µs per call (load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})\n`,
);
console.log(
  '| phase | calls/s | wall | Node user | Node sys | Redis CPU | command (commandstats) | wait (wall − Node − Redis) | redis.calls |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const phase of phases) {
  const rs = results.filter((r) => r.phase === phase);
  const m = (k) => median(rs.map((r) => r[k]));
  const wait = median(rs.map((r) => r.wall_us - r.node_user_us - r.node_sys_us - r.server_cpu_us));
  const f = (v) => v.toFixed(1);
  console.log(
    `| ${phase} | ${m('calls_per_s')} | ${f(m('wall_us'))} | ${f(m('node_user_us'))} | ${f(m('node_sys_us'))} | ${f(m('server_cpu_us'))} | ${f(m('command_us'))} | ${f(wait)} | ${f(m('redis_calls'))} |`,
  );
}
admin.disconnect();
