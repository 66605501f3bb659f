import { toJobInfo } from '../client/job-view.js';
import type { Engine } from '../engine.js';
import type { JobRecord } from '../job.js';
import type { JobInfo } from '../task.js';
import { MaintenanceTask } from './background-loop.js';
import type { Random } from './backoff.js';
import { decideFailure, type FailureDecision } from './retry.js';

export interface RescuerOptions {
  intervalMs: number;
  /** Expired leases handled per store call. */
  batchSize: number;
  random: Random;
  report: (error: unknown, context: string) => void;
}

/** Batches per pass, so one pass stays bounded even if the store keeps returning the same jobs. */
const MAX_ROUNDS = 10;

/**
 * Turns jobs whose lease expired (their worker died or hung) into a failed
 * attempt with the error `lease expired`: retried per the task's policy, or
 * failed when no attempt is left (rule 4). The ack requires the lease to still
 * be expired, so a worker that renewed it in the meantime wins.
 */
export class Rescuer extends MaintenanceTask {
  constructor(
    private readonly engine: Engine,
    private readonly options: RescuerOptions,
  ) {
    super('rescuer', options);
  }

  protected async pass(): Promise<number> {
    const { store, clock } = this.engine;
    let rescued = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = clock.now();
      const jobs = await store.listExpiredLeases({ now, limit: this.options.batchSize });
      if (jobs.length === 0) break;
      const decisions = jobs.map((job) => this.decide(job, now));
      const applied = await store.acknowledge({ acks: decisions.map((d) => d.decision.ack), now });
      decisions.forEach(({ job, info, decision }, index) => {
        if (applied[index] !== true) return;
        rescued++;
        this.announce(job, info, decision);
      });
      if (jobs.length < this.options.batchSize) break;
    }
    return rescued;
  }

  private decide(job: JobRecord, now: number): { job: JobRecord; info: JobInfo; decision: FailureDecision } {
    let info: JobInfo;
    try {
      info = toJobInfo(job);
    } catch {
      info = toJobInfo({ ...job, payload: null });
    }
    const decision = decideFailure({
      job,
      task: this.engine.task(job.task),
      error: leaseExpired(),
      info,
      now,
      alwaysCounts: true,
      requireExpired: true,
      random: this.options.random,
      onPolicyError: (error, what) => this.options.report(error, what),
    });
    return { job, info, decision };
  }

  private announce(job: JobRecord, info: JobInfo, decision: FailureDecision): void {
    const willRetry = decision.outcome !== 'failed';
    this.engine.logger.warn(
      {
        jobId: job.id,
        task: job.task,
        queue: job.queue,
        attempt: job.attempts,
        workerId: job.workerId,
        willRetry,
      },
      'job lease expired without an acknowledgement (worker died or hung)',
    );
    this.engine.emit('stalled', {
      jobId: job.id,
      task: job.task,
      queue: job.queue,
      attempt: job.attempts,
      willRetry,
    });
    if (decision.outcome === 'failed') this.engine.emit('failed', { job: info, error: leaseExpired() });
  }
}

/** The error of an attempt whose lease expired; its stack would only show the rescuer. */
function leaseExpired(): Error {
  const error = new Error('lease expired');
  error.name = 'LeaseExpiredError';
  error.stack = undefined;
  return error;
}
