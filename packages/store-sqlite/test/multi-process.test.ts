import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Docket, defineTask } from '@docket/core';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { tempDatabase } from './temp-db.js';

const PROCESSES = 4;
const JOBS = 3_000;
const here = fileURLToPath(new URL('.', import.meta.url));

/** The children run plain Node: give them this package's source as one ES module. */
async function bundleStore(): Promise<string> {
  const outDir = join(here, '..', '.tmp');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `store-sqlite-${process.pid}.mjs`);
  await build({
    entryPoints: [join(here, '..', 'src', 'index.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', '@docket/core'],
    logLevel: 'error',
  });
  return outfile;
}

function waitForMessage(child: ChildProcess, expected: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('message', (m) => m === expected && resolve());
    child.once('exit', (code) =>
      reject(new Error(`worker ${child.pid} exited with ${code} before "${expected}"`)),
    );
  });
}

describe('several processes on one SQLite file', () => {
  const file = tempDatabase();
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill();
    file.remove();
    if (storeModule) rmSync(storeModule, { force: true });
  });
  let storeModule: string;
  beforeAll(async () => {
    storeModule = await bundleStore();
  });

  it(`drain ${JOBS} jobs, each completed exactly once`, { timeout: 120_000 }, async () => {
    // The workers migrate the fresh file at the same time.
    for (let i = 0; i < PROCESSES; i++) {
      const out = join(file.path, '..', `worker-${i}.json`);
      children.push(
        fork(join(here, 'fixtures', 'drain-worker.mjs'), [file.path, storeModule, out], {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      );
    }
    await Promise.all(children.map((child) => waitForMessage(child, 'ready')));

    const record = defineTask({ name: 'record', handler: () => null });
    const docket = new Docket({ store: new SqliteStore({ path: file.path }), tasks: [record] });
    await docket.setup();
    for (let start = 0; start < JOBS; start += 500) {
      await docket.enqueueMany(
        Array.from({ length: 500 }, (_, i) => ({ task: record, payload: { n: start + i } })),
      );
    }
    const deadline = Date.now() + 90_000;
    for (;;) {
      const counts = await docket.countJobs();
      const completed = counts.find((c) => c.state === 'completed')?.count ?? 0;
      if (completed === JOBS) break;
      if (Date.now() > deadline)
        throw new Error(`only ${completed} of ${JOBS} completed: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const exits = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of children) child.send('stop');
    expect(await Promise.all(exits)).toEqual(children.map(() => 0));

    const perProcess = children.map((_, i) =>
      JSON.parse(readFileSync(join(file.path, '..', `worker-${i}.json`), 'utf8')),
    ) as string[][];
    const all = perProcess.flat();
    expect(all).toHaveLength(JOBS);
    expect(new Set(all).size).toBe(JOBS);
    expect(perProcess.filter((ids) => ids.length > 0).length).toBeGreaterThanOrEqual(2);

    let checked = 0;
    let cursor: string | undefined;
    do {
      const page = await docket.listJobs({ limit: 500, state: 'completed', cursor });
      for (const job of page.jobs) {
        const n = (job.payload as { n: number }).n;
        expect(job.attempts, `attempts of job ${n}`).toBe(n % 10 === 0 ? 2 : 1);
        checked++;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(checked).toBe(JOBS);
    await docket.close();
  });
});
