import { MemoryStore } from '@docket/store-memory';
import { describe, expect, it } from 'vitest';
import { createStore, resolveStoreUrl } from '../../src/client/create-store.js';
import { Docket } from '../../src/client/docket.js';
import { InvalidOptionError, StoreNotInstalledError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { report } from './docket-fixture.js';

describe('createStore', () => {
  it('creates a MemoryStore for memory://, loaded on demand, that a Docket runs on', async () => {
    const store = await createStore('memory://');
    expect(store).toBeInstanceOf(MemoryStore);
    const docket = new Docket({ store, tasks: [report], logger: silentLogger });
    await docket.setup();
    const { id } = await docket.enqueue(report, { ok: true });
    expect((await docket.getJob(id))!.payload).toEqual({ ok: true });
    await docket.close();
  });

  it('throws StoreNotInstalledError naming the package when it cannot be loaded', async () => {
    // A real failed import of a package that does not exist, standing in for an uninstalled store.
    const importModule = (specifier: string) => import(/* @vite-ignore */ `${specifier}-not-installed`);
    const error = await createStore('redis://127.0.0.1:6379', { importModule }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreNotInstalledError);
    expect(error).toMatchObject({ code: 'STORE_NOT_INSTALLED', packageName: '@docket/store-redis' });
    expect((error as Error).message).toContain('npm install @docket/store-redis');
  });

  it('throws StoreNotInstalledError when the package lacks the store class', async () => {
    await expect(createStore('sqlite::memory:', { importModule: async () => ({}) })).rejects.toThrow(
      StoreNotInstalledError,
    );
  });

  it('passes other import failures on as StoreError', async () => {
    const importModule = async () => {
      throw new TypeError('syntax error in module');
    };
    await expect(createStore('memory://', { importModule })).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });

  it('hands the constructor arguments to the loaded class', async () => {
    class FakeStore {
      readonly args: unknown[];
      constructor(...args: unknown[]) {
        this.args = args;
      }
    }
    const store = (await createStore('postgres://u:p@db:5432/app?schema=jobs&sslmode=require', {
      importModule: async (name) => ({
        [name === '@docket/store-postgres' ? 'PostgresStore' : 'Other']: FakeStore,
      }),
    })) as unknown as FakeStore;
    expect(store.args).toEqual([
      { connectionString: 'postgres://u:p@db:5432/app?sslmode=require' },
      { schema: 'jobs' },
    ]);
  });
});

describe('resolveStoreUrl', () => {
  it.each([
    ['memory://', '@docket/store-memory', 'MemoryStore', []],
    ['memory:', '@docket/store-memory', 'MemoryStore', []],
    ['sqlite:./file.db', '@docket/store-sqlite', 'SqliteStore', [{ path: './file.db' }]],
    ['sqlite:/abs/path.db', '@docket/store-sqlite', 'SqliteStore', [{ path: '/abs/path.db' }]],
    ['sqlite::memory:', '@docket/store-sqlite', 'SqliteStore', [{ path: ':memory:' }]],
    ['sqlite:///abs/path.db', '@docket/store-sqlite', 'SqliteStore', [{ path: '/abs/path.db' }]],
    [
      'postgres://postgres@127.0.0.1:5432/test',
      '@docket/store-postgres',
      'PostgresStore',
      [{ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }, {}],
    ],
    [
      'postgresql://h/db?schema=app_jobs',
      '@docket/store-postgres',
      'PostgresStore',
      [{ connectionString: 'postgresql://h/db' }, { schema: 'app_jobs' }],
    ],
    ['redis://127.0.0.1:6379', '@docket/store-redis', 'RedisStore', [{ url: 'redis://127.0.0.1:6379' }, {}]],
    [
      'rediss://:secret@cache:6380/2?prefix=myapp',
      '@docket/store-redis',
      'RedisStore',
      [{ url: 'rediss://:secret@cache:6380/2' }, { prefix: 'myapp' }],
    ],
  ])('%s', (url, packageName, exportName, args) => {
    expect(resolveStoreUrl(url)).toEqual({ packageName, exportName, args });
  });

  it.each([
    ['an unknown scheme', 'mysql://localhost/db'],
    ['no scheme', 'localhost:5432'],
    ['an empty string', ''],
    ['not a string', 42],
    ['memory with a path', 'memory://somewhere'],
    ['sqlite without a path', 'sqlite:'],
    ['postgres without a host', 'postgres:///db'],
    ['redis without a host', 'redis://'],
    ['a malformed postgres URL', 'postgres://[oops/db'],
  ])('rejects %s, listing the supported schemes', (_why, url) => {
    const call = () => resolveStoreUrl(url as string);
    expect(call).toThrow(InvalidOptionError);
    expect(call).toThrow(/Supported: memory:\/\//);
  });

  it('hides the password of a rejected URL', () => {
    expect(() => resolveStoreUrl('mysql://user:hunter2@db/app')).toThrow(/mysql:\/\/\*\*\*@db/);
    expect(() => resolveStoreUrl('mysql://user:hunter2@db/app')).not.toThrow(/hunter2/);
  });
});
