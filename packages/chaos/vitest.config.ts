import { defineConfig } from 'vitest/config';

// Tests and child processes both run the built dist of core and the stores (`npx turbo run build`
// first; in CI the test task runs after ^build), so one copy of core's classes is shared.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // `npm run soak` (DOCKET_SOAK=1) runs the large sizes: give each scenario up to 30 minutes.
    testTimeout: process.env.DOCKET_SOAK === '1' ? 1_800_000 : 120_000,
    hookTimeout: 60_000,
    // Two cores: files run one at a time so timing-sensitive scenarios are not starved by each other.
    fileParallelism: false,
  },
});
