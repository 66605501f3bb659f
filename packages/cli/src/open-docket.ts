import { existsSync } from 'node:fs';
import {
  createStore,
  Docket,
  DocketError,
  ErrorCode,
  resolveStoreUrl,
  silentLogger,
  type TaskDefinition,
} from '@docket/core';
import { CliError, ExitCode, usageError } from './cli-error.js';

/** How long the first store call may take before the store counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The URL with any password hidden, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/:]*):[^@/]*@/, '//$1:***@');
}

/** Options of {@link openDocket}. */
export interface OpenOptions {
  tasks?: TaskDefinition<any, any>[];
  /** `migrate` may create the SQLite file; every other command refuses a missing one. */
  creates?: boolean;
  connectTimeoutMs?: number;
}

function storeError(url: string, error: unknown): CliError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError(ExitCode.STORE, `Cannot use the store ${redactUrl(url)}: ${reason}`, { cause: error });
}

/**
 * Opens a `Docket` on the store at `url` and makes one call to prove it
 * answers (`probe`), so a bad URL, a missing store package or an unreachable
 * server is one clear error with exit code 2, not a failure half-way through
 * a command.
 */
export async function openDocket(
  url: string | undefined,
  probe: (docket: Docket) => Promise<unknown>,
  options: OpenOptions = {},
): Promise<Docket> {
  if (!url) throw usageError('No store: pass --store <url> or set DOCKET_STORE.');
  let target: ReturnType<typeof resolveStoreUrl>;
  try {
    target = resolveStoreUrl(url);
  } catch (error) {
    throw storeError(url, error);
  }
  if (target.packageName === '@docket/store-sqlite' && !options.creates) {
    const path = (target.args[0] as { path: string }).path;
    if (path !== ':memory:' && !existsSync(path)) {
      throw new CliError(
        ExitCode.STORE,
        `Cannot use the store ${url}: there is no database file at ${path}. Run \`docket migrate\` to create one.`,
      );
    }
  }
  let docket: Docket;
  try {
    docket = new Docket({ store: await createStore(url), tasks: options.tasks ?? [], logger: silentLogger });
  } catch (error) {
    throw storeError(url, error);
  }
  const timeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(docket),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    // A closed store after a failed probe: do not wait on a server that does not answer.
    void docket.close({ timeout: 0 }).catch(() => {});
    const failedStore =
      !(error instanceof DocketError) ||
      error.code === ErrorCode.STORE_ERROR ||
      error.code === ErrorCode.STORE_CLOSED ||
      error.code === ErrorCode.STORE_NOT_INSTALLED;
    if (!failedStore) throw error;
    const hint = options.creates ? '' : ' (is the server up, and has `docket migrate` been run?)';
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(ExitCode.STORE, `Cannot use the store ${redactUrl(url)}: ${reason}${hint}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
  return docket;
}
