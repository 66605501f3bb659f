// Preload for profiling (node --import): counts client round trips per statement (pg) and
// per command or Lua script (ioredis) in this process, with the total and mean time from
// send to reply (round trip plus server time), and prints them to stderr at exit.
// Usage: BENCH_NODE_FLAGS="--import ./packages/bench/src/profile/count-round-trips.mjs" node packages/bench/src/run.mjs …
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const counts = new Map();
const bump = (key, promise) => {
  const entry = counts.get(key) ?? { n: 0, ms: 0 };
  entry.n++;
  counts.set(key, entry);
  if (promise && typeof promise.then === 'function') {
    const started = performance.now();
    const done = () => {
      entry.ms += performance.now() - started;
    };
    promise.then(done, done);
  }
  return promise;
};

try {
  const pg = require('pg');
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function query(config, ...rest) {
    const text = typeof config === 'string' ? config : (config?.text ?? config?.name ?? '?');
    const key = `pg: ${String(text).replace(/\s+/g, ' ').slice(0, 90)}`;
    const last = rest.at(-1);
    if (typeof last === 'function') {
      // pg-pool passes a callback: time it through a promise settled by the callback.
      let settle;
      bump(
        key,
        new Promise((resolve) => {
          settle = resolve;
        }),
      );
      return original.call(this, config, ...rest.slice(0, -1), (...args) => {
        settle();
        return last(...args);
      });
    }
    return bump(key, original.call(this, config, ...rest));
  };
} catch {}

try {
  const Redis = require('ioredis');
  const scripts = new Map();
  const original = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function sendCommand(command, ...rest) {
    const name = command?.name ?? '?';
    let key = `redis: ${name}`;
    if (name === 'evalsha' || name === 'eval') {
      const sha = String(command.args?.[0] ?? '');
      key = `redis: ${name} ${scripts.get(sha) ?? sha.slice(0, 8)}`;
    }
    const result = original.call(this, command, ...rest);
    bump(key, command?.promise);
    return result;
  };
  const define = Redis.prototype.defineCommand;
  Redis.prototype.defineCommand = function defineCommand(name, definition) {
    const { createHash } = require('node:crypto');
    scripts.set(createHash('sha1').update(definition.lua).digest('hex'), name);
    return define.call(this, name, definition);
  };
} catch {}

process.on('exit', () => {
  const rows = [...counts].sort((a, b) => b[1].ms - a[1].ms);
  const report = rows.map(
    ([k, { n, ms }]) =>
      `${String(n).padStart(7)} calls ${ms.toFixed(0).padStart(7)} ms ${(ms / n).toFixed(2).padStart(7)} ms/call  ${k}`,
  );
  process.stderr.write(`ROUND_TRIPS\n${report.join('\n')}\n`);
});
