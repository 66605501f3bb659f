import { toJobInfo } from '../client/job-view.js';
import type { Engine } from '../engine.js';
import { InvalidPayloadError, LeaseLostError, UnknownTaskError } from '../errors.js';
import type { JobRecord } from '../job.js';
import { validatePayload } from '../payload-schema.js';
import type { Ack } from '../storage.js';
import type { JobInfo, TaskDefinition } from '../task.js';
import { toJson } from '../validate.js';
import type { AckBatcher } from './ack-batcher.js';
import type { Random } from './backoff.js';
import { createHandlerContext, type HandlerRequest, HandlerSignal, jobLogger } from './handler-context.js';
import { type JobRun, ShutdownError } from './job-run.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { decideFailure } from './retry.js';
import { logsDebug } from './safe-logger.js';
import { runWithTimeout } from './timeout.js';

export interface RunnerParts {
  engine: Engine;
  acks: AckBatcher;
  leases: LeaseKeeper;
  random: Random;
  report: (error: unknown, context: string) => void;
}

/** What to acknowledge and what to tell listeners once the store took it. */
interface Outcome {
  ack: Ack;
  announce?: () => void;
}

/**
 * Runs one claimed job to its acknowledgement. Never throws. `settled` is
 * called once the handler is over and its ack is queued in the batcher (not
 * yet stored): the dispatcher frees the job's slot then.
 */
export async function runJob(parts: RunnerParts, run: JobRun, settled?: () => void): Promise<void> {
  const { engine } = parts;
  const { job } = run;
  let outcome: Outcome | null;
  let info: JobInfo;
  try {
    info = toJobInfo(job);
  } catch (error) {
    info = toJobInfo({ ...job, payload: null });
    const invalid = new InvalidPayloadError(`Stored payload of job "${job.id}" is not valid JSON.`, {
      cause: error,
    });
    outcome = failure(parts, run, info, undefined, invalid, true);
    return deliver(parts, run, info, outcome, settled);
  }
  try {
    outcome = await attempt(parts, run, info);
  } catch (error) {
    // A bug of the worker itself: fail the attempt rather than leave the job leased.
    parts.report(error, `running job ${job.id}`);
    outcome = failure(parts, run, info, engine.task(job.task), error, false);
  }
  if (outcome === null) {
    parts.report(
      run.lostLease ?? new LeaseLostError(job.id),
      `handler of job ${job.id} kept running after losing its lease`,
    );
    return;
  }
  return deliver(parts, run, info, outcome, settled);
}

/** The outcome to acknowledge, or `null` when there is nothing left to say (lease lost, handler hung). */
async function attempt(parts: RunnerParts, run: JobRun, info: JobInfo): Promise<Outcome | null> {
  const { engine } = parts;
  const { job } = run;
  const task = engine.task(job.task);
  if (!task) return failure(parts, run, info, undefined, new UnknownTaskError(job.task), true);

  let payload: unknown;
  try {
    payload = await validatePayload(task, info.payload);
  } catch (error) {
    return failure(parts, run, info, task, error, true);
  }

  const { ctx, request } = createHandlerContext({
    engine,
    job: info,
    run,
    heartbeat: () => parts.leases.beatOne(job.id, job.leaseToken ?? ''),
  });
  const started = performance.now();
  const settlement = await runWithTimeout(() => task.handler(payload, ctx), {
    timeoutMs: task.timeout,
    controller: run,
    abandon: run,
  });
  const requested = request();
  if (settlement.kind === 'abandoned') return run.lostLease ? null : release(job);
  if (requested) return fromRequest(job, requested, engine.clock.now());
  if (settlement.kind === 'returned') {
    let result: string;
    try {
      // The common no-result case skips the serialiser (and the message it is given).
      const value = settlement.value ?? null;
      result =
        value === null ? 'null' : toJson(value, `Result of task "${task.name}"`, engine.maxPayloadBytes);
    } catch (error) {
      return failure(parts, run, info, task, error, true);
    }
    const durationMs = performance.now() - started;
    return {
      ack: { type: 'complete', id: job.id, token: lease(job), result },
      announce: () => {
        if (logsDebug(engine.logger)) jobLogger(engine.logger, info).debug({ durationMs }, 'job completed');
        engine.emit('completed', { job: info, result: settlement.value ?? null, durationMs });
      },
    };
  }
  const { error } = settlement;
  // A handler that gives up because the worker is stopping is interrupted, not failed.
  if (run.reason instanceof ShutdownError && !(error instanceof HandlerSignal)) {
    return release(job);
  }
  return failure(parts, run, info, task, error, false);
}

function failure(
  parts: RunnerParts,
  run: JobRun,
  info: JobInfo,
  task: TaskDefinition<any, any> | undefined,
  error: unknown,
  permanent: boolean,
): Outcome {
  const { engine } = parts;
  const decision = decideFailure({
    job: run.job,
    task,
    error,
    info,
    now: engine.clock.now(),
    permanent,
    random: parts.random,
    onPolicyError: (policyError, what) => parts.report(policyError, what),
  });
  const fields = { jobId: info.id, task: info.task, attempt: info.attempt, err: error };
  if (decision.outcome === 'snoozed') {
    return {
      ack: decision.ack,
      announce: () => {
        if (logsDebug(engine.logger)) {
          engine.logger.debug(fields, 'job attempt did not count as a failure; rescheduled');
        }
      },
    };
  }
  if (decision.outcome === 'retrying') {
    const retryAt = new Date(decision.retryAt);
    return {
      ack: decision.ack,
      announce: () => {
        engine.logger.warn({ ...fields, retryAt }, 'job attempt failed; will retry');
        engine.emit('retrying', { job: info, error, retryAt });
      },
    };
  }
  return {
    ack: decision.ack,
    announce: () => {
      engine.logger.error(fields, 'job failed');
      engine.emit('failed', { job: info, error });
    },
  };
}

function fromRequest(job: JobRecord, request: HandlerRequest, now: number): Outcome {
  if (request.type === 'snooze') {
    return { ack: { type: 'snooze', id: job.id, token: lease(job), runAt: now + request.ms } };
  }
  return { ack: { type: 'cancel', id: job.id, token: lease(job), reason: request.reason } };
}

function release(job: JobRecord): Outcome {
  return { ack: { type: 'release', id: job.id, token: lease(job) } };
}

function lease(job: JobRecord): string {
  return job.leaseToken ?? '';
}

async function deliver(
  parts: RunnerParts,
  run: JobRun,
  info: JobInfo,
  outcome: Outcome,
  settled: (() => void) | undefined,
): Promise<void> {
  let applied: boolean;
  try {
    const pushed = parts.acks.push(outcome.ack);
    settled?.();
    applied = await pushed;
  } catch (error) {
    parts.report(
      error,
      `acknowledging job ${info.id} (${outcome.ack.type}); it will run again once its lease expires`,
    );
    return;
  }
  if (applied) {
    try {
      outcome.announce?.();
    } catch (error) {
      // A user logger that throws must not take the worker down with it.
      parts.report(error, `announcing the ${outcome.ack.type} of job ${info.id}`);
    }
    return;
  }
  parts.report(new LeaseLostError(run.job.id), `stale ${outcome.ack.type} ack of job ${info.id}`);
}
