// graphile-worker in its own schema, with the settings of its performance page:
// localQueue { size: 500 }, completeJobBatchDelay 0, failJobBatchDelay 0,
// concurrentJobs = the scenario's concurrency, maxPoolSize max(10, concurrency + 2),
// pollInterval 2000 (the default; new jobs arrive by LISTEN/NOTIFY).
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import pg from 'pg';
import { PG_URL } from '../environment.mjs';

const silent = new Logger(() => () => {});

export async function open(ns) {
  const utils = await makeWorkerUtils({ connectionString: PG_URL, schema: ns, logger: silent });
  await utils.migrate();
  return {
    enqueueOne: (payload) => utils.addJob('noop', payload),
    enqueueBulk: (payloads) => utils.addJobs(payloads.map((payload) => ({ identifier: 'noop', payload }))),
    async startWorker({ concurrency, onStart, onComplete }) {
      const runner = await run({
        connectionString: PG_URL,
        schema: ns,
        concurrency,
        maxPoolSize: Math.max(10, concurrency + 2),
        pollInterval: 2_000,
        noHandleSignals: true,
        logger: silent,
        taskList: {
          noop: async (payload) => {
            onStart?.(payload);
          },
        },
        preset: {
          worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 },
        },
      });
      if (onComplete) runner.events.on('job:success', () => onComplete(1));
      return { stop: () => runner.stop() };
    },
    /** Completed jobs are deleted: waits until the table is empty (batched completions landed). */
    async settle() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        const sql = `SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(ns)}._private_jobs`;
        while ((await client.query(sql)).rows[0].n > 0) await new Promise((r) => setTimeout(r, 5));
      } finally {
        await client.end();
      }
    },
    close: () => utils.release(),
  };
}
