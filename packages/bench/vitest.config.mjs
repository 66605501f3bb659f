import { defineConfig } from 'vitest/config';

// Unit tests of the bench's own arithmetic and planning; they never start a store or a peer.
export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
  },
});
