import { TimeoutError } from '../errors.js';

/** How one handler call ended, as far as the worker is concerned. */
export type Settlement =
  | { kind: 'returned'; value: unknown }
  | { kind: 'threw'; error: unknown }
  /** The task's timeout elapsed first; the handler's signal was aborted with the `TimeoutError`. */
  | { kind: 'timedOut'; error: TimeoutError }
  /** The worker stopped waiting (shutdown deadline); whatever the handler does later is ignored. */
  | { kind: 'abandoned' };

/** setTimeout fires at once above this; a longer timeout is no timeout. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Calls `handler` and settles with its outcome, its timeout or `abandon`,
 * whichever comes first. A handler cannot be killed: at its timeout it is
 * told through `controller.signal`, and the worker moves on without it.
 */
export function runWithTimeout(
  handler: () => unknown,
  options: {
    timeoutMs: number | undefined;
    /** Fired with the `TimeoutError` at the timeout (an `AbortController` or a `JobRun`). */
    controller: { abort(reason?: unknown): void };
    /** When the worker stops waiting: a promise, or a `JobRun` (a callback, no promise per job). */
    abandon: Promise<void> | { onAbandoned(listener: () => void): void };
  },
): Promise<Settlement> {
  return new Promise<Settlement>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const finish = (settlement: Settlement) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      resolve(settlement);
    };
    const { timeoutMs, controller } = options;
    if (timeoutMs !== undefined && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS) {
      timer = setTimeout(() => {
        const error = new TimeoutError(timeoutMs);
        controller.abort(error);
        finish({ kind: 'timedOut', error });
      }, timeoutMs);
    }
    const onAbandoned = () => finish({ kind: 'abandoned' });
    const { abandon } = options;
    if ('onAbandoned' in abandon) abandon.onAbandoned(onAbandoned);
    else abandon.then(onAbandoned);
    try {
      Promise.resolve(handler()).then(
        (value) => finish({ kind: 'returned', value }),
        (error: unknown) => finish({ kind: 'threw', error }),
      );
    } catch (error) {
      finish({ kind: 'threw', error });
    }
  });
}
