import { REDIS_URL, redisAvailable } from '@docket/test-services';

export { canReach, dropPrefix, REDIS_URL, randomPrefix } from '@docket/test-services';

/** Whether the Redis tests can run: under CI=true an unreachable server fails the run, elsewhere they are skipped loudly. */
export const redisOrSkip = (url = REDIS_URL): Promise<boolean> =>
  redisAvailable('the @docket/store-redis tests', url);
