// Repro (not a test): a handler error message, a cancel reason or a unique key holding U+0000 or a
// lone surrogate. Expected: stored as given (or refused up front with a typed input error) and the job
// reaches `failed`/`cancelled`. Run after `npx turbo run build`:
//   node packages/chaos/repro/unencodable-text.mjs postgres|sqlite|redis|memory
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docket, defineTask, silentLogger } from '@docket/core';
import { openStore } from '../fixtures/open-store.mjs';

const kind = process.argv[2] ?? 'postgres';
const tag = `repro_${randomBytes(4).toString('hex')}`;
const spec =
  kind === 'postgres'
    ? { kind, url: process.env.DOCKET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test', schema: tag }
    : kind === 'redis'
      ? { kind, url: process.env.DOCKET_REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: tag }
      : kind === 'sqlite'
        ? { kind, path: join(mkdtempSync(join(tmpdir(), 'repro-')), 'db.sqlite') }
        : { kind: 'memory' };
const store = openStore(spec);
const task = defineTask({
  name: 'nul',
  maxAttempts: 2,
  backoff: { type: 'fixed', delay: 10, jitter: 0 },
  handler: async () => {
    throw new Error('bad\u0000byte');
  },
});
const surrogate = defineTask({
  name: 'surrogate',
  maxAttempts: 1,
  handler: async () => {
    throw new Error('lone \ud800 surrogate');
  },
});
const docket = new Docket({ store, tasks: [task, surrogate], logger: silentLogger });
const reported = [];
docket.on('error', (e) => reported.push(`${e.context}: ${e.error?.message}`));
await docket.setup();

const show = async (label, fn) => {
  try {
    console.log(label, 'ok', await fn());
  } catch (error) {
    console.log(label, 'THREW', error.code, error.message);
  }
};
await show(
  'unique key with U+0000:',
  async () => (await docket.enqueue(task, {}, { hold: true, unique: { key: 'a\u0000b' } })).state,
);
await show(
  'unique key with a lone surrogate:',
  async () => (await docket.enqueue(task, {}, { hold: true, unique: { key: '\ud800' } })).state,
);
const held = await docket.enqueue(task, {}, { hold: true });
await show('cancel reason with U+0000:', async () => {
  await docket.cancel(held.id, 'why\u0000not');
  return (await docket.getJob(held.id)).state;
});
const held2 = await docket.enqueue(task, {}, { hold: true });
await show('cancel reason with a lone surrogate (expect "why \\ud800 not" back):', async () => {
  await docket.cancel(held2.id, 'why \ud800 not');
  return JSON.stringify((await docket.getJob(held2.id)).cancelReason);
});

const a = await docket.enqueue(task, {});
const b = await docket.enqueue(surrogate, {});
const worker = docket.work({ leaseMs: 1000, pollIntervalMs: 50, rescuer: { intervalMs: 200 } });
await new Promise((resolve) => setTimeout(resolve, 4000));
for (const id of [a.id, b.id]) {
  const job = await docket.getJob(id);
  console.log(
    `job ${job.task}: state=${job.state} attempts=${job.attempts} errors=${JSON.stringify(job.errors.map((e) => e.message))}`,
  );
}
console.log(`${reported.length} worker errors reported, first:`, reported[0]);
await worker.stop({ timeout: 500 });
await docket.close();
if (kind === 'postgres') {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: spec.url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`);
  await client.end();
}
if (kind === 'redis') {
  const { Redis } = await import('ioredis');
  const client = new Redis(spec.url);
  const keys = await client.keys(`{${tag}}:*`);
  if (keys.length) await client.del(...keys);
  client.disconnect();
}
