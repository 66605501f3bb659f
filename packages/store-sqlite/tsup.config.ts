import { defineConfig } from 'tsup';
import { base } from '../../tsup.base';

// shims: the checkpoint thread resolves better-sqlite3 from `import.meta.url`, in the CJS build too.
export default defineConfig({ ...base, entry: ['src/index.ts'], shims: true });
