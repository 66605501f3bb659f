import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The self-tests check the suite's sources, not a build: no build race, and one copy of core's
    // classes shared by the suite, the memory store and the tests.
    alias: {
      '@docket/conformance': here('../conformance/src/index.ts'),
      '@docket/store-memory': here('../store-memory/src/index.ts'),
      '@docket/core': here('../core/src/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
