// The Docket client: enqueue, inspection, operator actions, schedules API.

export { type CreateStoreOptions, createStore, resolveStoreUrl, type StoreTarget } from './create-store.js';
export { DEFAULT_MAX_ATTEMPTS, DEFAULT_QUEUE, defineTask, isTaskDefinition } from './define-task.js';
export { Docket } from './docket.js';
export type { DocketOptions } from './docket-options.js';
export { createJobIdGenerator, type JobIdGenerator, jobIdTime } from './job-id.js';
export { type Job, type JobError, toJob, toJobInfo } from './job-view.js';
export { DEFAULT_LIST_LIMIT, type ListJobsOptions, MAX_LIST_LIMIT } from './list-jobs-options.js';
export type { EnqueueManyItem } from './prepare-batch.js';
export { MAX_UNIQUE_KEY_LENGTH } from './prepare-job.js';
export { DEFAULT_RETENTION, resolveRetention } from './retention.js';
export { RuntimeStorage } from './runtime-storage.js';
export type { Schedule, ScheduleJobOptions } from './schedule-view.js';
export { CLOCK_REFRESH_MS, ServerClock, type ServerClockOptions } from './server-clock.js';
