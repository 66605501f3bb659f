/** `DOCKET_SOAK=1` (set by `npm run soak`) scales every scenario up to its soak size. */
export const SOAK = process.env.DOCKET_SOAK === '1';

/** The bounded size under `npm test`, the large one under `npm run soak`. */
export function size(bounded: number, soak: number): number {
  return SOAK ? soak : bounded;
}
