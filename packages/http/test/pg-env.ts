import { postgresAvailable, freshSchema as schemaNamed } from '@docket/test-services';

export { dropSchema, PG_URL } from '@docket/test-services';

/** Whether the Postgres API tests can run: under CI=true an unreachable server fails the run. */
export const PG_AVAILABLE: boolean = await postgresAvailable('the @docket/http Postgres tests');

export const freshSchema = (): string => schemaNamed('dk_http');
