import type { Clock } from '../clock.js';
import { StoreError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Storage } from '../storage.js';

/** How often the offset to the store's clock is measured again. */
export const CLOCK_REFRESH_MS = 5 * 60 * 1000;
/** Round trips measured at start; the fastest one is kept (its midpoint is the most precise). */
const START_SAMPLES = 3;

export interface ServerClockOptions {
  refreshMs?: number;
  /** The local clock to correct; `Date.now` unless testing. */
  local?: () => number;
}

/**
 * The default clock (rule 5): the local clock plus the offset to the store
 * server's time, so processes with skewed system clocks still agree on delays,
 * leases and schedules. The offset is estimated from the midpoint of a
 * `serverTime()` round trip, at `start()` and every `refreshMs` after.
 * Until `start()` has measured, the offset is 0.
 */
export class ServerClock implements Clock {
  #offset = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #started: Promise<void> | undefined;
  #stopped = false;
  readonly #refreshMs: number;
  readonly #local: () => number;

  constructor(
    private readonly store: Pick<Storage, 'serverTime'>,
    private readonly logger: Logger,
    options: ServerClockOptions = {},
  ) {
    this.#refreshMs = options.refreshMs ?? CLOCK_REFRESH_MS;
    this.#local = options.local ?? Date.now;
  }

  now(): number {
    return Math.round(this.#local() + this.#offset);
  }

  /** Server time minus local time, in ms, as last measured. */
  get offset(): number {
    return this.#offset;
  }

  /**
   * Measures the offset and starts the refresh timer. Concurrent and repeated
   * calls share the first measurement; a failed one is retried by the next call.
   */
  start(): Promise<void> {
    if (!this.#started) {
      this.#started = this.#measure(START_SAMPLES).then(
        () => {
          if (!this.#stopped && !this.#timer) {
            this.#timer = setInterval(() => void this.#refresh(), this.#refreshMs);
            // The refresh must never keep a process alive on its own.
            this.#timer.unref?.();
          }
        },
        (error: unknown) => {
          this.#started = undefined;
          throw error;
        },
      );
    }
    return this.#started;
  }

  /** Stops refreshing for good; the last offset stays in use. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #refresh(): Promise<void> {
    try {
      await this.#measure(1);
    } catch (error) {
      this.logger.warn({ error }, 'Could not refresh the offset to the store clock; keeping the last one');
    }
  }

  async #measure(samples: number): Promise<void> {
    let best: { rtt: number; offset: number } | undefined;
    for (let i = 0; i < samples; i++) {
      const sent = this.#local();
      const server = await this.store.serverTime();
      if (typeof server !== 'number' || !Number.isFinite(server)) {
        throw new StoreError('serverTime', new TypeError(`expected epoch ms, got ${String(server)}`));
      }
      const received = this.#local();
      const rtt = received - sent;
      if (!best || rtt < best.rtt) best = { rtt, offset: server - (sent + received) / 2 };
    }
    if (best) this.#offset = best.offset;
  }
}
