import { describe } from 'vitest';
import { describeApi } from './api-cases.js';
import { PG_AVAILABLE } from './pg-env.js';
import { postgresStore } from './stores.js';

describe.runIf(PG_AVAILABLE)('Postgres', () => {
  describeApi('Postgres', postgresStore);
});
