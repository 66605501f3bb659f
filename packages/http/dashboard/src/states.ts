/** Job states in lifecycle order, as columns and filter options. */
export const STATES = [
  'waiting',
  'scheduled',
  'ready',
  'active',
  'retrying',
  'completed',
  'failed',
  'cancelled',
] as const;

export type State = (typeof STATES)[number];
