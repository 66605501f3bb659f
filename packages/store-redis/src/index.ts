export { type RedisConnection, RedisStore, type RedisStoreOptions } from './redis-store.js';
