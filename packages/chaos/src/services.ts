import { postgresAvailable, redisAvailable } from '@docket/test-services';

export { PG_URL, REDIS_URL } from '@docket/test-services';

/** Under CI=true an unreachable server fails the run; elsewhere its variants are skipped, loudly. */
export const PG_AVAILABLE: boolean = await postgresAvailable('the @docket/chaos PostgreSQL variants');
export const REDIS_AVAILABLE: boolean = await redisAvailable('the @docket/chaos Redis variants');
