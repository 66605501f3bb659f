import type { Engine } from '../engine.js';
import type { ScheduleRecord } from '../job.js';
import type { EnqueueOptions } from '../task.js';
import { fromJson } from '../validate.js';
import { MaintenanceTask } from './background-loop.js';
import { nextTick, parseRuleKey } from './schedule-rule.js';

export interface SchedulerOptions {
  intervalMs: number;
  /** Due schedules handled per pass. */
  batchSize: number;
  report: (error: unknown, context: string) => void;
}

/** A broken schedule is reported at most this often, not at every pass. */
const REPORT_EVERY_MS = 60_000;

/**
 * Fires due schedules. Safe on every instance: `fireSchedule` only applies
 * while the schedule's `nextRunAt` still equals the one this pass read, so
 * each tick enqueues exactly one job whatever the number of schedulers
 * (rule 9). The next tick is the first one after now: ticks missed during a
 * downtime collapse into the one catch-up job fired now.
 */
export class Scheduler extends MaintenanceTask {
  private readonly lastReported = new Map<string, number>();

  constructor(
    private readonly engine: Engine,
    private readonly options: SchedulerOptions,
  ) {
    super('scheduler', options);
  }

  protected async pass(): Promise<number> {
    const now = this.engine.clock.now();
    const due = await this.engine.store.dueSchedules({ now, limit: this.options.batchSize });
    let fired = 0;
    for (const record of due) {
      try {
        if (await this.fire(record, now)) fired++;
        this.lastReported.delete(record.name);
      } catch (error) {
        // Store failures end the pass (the loop backs off); a broken schedule only skips itself.
        if (isStoreFailure(error)) throw error;
        this.reportBroken(record, error, now);
      }
    }
    return fired;
  }

  private async fire(record: ScheduleRecord, now: number): Promise<boolean> {
    const rule = parseRuleKey(record.rule);
    const options = (fromJson(record.options) ?? {}) as EnqueueOptions;
    const job = await this.engine.prepareJob(record.task, fromJson(record.payload), options);
    const outcome = await this.engine.store.fireSchedule({
      name: record.name,
      expectedNextRunAt: record.nextRunAt,
      nextRunAt: nextTick(rule, now),
      job,
      now,
    });
    if (outcome) {
      this.engine.logger.debug(
        { schedule: record.name, jobId: outcome.id, tick: new Date(record.nextRunAt) },
        'schedule fired',
      );
    }
    return outcome !== null;
  }

  private reportBroken(record: ScheduleRecord, error: unknown, now: number): void {
    const last = this.lastReported.get(record.name);
    if (last !== undefined && now - last < REPORT_EVERY_MS) return;
    this.lastReported.set(record.name, now);
    this.options.report(error, `schedule "${record.name}" could not fire`);
  }
}

function isStoreFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'STORE_ERROR' || code === 'STORE_CLOSED';
}
