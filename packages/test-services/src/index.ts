export { dropSchema, freshSchema, PG_URL, postgresAvailable } from './postgres.js';
export { canReach, dropPrefix, REDIS_URL, randomPrefix, redisAvailable } from './redis.js';
export { serviceGate } from './service-gate.js';
