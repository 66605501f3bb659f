import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeStorage } from '@docket/conformance';
import { Cluster } from 'ioredis';
import { afterAll } from 'vitest';
import { describeFocused } from './focused-suite.js';
import { redisHarness } from './harness.js';
import { startCluster } from './redis-cluster.js';
import { redisOrSkip } from './redis-env.js';

// The same suites against a three-master Redis Cluster started here from the installed
// redis-server on free ports (before collection: describeStorage probes a store), torn down after.
const available = await redisOrSkip();
const cluster = available ? await startCluster() : undefined;
afterAll(async () => {
  await cluster?.stop();
});

const client = (options?: { keyPrefix?: string }) => new Cluster(cluster!.nodes, options);
const run = promisify(execFile);
// Our own servers: their script caches may be flushed.
const flushScripts = async () => {
  for (const node of cluster!.nodes) await run('redis-cli', ['-p', String(node.port), 'SCRIPT', 'FLUSH']);
};

if (available) describeStorage('redis cluster', redisHarness({ client }));
describeFocused('cluster', available, { client, flushScripts });
