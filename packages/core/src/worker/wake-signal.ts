/**
 * A sleep that ends early when woken. A wake that arrives while nobody sleeps
 * is remembered, so a notification between "found nothing" and "go to sleep"
 * is never lost.
 */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | null = null;

  /** Ends the current sleep, or the next one if none is running. */
  wake(): void {
    this.pending = true;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** Forgets a remembered wake; called right before looking for work. */
  reset(): void {
    this.pending = false;
  }

  /** Sleeps up to `ms` (real time); resolves `true` if woken, `false` on timeout. */
  sleep(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      // Above 2^31-1 ms setTimeout fires at once; such a sleep is "until woken" anyway.
      const timer =
        Number.isFinite(ms) && ms < 2_147_483_647
          ? setTimeout(
              () => {
                this.waiter = null;
                resolve(false);
              },
              Math.max(0, ms),
            )
          : null;
      this.waiter = () => {
        if (timer) clearTimeout(timer);
        this.pending = false;
        resolve(true);
      };
    });
  }
}
