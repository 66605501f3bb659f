import type { Clock } from './clock.js';
import type { DocketEventName, DocketEvents } from './events.js';
import type { EnqueueOutcome, NewJob } from './job.js';
import type { Logger } from './logger.js';
import type { Storage } from './storage.js';
import type { EnqueueOptions, TaskDefinition } from './task.js';

/**
 * What a `Docket` shares with its workers, scheduler and cleaner. Internal:
 * built by `Docket`, consumed by `Worker`; not part of the public API.
 */
export interface Engine {
  /** The store, wrapped by the runtime decorator (setup once, STORE_CLOSED, typed errors). */
  readonly store: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The limit on a payload's or a result's JSON text, in bytes. */
  readonly maxPayloadBytes: number;
  /**
   * The queues of the registered tasks, in registration order (`['default']`
   * when none): what a worker serves when it is not told.
   */
  queues(): string[];
  /** The task registered under `name`, if any. */
  task(name: string): TaskDefinition<any, any> | undefined;
  /**
   * Validates and normalises one job exactly as `docket.enqueue` does (names,
   * schema, JSON, size, options, retention, id) without writing it.
   * Throws the typed errors of `errors.ts`.
   */
  prepareJob(
    task: TaskDefinition<any, any> | string,
    payload: unknown,
    options?: EnqueueOptions,
  ): Promise<NewJob>;
  /** `docket.enqueue`, for handlers' `ctx.enqueue`. */
  enqueue(
    task: TaskDefinition<any, any> | string,
    payload: unknown,
    options?: EnqueueOptions,
  ): Promise<EnqueueOutcome>;
  /** Emits a typed event; a listener that throws is caught and logged, never rethrown. */
  emit<E extends DocketEventName>(event: E, payload: DocketEvents[E]): void;
  /** Whether `event` has a listener: lets a worker skip building a payload nobody reads. */
  listens(event: DocketEventName): boolean;
}
