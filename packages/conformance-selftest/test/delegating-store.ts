import type {
  AcknowledgeParams,
  ClaimParams,
  EnqueueParams,
  FireScheduleParams,
  HeartbeatParams,
  ListJobsParams,
  Storage,
  UpsertScheduleInput,
  WakeListener,
} from '@docket/core';

/**
 * A store that forwards every call to `inner`. Broken variants extend it and
 * override the one method they break, so everything else stays correct.
 */
export class DelegatingStore implements Storage {
  constructor(readonly inner: Storage) {}

  get capabilities() {
    return this.inner.capabilities;
  }
  setup() {
    return this.inner.setup();
  }
  close() {
    return this.inner.close();
  }
  serverTime() {
    return this.inner.serverTime();
  }
  enqueue(params: EnqueueParams) {
    return this.inner.enqueue(params);
  }
  claim(params: ClaimParams) {
    return this.inner.claim(params);
  }
  heartbeat(params: HeartbeatParams) {
    return this.inner.heartbeat(params);
  }
  acknowledge(params: AcknowledgeParams) {
    return this.inner.acknowledge(params);
  }
  listExpiredLeases(params: { now: number; limit: number }) {
    return this.inner.listExpiredLeases(params);
  }
  nextRunAt(params: { queues: string[]; now: number }) {
    return this.inner.nextRunAt(params);
  }
  subscribe(listener: WakeListener) {
    return this.inner.subscribe(listener);
  }
  cancelJob(params: { id: string; reason: string; now: number }) {
    return this.inner.cancelJob(params);
  }
  retryJob(params: { id: string; now: number }) {
    return this.inner.retryJob(params);
  }
  releaseHold(params: { id: string; now: number }) {
    return this.inner.releaseHold(params);
  }
  removeJob(params: { id: string; now: number }) {
    return this.inner.removeJob(params);
  }
  setQueuePaused(params: { queue: string; paused: boolean; now: number }) {
    return this.inner.setQueuePaused(params);
  }
  getJob(params: { id: string; now: number }) {
    return this.inner.getJob(params);
  }
  listJobs(params: ListJobsParams) {
    return this.inner.listJobs(params);
  }
  countJobs(params: { now: number; queue?: string }) {
    return this.inner.countJobs(params);
  }
  listQueues() {
    return this.inner.listQueues();
  }
  upsertSchedule(params: { schedule: UpsertScheduleInput; now: number }) {
    return this.inner.upsertSchedule(params);
  }
  getSchedule(params: { name: string }) {
    return this.inner.getSchedule(params);
  }
  listSchedules() {
    return this.inner.listSchedules();
  }
  removeSchedule(params: { name: string }) {
    return this.inner.removeSchedule(params);
  }
  setSchedulePaused(params: { name: string; paused: boolean; now: number }) {
    return this.inner.setSchedulePaused(params);
  }
  dueSchedules(params: { now: number; limit: number }) {
    return this.inner.dueSchedules(params);
  }
  fireSchedule(params: FireScheduleParams) {
    return this.inner.fireSchedule(params);
  }
  deleteExpired(params: { now: number; limit: number }) {
    return this.inner.deleteExpired(params);
  }
}
