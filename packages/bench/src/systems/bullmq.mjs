// BullMQ on Redis under its own prefix. Settings (see README): worker concurrency = the
// scenario's; completed jobs kept (BullMQ's default, like docket's default retention);
// ioredis with maxRetriesPerRequest: null as BullMQ requires for workers.
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { REDIS_URL } from '../environment.mjs';

const connect = () => new Redis(REDIS_URL, { maxRetriesPerRequest: null });

export async function open(ns) {
  const queueConnection = connect();
  const queue = new Queue('bench', { connection: queueConnection, prefix: ns });
  await queue.waitUntilReady();
  const workers = [];
  return {
    enqueueOne: (payload) => queue.add('noop', payload),
    enqueueBulk: (payloads) => queue.addBulk(payloads.map((data) => ({ name: 'noop', data }))),
    async startWorker({ concurrency, onStart, onComplete }) {
      const connection = connect();
      const worker = new Worker(
        'bench',
        async (job) => {
          onStart?.(job.data);
        },
        { connection, prefix: ns, concurrency },
      );
      if (onComplete) worker.on('completed', () => onComplete(1));
      worker.on('error', () => {});
      workers.push({ worker, connection });
      return {
        async stop() {
          await worker.close();
          connection.disconnect();
        },
      };
    },
    async close() {
      await queue.close();
      queueConnection.disconnect();
    },
  };
}
