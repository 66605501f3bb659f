import type { Storage } from '@docket/core';
import { DelegatingStore } from './delegating-store.js';

/** A one-line deviation from the contract, applied over an intact store. */
export interface Mutant {
  name: string;
  overrides(inner: Storage): Partial<Storage>;
}

/** A store that is `inner` except for the mutant's overrides. */
export function mutate(inner: Storage, mutant: Mutant): Storage {
  return Object.assign(new DelegatingStore(inner), mutant.overrides(inner));
}

/** Small, plausible bugs a store could ship with. Each must make at least one case of the suite fail. */
export const mutants: Mutant[] = [
  {
    name: 'enqueue ignores hold',
    overrides: (s) => ({
      enqueue: (p) => s.enqueue({ ...p, jobs: p.jobs.map((j) => ({ ...j, hold: false })) }),
    }),
  },
  {
    name: 'enqueue ignores runAt',
    overrides: (s) => ({
      enqueue: (p) => s.enqueue({ ...p, jobs: p.jobs.map((j) => ({ ...j, runAt: p.now })) }),
    }),
  },
  {
    name: 'enqueue drops the unique key',
    overrides: (s) => ({
      enqueue: (p) => s.enqueue({ ...p, jobs: p.jobs.map((j) => ({ ...j, unique: null })) }),
    }),
  },
  {
    name: 'enqueue ignores retention',
    overrides: (s) => ({
      enqueue: (p) =>
        s.enqueue({
          ...p,
          jobs: p.jobs.map((j) => ({
            ...j,
            retention: { completed: null, failed: null, cancelled: null, dropPayload: false },
          })),
        }),
    }),
  },
  {
    name: 'claim serves queues in reverse order',
    overrides: (s) => ({ claim: (p) => s.claim({ ...p, queues: [...p.queues].reverse() }) }),
  },
  {
    name: 'claim ignores the lease length',
    overrides: (s) => ({ claim: (p) => s.claim({ ...p, leaseMs: 60 * 60_000 }) }),
  },
  {
    name: 'heartbeat does not extend the lease',
    overrides: (s) => ({ heartbeat: (p) => s.heartbeat({ ...p, leaseMs: 0 }) }),
  },
  {
    name: 'acknowledge drops the result',
    overrides: (s) => ({
      acknowledge: (p) =>
        s.acknowledge({
          ...p,
          acks: p.acks.map((a) => (a.type === 'complete' ? { ...a, result: null } : a)),
        }),
    }),
  },
  {
    name: 'a fail never retries',
    overrides: (s) => ({
      acknowledge: (p) =>
        s.acknowledge({ ...p, acks: p.acks.map((a) => (a.type === 'fail' ? { ...a, retryAt: null } : a)) }),
    }),
  },
  {
    name: 'a rescue ignores requireExpired',
    overrides: (s) => ({
      acknowledge: (p) =>
        s.acknowledge({
          ...p,
          acks: p.acks.map((a) => (a.type === 'fail' ? { ...a, requireExpired: false } : a)),
        }),
    }),
  },
  {
    name: 'listExpiredLeases ignores its limit',
    overrides: (s) => ({ listExpiredLeases: (p) => s.listExpiredLeases({ ...p, limit: 1_000 }) }),
  },
  { name: 'nextRunAt is always null', overrides: () => ({ nextRunAt: async () => null }) },
  { name: 'subscribe never calls back', overrides: () => ({ subscribe: async () => async () => {} }) },
  {
    name: 'listJobs ignores order',
    overrides: (s) => ({ listJobs: (p) => s.listJobs({ ...p, order: 'asc' }) }),
  },
  {
    name: 'listJobs ignores the state filter',
    overrides: (s) => ({ listJobs: ({ state: _state, ...p }) => s.listJobs(p) }),
  },
  {
    name: 'countJobs ignores the queue filter',
    overrides: (s) => ({ countJobs: ({ queue: _queue, ...p }) => s.countJobs(p) }),
  },
  {
    name: 'getJob reads at the wrong time',
    overrides: (s) => ({ getJob: (p) => s.getJob({ ...p, now: 0 }) }),
  },
  {
    name: 'cancelJob of an unknown id throws',
    overrides: (s) => ({
      cancelJob: async (p) => {
        const job = await s.cancelJob(p);
        if (!job) throw new Error('not found');
        return job;
      },
    }),
  },
  {
    name: 'removeJob removes active jobs',
    overrides: (s) => ({
      removeJob: async (p) => {
        await s.cancelJob({ id: p.id, reason: 'x', now: 0 }).catch(() => null);
        return s.removeJob(p);
      },
    }),
  },
  {
    name: 'upsertSchedule resets the pause',
    overrides: (s) => ({
      upsertSchedule: async (p) => {
        const r = await s.upsertSchedule(p);
        await s.setSchedulePaused({ name: r.name, paused: false, now: p.now });
        return { ...r, paused: false };
      },
    }),
  },
  {
    name: 'dueSchedules ignores its limit',
    overrides: (s) => ({ dueSchedules: (p) => s.dueSchedules({ ...p, limit: 1_000 }) }),
  },
  {
    name: 'deleteExpired ignores its limit',
    overrides: (s) => ({ deleteExpired: (p) => s.deleteExpired({ ...p, limit: 1_000_000 }) }),
  },
  { name: 'deleteExpired deletes nothing', overrides: () => ({ deleteExpired: async () => 0 }) },
  {
    name: 'setQueuePaused cannot resume',
    overrides: (s) => ({
      setQueuePaused: async (p) => {
        if (p.paused) await s.setQueuePaused(p);
      },
    }),
  },
];
