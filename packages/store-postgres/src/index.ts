export { SCHEMA_VERSION } from './migrations.js';
export type { PostgresConnection, PostgresStoreOptions } from './options.js';
export { PostgresStore } from './postgres-store.js';
