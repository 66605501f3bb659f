// plainjob on better-sqlite3 (it sets WAL and synchronous = NORMAL itself). A plainjob
// worker runs one job at a time, so concurrency c is c workers in the process, as its
// README does for throughput. pollIntervall: its default (1000 ms; it has no wake-up).
import Database from 'better-sqlite3';
import { better, defineQueue, defineWorker } from 'plainjob';
import { sqlitePath } from '../environment.mjs';

const silent = { error() {}, warn() {}, info() {}, debug() {} };

export async function open(ns) {
  const db = new Database(sqlitePath(ns));
  const queue = defineQueue({ connection: better(db), logger: silent });
  return {
    enqueueOne: (payload) => queue.add('noop', payload),
    enqueueBulk: (payloads) => queue.addMany('noop', payloads),
    async startWorker({ concurrency, onStart, onComplete }) {
      const workers = [];
      for (let i = 0; i < concurrency; i++) {
        const worker = defineWorker(
          'noop',
          async (job) => {
            onStart?.(JSON.parse(job.data));
          },
          { queue, logger: silent, onCompleted: onComplete ? () => onComplete(1) : undefined },
        );
        void worker.start();
        workers.push(worker);
      }
      return { stop: () => Promise.all(workers.map((w) => w.stop())) };
    },
    async close() {
      queue.close();
      db.close();
    },
  };
}
