import { defineConfig } from 'tsup';
import { base } from '../../tsup.base';

export default defineConfig({
  ...base,
  entry: ['src/index.ts'],
  // `shims` gives the CommonJS build an `import.meta.url`, which locates the bundled dashboard files.
  shims: true,
  // dist/dashboard/ holds the dashboard build: cleaning dist/ would delete it.
  clean: false,
});
