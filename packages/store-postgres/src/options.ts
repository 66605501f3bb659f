import type { Logger } from '@docket/core';
import type pg from 'pg';

/** Where the store connects: a connection string (the store owns the pool) or your pool. */
export type PostgresConnection =
  | { connectionString: string; pool?: undefined }
  | { pool: pg.Pool; connectionString?: undefined };

export interface PostgresStoreOptions {
  /** The PostgreSQL schema holding docket's tables (rule 12). Default `docket`. */
  schema?: string;
  /** Size of the pool the store creates from `connectionString`. Default 10. */
  poolSize?: number;
  /**
   * Settings of the dedicated LISTEN connection. Default: those of the pool.
   * Set it when the pool goes through a transaction-mode pooler (PgBouncer),
   * where LISTEN does not work: point it at the server directly.
   */
  listenConnection?: pg.ClientConfig;
  /** Where connection loss and reconnects are reported. Default: the console (warnings and errors). */
  logger?: Logger;
  /**
   * Whether claims and heartbeats wait for their commit to reach disk. Default
   * `false`: they commit asynchronously (`synchronous_commit = off` for those
   * statements only), which saves a WAL flush per claim. A server crash may
   * then forget the last fraction of a second of claims and lease renewals:
   * those jobs become claimable again and may run twice, which at-least-once
   * delivery allows; enqueues always commit durably, acknowledgements unless `durableAcks: false`.
   */
  durableLeases?: boolean;
  /**
   * Whether acknowledgements wait for their commit to reach disk. Default
   * `true`. With `false` they commit asynchronously (`synchronous_commit =
   * off` for the acknowledging statement only): a server crash may forget the
   * last fraction of a second of completions, and those jobs then run again
   * once their leases expire (at-least-once still holds, but a `completed`
   * you saw may be undone by the crash). Opt-in: it saves a WAL flush per ack batch.
   */
  durableAcks?: boolean;
  /**
   * Whether the store uses named prepared statements (parsed once per
   * connection). Default `true`. Set `false` behind a transaction-mode pooler
   * that cannot keep them (PgBouncer before 1.21, or without `max_prepared_statements`).
   */
  preparedStatements?: boolean;
}
