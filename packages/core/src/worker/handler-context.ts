import type { Engine } from '../engine.js';
import type { Logger } from '../logger.js';
import type { HandlerContext, JobInfo } from '../task.js';
import { assertNumber, storableText } from '../validate.js';
import type { JobInfoSource } from './job-info.js';

/** What the handler asked for through its context, instead of returning or throwing. */
export type HandlerRequest = { type: 'snooze'; ms: number } | { type: 'cancel'; reason: string };

/**
 * Thrown by `ctx.snooze()` and `ctx.cancel()` to end the handler. The worker
 * reads the request from the context, so a handler that catches this signal
 * by accident still gets its snooze or cancel.
 */
export class HandlerSignal extends Error {
  constructor(readonly request: HandlerRequest) {
    super(request.type === 'snooze' ? `snoozed for ${request.ms} ms` : `cancelled: ${request.reason}`);
    this.name = 'HandlerSignal';
  }
}

/** The attempt a context belongs to. */
export interface ContextSource extends JobInfoSource {
  readonly engine: Engine;
  readonly signal: AbortSignal;
  /** Renews the attempt's lease now; throws `LeaseLostError` once it is lost. */
  beat(): Promise<void>;
}

type Enqueue = HandlerContext['enqueue'];

/** What a context builds on first use: most handlers use none of it. */
interface Extras {
  logger: Logger | null;
  heartbeat: (() => Promise<void>) | null;
  enqueue: Enqueue | null;
  snooze: ((ms: number) => never) | null;
  cancel: ((reason?: string) => never) | null;
}

/**
 * The context of one attempt. A class: its accessors live on the prototype, so
 * a context costs one small object per job (an object literal with getters
 * and closures was 10% of the worker's CPU), with two hidden fields: the
 * attempt, and what is built on first use (`job`, `signal`, `logger`, and the
 * methods, bound on first read so `const { snooze } = ctx` still works).
 */
export class JobContext implements HandlerContext {
  /** What the handler asked for (snooze, cancel), read by the worker once it ends. */
  requested: HandlerRequest | null = null;
  readonly #attempt: ContextSource;
  #extras: Extras | null = null;

  constructor(attempt: ContextSource) {
    this.#attempt = attempt;
  }

  get job(): JobInfo {
    return this.#attempt.info;
  }

  get signal(): AbortSignal {
    return this.#attempt.signal;
  }

  get logger(): Logger {
    const extras = this.#built();
    extras.logger ??= jobLogger(this.#attempt.engine.logger, this.#attempt.info);
    return extras.logger;
  }

  get heartbeat(): () => Promise<void> {
    const attempt = this.#attempt;
    const extras = this.#built();
    extras.heartbeat ??= () => attempt.beat();
    return extras.heartbeat;
  }

  get enqueue(): Enqueue {
    const { engine } = this.#attempt;
    const extras = this.#built();
    extras.enqueue ??= async (task, payload, options) => {
      const { id, duplicate } = await engine.enqueue(task, payload, options);
      return { id, duplicate };
    };
    return extras.enqueue;
  }

  get snooze(): (ms: number) => never {
    const extras = this.#built();
    extras.snooze ??= (ms: number): never => {
      assertNumber('ctx.snooze(ms)', ms, { min: 0 });
      this.requested ??= { type: 'snooze', ms: Math.round(ms) };
      throw new HandlerSignal(this.requested);
    };
    return extras.snooze;
  }

  get cancel(): (reason?: string) => never {
    const extras = this.#built();
    extras.cancel ??= (reason?: string): never => {
      this.requested ??= {
        type: 'cancel',
        reason: reason === undefined ? 'cancelled by its handler' : storableText(String(reason)),
      };
      throw new HandlerSignal(this.requested);
    };
    return extras.cancel;
  }

  #built(): Extras {
    this.#extras ??= { logger: null, heartbeat: null, enqueue: null, snooze: null, cancel: null };
    return this.#extras;
  }
}

/** A logger that adds the job's id, task and attempt to every line. */
export function jobLogger(logger: Logger, job: JobInfo): Logger {
  const base = { jobId: job.id, task: job.task, queue: job.queue, attempt: job.attempt };
  return {
    debug: (fields, message) => logger.debug({ ...base, ...fields }, message),
    info: (fields, message) => logger.info({ ...base, ...fields }, message),
    warn: (fields, message) => logger.warn({ ...base, ...fields }, message),
    error: (fields, message) => logger.error({ ...base, ...fields }, message),
  };
}
