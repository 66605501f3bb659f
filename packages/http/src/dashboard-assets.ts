import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A static file of the dashboard. */
export interface DashboardAsset {
  type: string;
  body: Buffer | string;
}

/** The dashboard's files by URL path relative to its root (`/index.html`, `/assets/app.js`). */
export type DashboardAssets = Map<string, DashboardAsset>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.isFile() ? [path] : [];
    }),
  );
  return files.flat();
}

/**
 * Loads every file under `dir` into memory (the build is small and fixed, so
 * serving never touches the disk and no request path reaches the file
 * system). Returns an empty map when the directory does not exist.
 */
export async function loadDashboardDir(dir: string): Promise<DashboardAssets> {
  const assets: DashboardAssets = new Map();
  const found = await stat(dir).catch(() => null);
  if (!found?.isDirectory()) return assets;
  for (const file of await walk(dir)) {
    const path = `/${relative(dir, file).split(sep).join('/')}`;
    assets.set(path, {
      type: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      body: await readFile(file),
    });
  }
  return assets;
}

/**
 * This package's `dist/dashboard/`, where the dashboard build puts its files,
 * found from this module as it runs: bundled in `dist/` (ESM, or CJS where
 * tsup's shim provides `import.meta.url`) or as source in `src/` under vitest.
 */
export function builtDashboardDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return /[\\/]src$/.test(here) ? join(here, '..', 'dist', 'dashboard') : join(here, 'dashboard');
}

/** The dashboard files built into this package (an empty map when it was not built). */
export function loadBuiltDashboard(): Promise<DashboardAssets> {
  return loadDashboardDir(builtDashboardDir());
}

/** Served at `/` when the dashboard was not built: static text, no data. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>docket</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>docket</h1>
<p>The dashboard is not built in this installation of <code>@docket/http</code>.
Build the package (<code>npm run build -w @docket/http</code>) to bundle it.</p>
<p>The JSON API is served under <code>api/</code>; its OpenAPI document is at <code>api/openapi.json</code>.</p>
</body></html>
`;
