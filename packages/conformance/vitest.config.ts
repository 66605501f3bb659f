import { defineConfig } from 'vitest/config';

// The suite's own tests live in packages/conformance-selftest (they need the memory store).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    passWithNoTests: true,
  },
});
