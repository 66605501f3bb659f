import { DocketError, InvalidOptionError, StoreError, StoreNotInstalledError } from '../errors.js';
import type { Storage } from '../storage.js';

/** Options of {@link createStore}. */
export interface CreateStoreOptions {
  /**
   * Loads a store package by name. Default: dynamic `import()`. Override when
   * a bundler cannot resolve packages at run time.
   */
  importModule?: (specifier: string) => Promise<unknown>;
}

/** What a URL resolves to: which package, which class, which constructor arguments. */
export interface StoreTarget {
  packageName: string;
  exportName: string;
  args: unknown[];
}

const SUPPORTED =
  'memory://, sqlite:./file.db, sqlite:/abs/path.db, sqlite::memory:, postgres://… or postgresql://… (?schema=), redis://… or rediss://… (?prefix=)';

function invalid(url: string, why: string): InvalidOptionError {
  const shown = url.replace(/\/\/[^@/]*@/, '//***@');
  return new InvalidOptionError(
    `Cannot create a store from ${JSON.stringify(shown)}: ${why}. Supported: ${SUPPORTED}.`,
  );
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw invalid(url, 'malformed URL');
  }
}

/** Takes `name` out of the URL's query, so the driver never sees a parameter it does not know. */
function takeParam(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  url.searchParams.delete(name);
  return value ?? undefined;
}

/**
 * Maps a store URL to its package and constructor arguments, without loading
 * anything. Throws `InvalidOptionError` for an unknown scheme or a malformed URL.
 */
export function resolveStoreUrl(url: string): StoreTarget {
  if (typeof url !== 'string' || url === '') throw invalid(String(url), 'expected a URL string');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory':
      if (!/^memory:(\/\/)?$/i.test(url)) throw invalid(url, 'memory:// takes no host, path or options');
      return { packageName: '@docket/store-memory', exportName: 'MemoryStore', args: [] };
    case 'sqlite': {
      let path = url.slice('sqlite:'.length);
      // sqlite:///abs/path.db and sqlite://./rel.db are common spellings of the same thing.
      if (path.startsWith('//')) path = path.slice(2);
      if (path === '') throw invalid(url, 'missing the database file path');
      return { packageName: '@docket/store-sqlite', exportName: 'SqliteStore', args: [{ path }] };
    }
    case 'postgres':
    case 'postgresql': {
      const parsed = parseUrl(url);
      if (!parsed.hostname && !parsed.searchParams.has('host')) throw invalid(url, 'missing the host');
      const schema = takeParam(parsed, 'schema');
      return {
        packageName: '@docket/store-postgres',
        exportName: 'PostgresStore',
        args: [{ connectionString: parsed.toString() }, schema === undefined ? {} : { schema }],
      };
    }
    case 'redis':
    case 'rediss': {
      const parsed = parseUrl(url);
      if (!parsed.hostname) throw invalid(url, 'missing the host');
      const prefix = takeParam(parsed, 'prefix');
      return {
        packageName: '@docket/store-redis',
        exportName: 'RedisStore',
        args: [{ url: parsed.toString() }, prefix === undefined ? {} : { prefix }],
      };
    }
    default:
      throw invalid(url, scheme ? `unknown scheme "${scheme}:"` : 'no scheme');
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  const message = error instanceof Error ? error.message : '';
  return /Cannot find (package|module)|Failed to (load|resolve)/i.test(message);
}

/**
 * Creates a store from a URL, loading its package on demand (core depends on
 * no store package: install the one you use).
 *
 * | URL | store |
 * |---|---|
 * | `memory://` | `new MemoryStore()` |
 * | `sqlite:./file.db`, `sqlite:/abs/path.db`, `sqlite::memory:` | `new SqliteStore({ path })` |
 * | `postgres://…`, `postgresql://…` (`?schema=name`) | `new PostgresStore({ connectionString }, { schema })` |
 * | `redis://…`, `rediss://…` (`?prefix=name`) | `new RedisStore({ url }, { prefix })` |
 *
 * @throws InvalidOptionError for an unknown scheme or a malformed URL.
 * @throws StoreNotInstalledError when the store package (or its driver) is not installed.
 */
export async function createStore(url: string, options: CreateStoreOptions = {}): Promise<Storage> {
  const target = resolveStoreUrl(url);
  const load = options.importModule ?? ((specifier: string) => import(specifier));
  let module: Record<string, unknown>;
  try {
    module = (await load(target.packageName)) as Record<string, unknown>;
  } catch (error) {
    if (isModuleNotFound(error)) throw new StoreNotInstalledError(target.packageName, error);
    if (error instanceof DocketError) throw error;
    throw new StoreError(`import ${target.packageName}`, error);
  }
  const Store = module[target.exportName] as (new (...args: unknown[]) => Storage) | undefined;
  if (typeof Store !== 'function') {
    throw new StoreNotInstalledError(
      target.packageName,
      new Error(
        `${target.packageName} does not export ${target.exportName}; is it a version made for this core?`,
      ),
    );
  }
  return new Store(...target.args);
}
