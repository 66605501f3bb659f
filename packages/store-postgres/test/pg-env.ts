import { postgresAvailable } from '@docket/test-services';

export { dropSchema, freshSchema, PG_URL } from '@docket/test-services';

/** Whether these tests can run: under CI=true an unreachable server fails the run, elsewhere they are skipped loudly. */
export const PG_AVAILABLE: boolean = await postgresAvailable('the @docket/store-postgres tests');
