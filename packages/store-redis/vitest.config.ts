import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    {
      // Same as tsup's `text` loader: a `.lua` import is the file's text.
      name: 'lua-text',
      enforce: 'pre',
      load(id) {
        if (id.endsWith('.lua')) return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
        return undefined;
      },
    },
  ],
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
