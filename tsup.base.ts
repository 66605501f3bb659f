import type { Options } from 'tsup';

/** Shared build settings: every package ships ESM + CJS + declarations. */
export const base: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
};
