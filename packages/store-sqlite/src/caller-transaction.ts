import { StoreError } from '@docket/core';
import type Database from 'better-sqlite3';

/**
 * The store shares its connection with the application when given
 * `{ database }`, and SQLite has one transaction per connection. Every store
 * method runs synchronously, so if the connection is inside a transaction
 * when one starts, the application opened it and awaits something in the
 * middle (`BEGIN` … `await docket.enqueue(…, { tx: db })` … `COMMIT`).
 * Writing then would fold the store's own write (a claim, an ack) into the
 * application's transaction and lose it on rollback, so writes wait for that
 * transaction to end, up to `timeoutMs` (as SQLite waits for another
 * connection's lock), then fail.
 */
export async function waitForCallerTransaction(
  db: Database.Database,
  operation: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pause = 1;
  while (db.inTransaction) {
    if (Date.now() >= deadline) {
      throw new StoreError(
        operation,
        new Error(
          `the database connection stayed inside an application transaction for ${timeoutMs} ms; commit or roll it back, or give the store its own connection ({ path })`,
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 20);
  }
}
