// The floor of one-by-one enqueue from Node: the INSERT pgbench runs in the enqueue-one baseline,
// sent by Node's `pg` client one call at a time (sequential awaits), alternated with pgbench itself
// on the same table shape. Shows what share of pgbench's rate any queue on Node's client can reach.
// Usage: node packages/bench/src/profile/pg-client-floor.mjs [n=3000] [rounds=3]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { freshNamespace, PG_URL } from '../environment.mjs';

const [nText = '3000', roundsText = '3'] = process.argv.slice(2);
const n = Number(nText);
const rounds = Number(roundsText);
const schema = freshNamespace(); // a random identifier: [a-z0-9_] only
const insert = `INSERT INTO ${schema}.jobs (task, payload) VALUES ('noop', '{"n":1}')`;

const client = new pg.Client(PG_URL);
await client.connect();
await client.query(
  `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.jobs (id bigserial PRIMARY KEY, task text, payload jsonb)`,
);
const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
const { join } = await import('node:path');
const { tmpdir } = await import('node:os');
const dir = await mkdtemp(join(tmpdir(), 'pg-floor-'));
const script = join(dir, 'insert.sql');
await writeFile(script, `${insert};\n`);
const url = new URL(PG_URL);

async function viaNode() {
  const started = performance.now();
  for (let i = 0; i < n; i++) await client.query(insert);
  return n / ((performance.now() - started) / 1000);
}

async function viaPgbench() {
  const args = ['-n', '-c', '1', '-t', String(n), '-f', script, '-h', url.hostname, '-p', url.port || '5432'];
  args.push('-U', decodeURIComponent(url.username || 'postgres'), url.pathname.slice(1) || 'postgres');
  const { stdout } = await promisify(execFile)('pgbench', args);
  return Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
}

try {
  for (let round = 1; round <= rounds; round++) {
    const node = await viaNode();
    const bench = await viaPgbench();
    console.log(
      JSON.stringify({
        round,
        node_tps: Math.round(node),
        pgbench_tps: Math.round(bench),
        ratio: +(node / bench).toFixed(2),
      }),
    );
  }
} finally {
  await client.query(`DROP SCHEMA ${schema} CASCADE`);
  await client.end();
  await rm(dir, { recursive: true, force: true });
}
