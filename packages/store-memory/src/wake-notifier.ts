import type { Unsubscribe, WakeListener } from '@docket/core';

/**
 * Delivers wake-up hints to subscribers, coalesced per turn: the queues
 * collected during one store call reach each listener once, in a microtask
 * after the call's writes are done, so a listener may call back into the
 * store. A listener that throws or rejects is ignored: hints never break
 * the store.
 */
export class WakeNotifier {
  private readonly listeners = new Set<WakeListener>();
  private readonly pending = new Set<string>();
  private flushQueued = false;

  subscribe(listener: WakeListener): Unsubscribe {
    // A wrapper, so the same function subscribed twice is two subscriptions.
    const entry: WakeListener = (queues) => listener(queues);
    this.listeners.add(entry);
    return async () => {
      this.listeners.delete(entry);
    };
  }

  notify(queue: string): void {
    if (this.listeners.size === 0) return;
    this.pending.add(queue);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  clear(): void {
    this.listeners.clear();
    this.pending.clear();
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending.size === 0) return;
    const queues = [...this.pending];
    this.pending.clear();
    for (const listener of [...this.listeners]) {
      try {
        const returned: unknown = listener([...queues]);
        if (returned instanceof Promise) returned.catch(() => {});
      } catch {
        // A hint's listener failing is the listener's problem, not the store's.
      }
    }
  }
}
