import type { Engine } from '../engine.js';
import type { Logger } from '../logger.js';
import type { HandlerContext, JobInfo } from '../task.js';
import { assertNumber, storableText } from '../validate.js';

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

export interface HandlerContextParts {
  engine: Engine;
  job: JobInfo;
  /** The signal is read from the run only when the handler reads `ctx.signal`. */
  run: { readonly signal: AbortSignal };
  heartbeat: () => Promise<void>;
}

/** The context of one attempt, and a way to read what it requested. */
export function createHandlerContext(parts: HandlerContextParts): {
  ctx: HandlerContext;
  request: () => HandlerRequest | null;
} {
  let request: HandlerRequest | null = null;
  let logger: Logger | null = null;
  const ctx: HandlerContext = {
    job: parts.job,
    // Both built on first use: most handlers read neither (see the worker README's performance notes).
    get signal() {
      return parts.run.signal;
    },
    get logger() {
      logger ??= jobLogger(parts.engine.logger, parts.job);
      return logger;
    },
    async enqueue(task, payload, options) {
      const { id, duplicate } = await parts.engine.enqueue(task, payload, options);
      return { id, duplicate };
    },
    heartbeat: parts.heartbeat,
    snooze(ms: number): never {
      assertNumber('ctx.snooze(ms)', ms, { min: 0 });
      request ??= { type: 'snooze', ms: Math.round(ms) };
      throw new HandlerSignal(request);
    },
    cancel(reason?: string): never {
      request ??= {
        type: 'cancel',
        reason: reason === undefined ? 'cancelled by its handler' : storableText(String(reason)),
      };
      throw new HandlerSignal(request);
    },
  };
  return { ctx, request: () => request };
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
