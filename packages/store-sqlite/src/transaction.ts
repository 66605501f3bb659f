import type Database from 'better-sqlite3';

/**
 * Runs `fn` in a transaction on `db` that may span `await`s: `BEGIN`, then
 * `COMMIT` if `fn` resolves, `ROLLBACK` (and rethrow) if it throws.
 * better-sqlite3's own `db.transaction(fn)` needs a synchronous `fn`, while
 * `docket.enqueue` is async (it validates the payload first), so pass `db`
 * as `tx` from inside this instead:
 *
 * ```ts
 * await withTransaction(db, async (tx) => {
 *   db.prepare('INSERT INTO orders (id) VALUES (?)').run(orderId);
 *   await docket.enqueue(sendReceipt, { orderId }, { tx });
 * });
 * ```
 *
 * While it runs, the store's own writes on this connection (a worker's
 * claims and acknowledgements) wait for it to end, so keep it short.
 */
export async function withTransaction<T>(
  db: Database.Database,
  fn: (tx: Database.Database) => Promise<T>,
  mode: 'DEFERRED' | 'IMMEDIATE' = 'IMMEDIATE',
): Promise<T> {
  db.exec(`BEGIN ${mode === 'DEFERRED' ? 'DEFERRED' : 'IMMEDIATE'}`);
  let result: T;
  try {
    result = await fn(db);
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
  db.exec('COMMIT');
  return result;
}
