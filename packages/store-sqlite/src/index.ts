export { type SqliteConnection, SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { DEFAULT_PREFIX } from './tables.js';
export { withTransaction } from './transaction.js';
