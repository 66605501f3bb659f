import { defineConfig } from 'tsup';
import { base } from '../../tsup.base';

export default defineConfig([
  { ...base, entry: ['src/index.ts'] },
  // The bin is ESM only (top-level await); `clean` off so it does not wipe the library build.
  { ...base, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
]);
