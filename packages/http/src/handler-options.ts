import { InvalidOptionError } from '@docket/core';
import type { DashboardAssets } from './dashboard-assets.js';

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /**
   * Required, with no default: `{ token }` makes every `/api` request carry
   * `Authorization: Bearer <token>`; `{ none: true }` serves the API to anyone
   * who can reach it (local use only).
   */
  auth: { token: string } | { none: true };
  /** Refuse every mutating route with 403. Default `false`. */
  readOnly?: boolean;
  /** Path prefix the handler serves under, e.g. `/docket`. Default `''`. */
  basePath?: string;
  /** Serve the web dashboard at the base path. Default `true`. */
  dashboard?: boolean;
  /** How long queue counts are cached, in ms. Default 2000; 0 disables the cache. */
  countsCacheMs?: number;
  /** The largest request body accepted, in bytes (413 above). Default 2 MiB. */
  maxBodyBytes?: number;
  /** Loads the dashboard's files. Default: the files built into this package's `dist/dashboard/`. */
  dashboardAssets?: () => Promise<DashboardAssets>;
}

/** Options with every default applied. */
export interface ResolvedHandlerOptions {
  token: string | null;
  readOnly: boolean;
  basePath: string;
  dashboard: boolean;
  countsCacheMs: number;
  maxBodyBytes: number;
  dashboardAssets: (() => Promise<DashboardAssets>) | undefined;
}

const KEYS = new Set([
  'auth',
  'readOnly',
  'basePath',
  'dashboard',
  'countsCacheMs',
  'maxBodyBytes',
  'dashboardAssets',
]);

const fail = (message: string): never => {
  throw new InvalidOptionError(`createHandler: ${message}`);
};

function resolveAuth(auth: unknown): string | null {
  if (typeof auth !== 'object' || auth === null) {
    return fail(
      'options.auth is required: pass { token } to require a bearer token, or { none: true } to serve without authentication (local use only).',
    );
  }
  const { token, none } = auth as { token?: unknown; none?: unknown };
  if (token !== undefined && none !== undefined)
    return fail('options.auth takes either token or none, not both.');
  if (none !== undefined) {
    if (none !== true) return fail('options.auth.none must be true.');
    return null;
  }
  if (typeof token !== 'string' || token.trim() === '' || /\s/.test(token)) {
    return fail('options.auth.token must be a non-empty string without whitespace.');
  }
  return token;
}

function nonNegative(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return fail(`options.${name} must be a number ≥ 0, got ${String(value)}.`);
  }
  return value;
}

/** @throws InvalidOptionError for a missing `auth` or any bad option. */
export function resolveHandlerOptions(options: HandlerOptions): ResolvedHandlerOptions {
  if (typeof options !== 'object' || options === null) {
    return fail('options are required, at least { auth: { token } } or { auth: { none: true } }.');
  }
  for (const key of Object.keys(options)) if (!KEYS.has(key)) fail(`unknown option "${key}".`);
  const token = resolveAuth(options.auth);
  const basePath = options.basePath ?? '';
  if (typeof basePath !== 'string' || (basePath !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath))) {
    fail(
      `options.basePath must be '' or a path like "/docket" (no trailing slash), got ${JSON.stringify(basePath)}.`,
    );
  }
  for (const flag of ['readOnly', 'dashboard'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean')
      fail(`options.${flag} must be a boolean.`);
  }
  const maxBodyBytes = nonNegative('maxBodyBytes', options.maxBodyBytes, 2 * 1024 * 1024);
  if (maxBodyBytes < 1) fail('options.maxBodyBytes must be at least 1.');
  if (options.dashboardAssets !== undefined && typeof options.dashboardAssets !== 'function') {
    fail('options.dashboardAssets must be a function returning the assets.');
  }
  return {
    token,
    readOnly: options.readOnly ?? false,
    basePath,
    dashboard: options.dashboard ?? true,
    countsCacheMs: nonNegative('countsCacheMs', options.countsCacheMs, 2000),
    maxBodyBytes,
    dashboardAssets: options.dashboardAssets,
  };
}
