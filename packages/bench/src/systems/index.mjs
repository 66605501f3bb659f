// The systems under test: name → store kind and adapter module.
export const SYSTEMS = {
  'docket-memory': { store: 'memory', module: './docket.mjs', docket: true },
  'docket-sqlite': { store: 'sqlite', module: './docket.mjs', docket: true },
  'docket-postgres': { store: 'postgres', module: './docket.mjs', docket: true },
  'docket-redis': { store: 'redis', module: './docket.mjs', docket: true },
  bullmq: { store: 'redis', module: './bullmq.mjs' },
  'pg-boss': { store: 'postgres', module: './pg-boss.mjs' },
  'graphile-worker': { store: 'postgres', module: './graphile-worker.mjs' },
  plainjob: { store: 'sqlite', module: './plainjob.mjs' },
  // Floor for one-by-one enqueue on Postgres: pgbench, one client, one INSERT per transaction.
  pgbench: { store: 'postgres', module: './pgbench.mjs', baselineOnly: ['enqueue-one'] },
};

/** Opens `system` on namespace `ns`; every adapter has the same shape (see docket.mjs). */
export async function openSystem(system, ns) {
  const spec = SYSTEMS[system];
  if (!spec) throw new Error(`unknown system ${system}; known: ${Object.keys(SYSTEMS).join(', ')}`);
  const mod = await import(spec.module);
  return mod.open(ns, { store: spec.store });
}
