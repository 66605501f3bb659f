import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Test-only: core and the conformance suite from their sources, so tests need no build of them
    // (no race with a rebuild of their dist) and share one copy of core's classes (instanceof on errors).
    alias: {
      '@docket/conformance': here('../conformance/src/index.ts'),
      '@docket/core': here('../core/src/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
