// Baseline, not a queue: pgbench with one client running one INSERT per transaction into a
// table shaped like a small job row, on the same server. The floor for one-by-one
// enqueue on Postgres (docket must reach 80% of it).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PG_URL } from '../environment.mjs';

const run = promisify(execFile);

export async function open(ns) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const schema = pg.escapeIdentifier(ns);
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(
    `CREATE TABLE ${schema}.jobs (id bigserial PRIMARY KEY, task text NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  await client.end();
  return {
    /** Runs pgbench for `n` transactions; returns per-transaction latencies (ms) and elapsed ms. */
    async measureInserts(n) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${ns}-`));
      const script = path.join(dir, 'insert.sql');
      fs.writeFileSync(script, `INSERT INTO ${schema}.jobs (task, payload) VALUES ('noop', '{"n":1}');\n`);
      const prefix = path.join(dir, 'log');
      const started = performance.now();
      const { stdout } = await run('pgbench', [
        '-n',
        '-c',
        '1',
        '-t',
        String(n),
        '-f',
        script,
        '-l',
        `--log-prefix=${prefix}`,
        PG_URL,
      ]);
      const elapsedMs = performance.now() - started;
      const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
      const latencies = [];
      for (const file of fs.readdirSync(dir).filter((f) => f.startsWith('log'))) {
        for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
          const fields = line.split(' ');
          if (fields.length >= 3) latencies.push(Number(fields[2]) / 1000);
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
      return { tps, latencies, elapsedMs };
    },
    async close() {},
  };
}
