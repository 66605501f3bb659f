import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { tempStore } from './run-cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

beforeAll(() => {
  // turbo builds dependencies before tests, not the package itself: build the bin when it is missing or stale.
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(main).mtimeMs) {
    execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore' });
  }
}, 120_000);

it('the built bin runs a command in a child process and exits with its code', () => {
  const store = tempStore();
  try {
    const migrate = spawnSync(process.execPath, [bin, 'migrate'], {
      env: { ...process.env, DOCKET_STORE: store.url },
      encoding: 'utf8',
    });
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toContain('Store is up to date');
    const enqueue = spawnSync(
      process.execPath,
      [bin, '--store', store.url, 'enqueue', 'ping', '{"n":1}', '--json'],
      { encoding: 'utf8' },
    );
    expect(enqueue.status).toBe(0);
    expect(JSON.parse(enqueue.stdout)).toMatchObject({ state: 'ready', duplicate: false });
    const bad = spawnSync(process.execPath, [bin, '--store', 'bogus://', 'stats'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  } finally {
    store.remove();
  }
});
