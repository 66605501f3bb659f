// Bundles the dashboard into dist/dashboard (app.js, app.css, index.html).
// Run after tsup, whose `clean` empties dist/:  tsup && node dashboard/build.mjs
// Preact is bundled in: the page loads nothing from any other origin.
// The files are written to a temporary folder then swapped in, so a server
// reading dist/dashboard never sees half a build.
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const outdir = join(dist, 'dashboard');
const staging = join(dist, `.dashboard-${process.pid}`);

await rm(staging, { recursive: true, force: true });
await mkdir(staging, { recursive: true });
try {
  await build({
    entryPoints: { app: join(here, 'src', 'main.tsx') },
    outdir: staging,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  await copyFile(join(here, 'src', 'index.html'), join(staging, 'index.html'));
  await rm(outdir, { recursive: true, force: true });
  await rename(staging, outdir);
} finally {
  await rm(staging, { recursive: true, force: true });
}
