import pg from 'pg';
import { serviceGate } from './service-gate.js';

/** The server the tests use; each test works in its own schema and drops it. */
export const PG_URL = process.env.DOCKET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const HOW_TO_START =
  'Start it (`pg_ctlcluster --skip-systemctl-redirect <version> main start`, or `sudo service postgresql start`) ' +
  'or point DOCKET_PG_URL at a reachable server.';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Whether `suite`'s PostgreSQL tests can run (see `serviceGate`). */
export function postgresAvailable(suite: string): Promise<boolean> {
  return serviceGate({ service: 'PostgreSQL', url: PG_URL, suite, howToStart: HOW_TO_START, reachable });
}

/** A fresh schema name for one test. */
export function freshSchema(prefix = 'dk_test'): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;
}

/** Drops a schema made by a test. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
