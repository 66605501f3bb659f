import type { Logger } from '@docket/core';
import pg from 'pg';

export interface ListenerOptions {
  /** Connection settings of the dedicated LISTEN connection. */
  connection: pg.ClientConfig;
  channel: string;
  logger: Logger;
  /** Called with the queues named by the notifications of one turn, coalesced. */
  onWake: (queues: string[]) => void;
  /** Called after a reconnect: notifications sent while the connection was down are lost. */
  onReconnect?: () => void;
  /** First reconnect delay; doubles per failure up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The LISTEN side of wake-ups: one dedicated `pg.Client` (not from the pool,
 * which would hand the connection to other queries). When the connection
 * drops it reconnects by itself with exponential backoff and jitter; until
 * then `connected` is false and workers fall back to polling.
 */
export class NotificationListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<string>();
  private flushQueued = false;
  /** Resolves once the first connection attempt settled (connected or failed). */
  private readonly firstAttempt: Promise<void>;
  /** How many times the connection was (re)established; for tests and logs. */
  connects = 0;

  constructor(private readonly options: ListenerOptions) {
    this.firstAttempt = this.connect();
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Waits for the first connection attempt, so a subscriber hears what follows. */
  ready(): Promise<void> {
    return this.firstAttempt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ ...this.options.connection, keepAlive: true });
    let dropped = false;
    const onDrop = (error?: Error) => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) this.client = undefined;
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (this.stopped) return;
      this.options.logger.warn(
        { channel: this.options.channel, error: error?.message },
        'docket postgres listener lost its connection; reconnecting (workers poll meanwhile)',
      );
      this.scheduleReconnect();
    };
    client.on('error', onDrop);
    client.on('end', () => onDrop());
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel || !message.payload) return;
      for (const queue of message.payload.split(',')) this.pending.add(queue);
      if (this.flushQueued) return;
      this.flushQueued = true;
      setImmediate(() => this.flush());
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.options.channel)}`);
    } catch (error) {
      onDrop(error as Error);
      return;
    }
    if (dropped) return;
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.failures = 0;
    this.connects++;
    if (this.connects > 1) {
      this.options.logger.info({ channel: this.options.channel }, 'docket postgres listener reconnected');
      this.options.onReconnect?.();
    }
  }

  private scheduleReconnect(): void {
    const min = this.options.minBackoffMs ?? 100;
    const max = this.options.maxBackoffMs ?? 5_000;
    const delay = Math.min(max, min * 2 ** this.failures) * (0.8 + Math.random() * 0.4);
    this.failures++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref?.();
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending.size === 0) return;
    const queues = [...this.pending];
    this.pending.clear();
    this.options.onWake(queues);
  }
}
