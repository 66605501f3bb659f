import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@docket/core';
import { dropPrefix, dropSchema } from '@docket/test-services';
import { Redis } from 'ioredis';
import { openStore, type StoreSpec } from '../fixtures/open-store.mjs';
import { PG_AVAILABLE, PG_URL, REDIS_AVAILABLE, REDIS_URL } from './services.js';

export type StoreKind = StoreSpec['kind'];

/** One isolated namespace on one backend: a temp file, a random schema or a random key prefix. */
export interface Namespace {
  readonly spec: StoreSpec;
  /** A new store instance over this namespace (for memory: always the same instance). */
  open(overrides?: Partial<StoreSpec>): Storage;
  /** Drops what the namespace holds (file, schema, keys). */
  destroy(): Promise<void>;
}

export interface StoreVariant {
  readonly kind: StoreKind;
  /** Reachable (memory and SQLite always are). */
  readonly available: boolean;
  /** Several processes may share it. */
  readonly multiProcess: boolean;
  fresh(): Promise<Namespace>;
}

const token = () => randomBytes(5).toString('hex');

const memory: StoreVariant = {
  kind: 'memory',
  available: true,
  multiProcess: false,
  async fresh() {
    const store = openStore({ kind: 'memory' });
    return { spec: { kind: 'memory' }, open: () => store, destroy: async () => {} };
  },
};

const sqlite: StoreVariant = {
  kind: 'sqlite',
  available: true,
  multiProcess: true,
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'docket-chaos-'));
    const spec: StoreSpec = { kind: 'sqlite', path: join(dir, 'chaos.db') };
    return {
      spec,
      open: (overrides) => openStore({ ...spec, ...overrides } as StoreSpec),
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const postgres: StoreVariant = {
  kind: 'postgres',
  available: PG_AVAILABLE,
  multiProcess: true,
  async fresh() {
    const spec: StoreSpec = { kind: 'postgres', url: PG_URL, schema: `dk_chaos_${token()}` };
    return {
      spec,
      open: (overrides) => openStore({ ...spec, ...overrides } as StoreSpec),
      destroy: () => dropSchema(spec.schema),
    };
  },
};

const redis: StoreVariant = {
  kind: 'redis',
  available: REDIS_AVAILABLE,
  multiProcess: true,
  async fresh() {
    const spec: StoreSpec = { kind: 'redis', url: REDIS_URL, prefix: `chaos_${token()}` };
    return {
      spec,
      open: (overrides) => openStore({ ...spec, ...overrides } as StoreSpec),
      destroy: () => dropRedisPrefix(spec.prefix),
    };
  },
};

/** Every store variant, in the order the tables of the README list them. */
export const VARIANTS: readonly StoreVariant[] = [memory, sqlite, postgres, redis];
/** The variants several processes can share (the child-process scenarios). */
export const SHARED_VARIANTS = VARIANTS.filter((v) => v.multiProcess);
/** The variants behind a network connection (the connection-loss scenario). */
export const NETWORK_VARIANTS = VARIANTS.filter((v) => v.kind === 'postgres' || v.kind === 'redis');

/** Deletes every key of `{prefix}` (SCAN + DEL); never anything else. */
async function dropRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL);
  client.on('error', () => {});
  try {
    await dropPrefix(client, prefix);
  } finally {
    client.disconnect();
  }
}
