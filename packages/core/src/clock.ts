/**
 * The one source of time (rule 5). Every store call that depends on time gets
 * its `now` from here, so tests can drive time without sleeping.
 */
export interface Clock {
  /** Current time in epoch ms. */
  now(): number;
}

/** The local clock, uncorrected. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told; for tests. */
export class ManualClock implements Clock {
  constructor(private time = Date.UTC(2030, 0, 1)) {}
  now(): number {
    return this.time;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): number {
    this.time += ms;
    return this.time;
  }
  set(time: number): void {
    this.time = time;
  }
}
