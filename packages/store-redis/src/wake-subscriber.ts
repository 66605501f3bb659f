import type { Unsubscribe, WakeListener } from '@docket/core';
import type { Cluster, Redis } from 'ioredis';

/**
 * Listens on the namespace's `wake` channel with one dedicated connection
 * (a duplicate of the store's client), opened on the first `subscribe`.
 * ioredis reconnects and re-subscribes by itself. Messages are coalesced: the
 * listeners are called once per macrotask with the union of woken queues.
 */
export class WakeSubscriber {
  private readonly listeners = new Set<WakeListener>();
  private connection: Redis | Cluster | undefined;
  private opening: Promise<void> | undefined;
  private pending = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly client: Redis | Cluster,
    private readonly channel: string,
  ) {}

  async add(listener: WakeListener): Promise<Unsubscribe> {
    this.listeners.add(listener);
    await this.open();
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const connection = this.connection;
    this.connection = undefined;
    this.opening = undefined;
    if (connection) {
      try {
        await connection.quit();
      } catch {
        connection.disconnect();
      }
    }
  }

  private open(): Promise<void> {
    if (!this.opening) {
      const connection = this.client.duplicate();
      this.connection = connection;
      // ioredis emits 'error' on connection trouble and reconnects; without a listener Node would crash.
      connection.on('error', () => {});
      connection.on('message', (_channel: string, message: string) => this.receive(message));
      this.opening = connection.subscribe(this.channel).then(
        () => undefined,
        (error: unknown) => {
          // Not subscribed, so ioredis would not re-subscribe after a reconnect: drop it, retry next time.
          if (this.connection === connection) this.connection = undefined;
          this.opening = undefined;
          connection.disconnect();
          throw error;
        },
      );
    }
    return this.opening;
  }

  private receive(message: string): void {
    for (const queue of message.split(',')) if (queue) this.pending.add(queue);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const queues = [...this.pending];
      this.pending = new Set();
      if (queues.length === 0) return;
      for (const listener of this.listeners) {
        try {
          listener(queues);
        } catch {
          // A listener's failure must not stop the others; the dispatcher still polls.
        }
      }
    });
  }
}
