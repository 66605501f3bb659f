import { randomBytes } from 'node:crypto';
import { type Cluster, Redis } from 'ioredis';
import { serviceGate } from './service-gate.js';

/** The server the tests use; each test works under its own key prefix and deletes it. */
export const REDIS_URL = process.env.DOCKET_REDIS_URL ?? 'redis://127.0.0.1:6379';

const HOW_TO_START =
  'Start it (`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`) ' +
  'or point DOCKET_REDIS_URL at a reachable server.';

/** Pings `url` once, without retrying. */
export async function canReach(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Whether `suite`'s Redis tests can run (see `serviceGate`). */
export function redisAvailable(suite: string, url = REDIS_URL): Promise<boolean> {
  return serviceGate({
    service: 'Redis',
    url,
    suite,
    howToStart: HOW_TO_START,
    reachable: () => canReach(url),
  });
}

/** A fresh key prefix per test. */
export const randomPrefix = (): string => `t_${randomBytes(6).toString('hex')}`;

/** Deletes every key of `{prefix}` (SCAN + DEL on each master), never anything else. */
export async function dropPrefix(client: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = 'nodes' in client && typeof client.nodes === 'function' ? client.nodes('master') : [client];
  for (const node of nodes as Redis[]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) await node.del(key);
    } while (cursor !== '0');
  }
}
