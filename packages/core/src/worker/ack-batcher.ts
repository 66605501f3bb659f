import type { Clock } from '../clock.js';
import type { Ack, Storage } from '../storage.js';
import { errorBackoff } from './background-loop.js';
import { WakeSignal } from './wake-signal.js';

/** Told how one ack ended; the worker's per-job object implements it (no promise per ack). */
export interface AckReceiver {
  /** `true` once applied, `false` if the store rejected it as stale. */
  acked(applied: boolean): void;
  /** It could not be delivered before `close()`. */
  ackFailed(error: unknown): void;
}

/** Adapts a receiver to the promise `push()` returns. */
class PromiseReceiver implements AckReceiver {
  constructor(
    readonly resolve: (applied: boolean) => void,
    readonly reject: (error: unknown) => void,
  ) {}
  acked(applied: boolean): void {
    this.resolve(applied);
  }
  ackFailed(error: unknown): void {
    this.reject(error);
  }
}

export interface AckBatcherOptions {
  /** Most acks in one `acknowledge` call; a full batch is sent at once. */
  maxBatch: number;
  /** Reports a failed `acknowledge` call (it is retried). */
  report: (error: unknown) => void;
  /** Attempts per batch once closing; until then a batch is retried until the store answers. */
  attemptsWhenClosing?: number;
  /** First pause before retrying a refused batch; doubles up to 60 s. */
  retryBaseMs: number;
}

/**
 * Collects the acknowledgements of finished jobs and sends them together:
 * on the next turn of the event loop, or at once when a batch is full. One
 * call is in flight at a time, so acks that arrive meanwhile form the next
 * batch (group commit).
 *
 * A batch the store could not take is retried with a growing pause (the jobs
 * stay leased and heartbeated meanwhile); after `close()` it is tried a few
 * more times and then given up: those jobs come back when their leases expire.
 */
export class AckBatcher {
  /** Queued acks and, at the same index, who to tell how each ended (two arrays: no object per ack). */
  private acks: Ack[] = [];
  private receivers: AckReceiver[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private closing = false;
  private readonly retrySignal = new WakeSignal();

  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
    private readonly options: AckBatcherOptions,
  ) {}

  /** Acks waiting to be applied, including the batch in flight. */
  get pending(): number {
    return this.acks.length + (this.flushing ? 1 : 0);
  }

  /**
   * Queues one ack. Resolves `true` once applied, `false` if the store
   * rejected it as stale; rejects if it could not be delivered before `close()`.
   */
  push(ack: Ack): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.send(ack, new PromiseReceiver(resolve, reject));
    });
  }

  /** Queues one ack and tells `receiver` how it ended (the hot path: no promise per ack). */
  send(ack: Ack, receiver: AckReceiver): void {
    this.acks.push(ack);
    this.receivers.push(receiver);
    if (this.acks.length >= this.options.maxBatch) this.startFlush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onImmediate);
    }
  }

  private readonly onImmediate = (): void => {
    this.scheduled = false;
    this.startFlush();
  };

  /** Sends everything queued now and waits for it. */
  async flush(): Promise<void> {
    while (this.acks.length > 0 || this.flushing) {
      this.startFlush();
      await this.flushing;
    }
  }

  /** From now on, a batch the store refuses is retried a few times only (shutdown must end). */
  limitRetries(): void {
    this.closing = true;
    this.retrySignal.wake();
  }

  /** Flushes with a bounded number of attempts per batch. Idempotent. */
  async close(): Promise<void> {
    this.limitRetries();
    await this.flush();
  }

  private startFlush(): void {
    if (this.flushing || this.acks.length === 0) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
      // What arrived during the last call goes on the next turn, with whatever else that turn adds.
      if (this.acks.length > 0 && !this.scheduled) {
        this.scheduled = true;
        setImmediate(this.onImmediate);
      }
    });
  }

  private async drain(): Promise<void> {
    const { maxBatch } = this.options;
    while (this.acks.length > 0) {
      let acks: Ack[];
      let receivers: AckReceiver[];
      if (this.acks.length <= maxBatch) {
        acks = this.acks;
        receivers = this.receivers;
        this.acks = [];
        this.receivers = [];
      } else {
        acks = this.acks.splice(0, maxBatch);
        receivers = this.receivers.splice(0, maxBatch);
      }
      await this.deliver(acks, receivers);
      // A store that answers within the same turn (memory) would otherwise get many tiny batches.
      if (this.acks.length < maxBatch) return;
    }
  }

  private async deliver(acks: Ack[], receivers: AckReceiver[]): Promise<void> {
    const attemptsWhenClosing = this.options.attemptsWhenClosing ?? 3;
    let failuresWhileClosing = 0;
    for (let failures = 1; ; failures++) {
      try {
        const results = await this.store.acknowledge({ acks, now: this.clock.now() });
        for (let i = 0; i < receivers.length; i++) {
          try {
            receivers[i]!.acked(results[i] === true);
          } catch (error) {
            this.options.report(error);
          }
        }
        return;
      } catch (error) {
        this.options.report(error);
        if (this.closing && ++failuresWhileClosing >= attemptsWhenClosing) {
          for (const receiver of receivers) receiver.ackFailed(error);
          return;
        }
        await this.retrySignal.sleep(
          this.closing ? 100 * failuresWhileClosing : errorBackoff(failures, this.options.retryBaseMs),
        );
      }
    }
  }
}
