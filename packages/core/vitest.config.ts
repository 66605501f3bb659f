import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Test-only: core's tests run the Docket on the reference memory store, from source. Core must not
    // depend on a store package (the store depends on core: a workspace cycle), so the store is not in
    // package.json; and the store's own `@docket/core` import is pointed at these sources, so both sides
    // share one copy of the classes (instanceof on errors) and no build is needed before testing.
    alias: {
      '@docket/store-memory': here('../store-memory/src/index.ts'),
      '@docket/core': here('./src/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
  },
});
