/** `.lua` files are imported as text: tsup's `text` loader in the build, a vitest plugin in tests. */
declare module '*.lua' {
  const text: string;
  export default text;
}
