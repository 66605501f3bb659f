import type { Engine } from '../engine.js';
import { MaintenanceTask } from './background-loop.js';

export interface CleanerOptions {
  intervalMs: number;
  /** Jobs deleted per store call. */
  batchSize: number;
  report: (error: unknown, context: string) => void;
}

/**
 * Deletes finished jobs past their retention (`deleteAt <= now`), in bounded
 * batches with a turn of the event loop between them, so a large backlog
 * never holds the store or the worker for long (rule 10).
 */
export class Cleaner extends MaintenanceTask {
  private stopping = false;

  constructor(
    private readonly engine: Engine,
    private readonly options: CleanerOptions,
  ) {
    super('cleaner', options);
  }

  override stop(): Promise<void> {
    this.stopping = true;
    return super.stop();
  }

  protected async pass(): Promise<number> {
    const { batchSize } = this.options;
    let total = 0;
    for (;;) {
      const deleted = await this.engine.store.deleteExpired({
        now: this.engine.clock.now(),
        limit: batchSize,
      });
      total += deleted;
      if (deleted < batchSize || this.stopping) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) this.engine.logger.debug({ deleted: total }, 'cleaner deleted expired jobs');
    return total;
  }
}
