import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run on the sources of core and the conformance suite, so they need no build first and every
    // module shares one copy of core's classes (instanceof on errors).
    alias: {
      '@docket/core': here('../core/src/index.ts'),
      '@docket/conformance': here('../conformance/src/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
  },
});
