import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The checkpoint thread's source (CommonJS, evaluated by `new Worker(…, { eval: true })`).
 * It opens its own connection to the file and answers two messages:
 * `{ type: 'checkpoint', id }` (one PASSIVE checkpoint now; replies
 * `{ id, busy, log, checkpointed }` or `{ id, error }`) and `{ type: 'close' }`.
 * Between them it runs a PASSIVE checkpoint every `intervalMs`.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fail = (error) => parentPort.postMessage({ id: 0, error: String((error && error.message) || error) });
let db;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
} catch (error) {
  fail(error);
  parentPort.close();
}
if (db) {
  const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)')[0];
  const timer = setInterval(() => {
    try {
      checkpoint();
    } catch (error) {
      fail(error);
    }
  }, workerData.intervalMs);
  parentPort.on('message', (message) => {
    if (message.type === 'close') {
      clearInterval(timer);
      db.close();
      parentPort.close();
      return;
    }
    try {
      parentPort.postMessage({ id: message.id, ...checkpoint() });
    } catch (error) {
      parentPort.postMessage({ id: message.id, error: String((error && error.message) || error) });
    }
  });
}
`;

/** What `PRAGMA wal_checkpoint` reports: frames in the WAL and frames copied into the database file. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export interface CheckpointerOptions {
  /** Milliseconds between two PASSIVE checkpoints. */
  intervalMs: number;
  busyTimeoutMs: number;
  /** Errors of the thread (it cannot start, a checkpoint failed). */
  onError: (error: unknown) => void;
}

type Reply = ({ error: string } | CheckpointResult) & { id: number };

/**
 * Checkpoints a WAL database from a thread of its own.
 *
 * better-sqlite3 is synchronous, so an automatic checkpoint (which copies the
 * WAL into the database file and `fsync`s both) runs inside whichever commit
 * crosses `wal_autocheckpoint`, blocking the event loop for milliseconds to
 * tens of milliseconds. A PASSIVE checkpoint on another connection, in
 * another thread, does the same copy and syncs while the store's connection
 * keeps committing (it never waits for or blocks readers and writers), so the
 * automatic checkpoint that still runs at the threshold finds almost
 * everything copied and synced already. Durability is unchanged: commits
 * reach the WAL exactly as before, and the automatic checkpoint stays as the
 * bound on the WAL's size if this thread lags or fails.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  private readonly exited: Promise<void>;
  private failed = false;

  constructor(path: string, options: CheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(SOURCE, {
      eval: true,
      workerData: { driver, path, intervalMs: options.intervalMs, busyTimeoutMs: options.busyTimeoutMs },
    });
    // Never keeps the process alive: commits do not depend on this thread.
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      if (reply.id === 0) {
        options.onError(new Error(`background checkpoint: ${(reply as { error: string }).error}`));
        return;
      }
      const resolve = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      resolve?.(reply);
    });
    this.worker.on('error', (error) => {
      this.failed = true;
      options.onError(error);
    });
    this.worker.on('messageerror', (error) => options.onError(error));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    void this.exited.then(() => {
      this.failed = true;
      for (const resolve of this.pending.values()) resolve({ id: -1, error: 'checkpoint thread exited' });
      this.pending.clear();
    });
  }

  /** Runs one PASSIVE checkpoint now, in the thread. */
  checkpoint(): Promise<CheckpointResult> {
    if (this.failed) return Promise.reject(new Error('checkpoint thread is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => {
        if ('error' in reply) reject(new Error(reply.error));
        else resolve({ busy: reply.busy, log: reply.log, checkpointed: reply.checkpointed });
      });
      this.worker.postMessage({ type: 'checkpoint', id });
    });
  }

  /** Stops the thread after closing its connection. */
  async close(): Promise<void> {
    // Held while closing: with nothing else to do, the process would otherwise exit before the thread.
    this.worker.ref();
    if (!this.failed) this.worker.postMessage({ type: 'close' });
    await this.exited;
  }
}
