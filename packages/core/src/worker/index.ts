// The worker: dispatcher, leases, retries, timeouts, scheduler, cleaner.
export { assertBackoffOptions, backoffDelay, DEFAULT_BACKOFF, type Random } from './backoff.js';
export { type QueueSelection, type QueuesOption, queueSelection } from './queue-selection.js';
export { decideFailure, type FailureDecision, isPermanentError, toAttemptError } from './retry.js';
export {
  MIN_EVERY_MS,
  nextTick,
  parseRuleKey,
  parseScheduleRule,
  ruleKey,
  type ScheduleRule,
  type ScheduleRuleInput,
} from './schedule-rule.js';
export { DEFAULT_STOP_TIMEOUT_MS, type MaintenanceLoop, Worker, type WorkerOptions } from './worker.js';
