import type { DocketEventName, DocketEvents, DocketListener } from '../events.js';
import type { Logger } from '../logger.js';

/**
 * Typed listeners of a `Docket`. `emit` never throws: a listener that throws
 * (or rejects) is logged, and an `error` event is emitted for it unless the
 * failing listener was itself an `error` listener (no loops).
 */
export class EventBus {
  readonly #listeners = new Map<DocketEventName, Set<DocketListener<any>>>();
  /**
   * Per event, the listeners as an array, made at the first emit after a change:
   * a listener that adds or removes listeners must not change who gets the event
   * being emitted, and copying the set at every emit was an array per completed job.
   */
  readonly #snapshots = new Map<DocketEventName, DocketListener<any>[]>();
  /** Per event, the wrapper `once` registered for each listener, so `off` can find it. */
  readonly #onceWrappers = new Map<DocketEventName, Map<DocketListener<any>, DocketListener<any>>>();

  constructor(private readonly logger: Logger) {}

  on<E extends DocketEventName>(event: E, listener: DocketListener<E>): void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    this.#snapshots.delete(event);
  }

  /** Adds a listener removed after its first call. */
  once<E extends DocketEventName>(event: E, listener: DocketListener<E>): void {
    let wrappers = this.#onceWrappers.get(event);
    if (!wrappers) {
      wrappers = new Map();
      this.#onceWrappers.set(event, wrappers);
    }
    if (wrappers.has(listener)) return;
    const wrapped: DocketListener<E> = (payload) => {
      this.off(event, listener);
      listener(payload);
    };
    wrappers.set(listener, wrapped);
    this.on(event, wrapped);
  }

  /** Removes a listener added with `on` or `once`. */
  off<E extends DocketEventName>(event: E, listener: DocketListener<E>): void {
    this.#snapshots.delete(event);
    this.#listeners.get(event)?.delete(listener);
    const wrapped = this.#onceWrappers.get(event)?.get(listener);
    if (wrapped) {
      this.#onceWrappers.get(event)!.delete(listener);
      this.#listeners.get(event)?.delete(wrapped);
    }
  }

  /** Number of listeners of `event`. */
  count(event: DocketEventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  emit<E extends DocketEventName>(event: E, payload: DocketEvents[E]): void {
    let listeners = this.#snapshots.get(event);
    if (!listeners) {
      const set = this.#listeners.get(event);
      if (!set || set.size === 0) return;
      listeners = [...set];
      this.#snapshots.set(event, listeners);
    }
    for (const listener of listeners) {
      try {
        const returned = (listener as (p: unknown) => unknown)(payload);
        if (returned instanceof Promise) returned.catch((error) => this.#failed(event, error));
      } catch (error) {
        this.#failed(event, error);
      }
    }
  }

  #failed(event: DocketEventName, error: unknown): void {
    this.logger.error({ error, event }, `A "${event}" listener threw`);
    if (event !== 'error') this.emit('error', { error, context: `"${event}" listener` });
  }
}
