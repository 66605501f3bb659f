import { describeStorage } from '@docket/conformance';
import { describe } from 'vitest';
import { postgresHarness } from './harness.js';
import { PG_AVAILABLE } from './pg-env.js';

// Outside CI an unreachable server skips the suite (pg-env warns loudly); under CI=true it fails.
describe.runIf(PG_AVAILABLE)('postgres', () => {
  describeStorage('postgres', postgresHarness);
});
