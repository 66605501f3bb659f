import type { StorageHarness } from '@docket/conformance';
import type { Storage } from '@docket/core';
import { type Cluster, Redis } from 'ioredis';
import { RedisStore } from '../src/index.js';
import { dropPrefix, randomPrefix } from './redis-env.js';

/**
 * The conformance harness: each store gets a random prefix; `connect` opens a
 * second store with its own connection on the same prefix; `destroy` deletes
 * the prefix's keys (SCAN + DEL).
 *
 * With `url`, stores open and quit their own client (`{ url }`). With
 * `client`, each store gets a fresh client it does not own (`{ client }`),
 * closed here after the store.
 */
export function redisHarness(
  target: { url: string } | { client: () => Redis | Cluster },
): StorageHarness<RedisStore> {
  const newClient = 'url' in target ? () => new Redis(target.url) : target.client;
  const open = (prefix: string): RedisStore => {
    if ('url' in target) return new RedisStore({ url: target.url }, { prefix });
    const client = target.client();
    client.on('error', () => {});
    const store = new RedisStore({ client }, { prefix });
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      client.disconnect();
    };
    return store;
  };
  const prefixOf = (store: RedisStore) => store.tag.slice(1, -1);
  return {
    async create() {
      return open(randomPrefix());
    },
    async connect(store): Promise<Storage> {
      return open(prefixOf(store));
    },
    async destroy(store) {
      const admin = newClient();
      admin.on('error', () => {});
      try {
        await dropPrefix(admin, prefixOf(store));
      } finally {
        admin.disconnect();
      }
    },
  };
}
