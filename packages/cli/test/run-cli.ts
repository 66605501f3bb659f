import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/index.js';

/** What one `main` run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `docket <argv>` in-process with captured output. */
export async function run(
  argv: string[],
  env: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    signal,
  });
  return { code, stdout, stderr };
}

/** A temp directory for one test's SQLite file. */
export function tempStore(): { url: string; path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'docket-cli-'));
  const path = join(dir, 'jobs.db');
  return { url: `sqlite:${path}`, path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
