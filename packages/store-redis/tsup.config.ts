import { defineConfig } from 'tsup';
import { base } from '../../tsup.base';

// The Lua scripts are inlined as text into both the ESM and the CJS output.
export default defineConfig({ ...base, entry: ['src/index.ts'], loader: { '.lua': 'text' } });
