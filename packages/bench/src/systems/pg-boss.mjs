// pg-boss 10 in its own schema. Settings (see README): cron scheduling off (unused);
// pool max 10; pollingIntervalSeconds 0.5 (its minimum). pg-boss 10 has no teamSize and
// its work() loop sleeps out the polling interval after every fetch, so batchSize is its
// throughput knob: two work() loops (one at concurrency 1) each fetching up to 1000 jobs,
// run inside the handler with at most `concurrency` at once. PGBOSS_LOOPS / PGBOSS_BATCH override.

import pg from 'pg';
import PgBoss from 'pg-boss';
import { PG_URL } from '../environment.mjs';

async function noop(data, onStart) {
  onStart?.(data);
}

export async function open(ns) {
  const boss = new PgBoss({ connectionString: PG_URL, schema: ns, max: 10, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue('bench');
  return {
    enqueueOne: (payload) => boss.send('bench', payload),
    enqueueBulk: (payloads) => boss.insert(payloads.map((data) => ({ name: 'bench', data }))),
    async startWorker({ concurrency, onStart, onComplete }) {
      const batchSize = Number(process.env.PGBOSS_BATCH ?? 1000);
      const loops = Number(process.env.PGBOSS_LOOPS ?? (concurrency > 1 ? 2 : 1));
      const lanes = Math.max(1, Math.floor(concurrency / loops));
      const ids = [];
      for (let i = 0; i < loops; i++) {
        ids.push(
          await boss.work('bench', { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
            let next = 0;
            const lane = async () => {
              while (next < jobs.length) {
                const job = jobs[next++];
                await noop(job.data, onStart);
              }
            };
            await Promise.all(Array.from({ length: Math.min(lanes, jobs.length) }, lane));
            // pg-boss completes the batch after this returns; settle() waits for it.
            onComplete?.(jobs.length);
          }),
        );
      }
      return { stop: () => boss.offWork('bench') };
    },
    /** Waits until every job is stored as completed (pg-boss has no completion event). */
    async settle() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        const sql = `SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(ns)}.job WHERE name = 'bench' AND state <> 'completed'`;
        while ((await client.query(sql)).rows[0].n > 0) await new Promise((r) => setTimeout(r, 5));
      } finally {
        await client.end();
      }
    },
    close: () => boss.stop({ graceful: true, wait: true, timeout: 5_000 }),
  };
}
