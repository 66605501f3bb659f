import { describeStorage } from '@docket/conformance';
import { Redis } from 'ioredis';
import { describeFocused } from './focused-suite.js';
import { redisHarness } from './harness.js';
import { REDIS_URL, redisOrSkip } from './redis-env.js';

// The shared suite against DOCKET_REDIS_URL, each test under its own random prefix.
const available = await redisOrSkip();
const client = (options?: { keyPrefix?: string }) => new Redis(REDIS_URL, options ?? {});

if (available) describeStorage('redis', redisHarness({ url: REDIS_URL }));
describeFocused('single server', available, { client });
