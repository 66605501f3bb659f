import type { UpsertScheduleInput } from '../storage.js';
import type { TaskDefinition } from '../task.js';
import { assertName } from '../validate.js';
import { nextTick, parseScheduleRule, ruleKey, type ScheduleRuleInput } from '../worker/schedule-rule.js';
import { type PrepareEnvironment, prepareJobNow } from './prepare-job.js';
import { type ScheduleJobOptions, scheduleJobOptions } from './schedule-view.js';

/**
 * Validates a schedule declaration exactly as an enqueue of its job would be
 * validated (task, payload schema, JSON, size, options), and returns the
 * record to upsert, with `nextRunAt` the rule's first tick after `now`.
 */
export async function prepareSchedule(
  env: PrepareEnvironment,
  now: number,
  name: string,
  rule: ScheduleRuleInput,
  task: TaskDefinition<any, any> | string,
  payload: unknown,
  options?: ScheduleJobOptions,
): Promise<UpsertScheduleInput> {
  assertName('schedule', name);
  const parsed = parseScheduleRule(rule);
  const jobOptions = scheduleJobOptions(options);
  const job = await prepareJobNow(env, now, task, payload, jobOptions);
  return {
    name,
    rule: ruleKey(parsed),
    task: job.task,
    queue: job.queue,
    payload: job.payload,
    options: JSON.stringify(jobOptions),
    nextRunAt: nextTick(parsed, now),
  };
}
