import type { EnqueueOutcome } from '../../src/job.js';
import type { Storage, StorageCapabilities } from '../../src/storage.js';

/**
 * A Storage whose every method records its call and returns an empty answer,
 * unless a test overrides it. For testing the decorator and the clock without
 * a real store.
 */
export function fakeStore(
  overrides: Partial<Record<keyof Storage, (...args: any[]) => any>> = {},
  capabilities: Partial<StorageCapabilities> = {},
): Storage & { calls: Array<{ method: string; params: unknown }> } {
  const calls: Array<{ method: string; params: unknown }> = [];
  const defaults: Record<string, (...args: any[]) => any> = {
    setup: async () => {},
    close: async () => {},
    serverTime: async () => Date.now(),
    enqueue: async (p: { jobs: { id: string }[] }): Promise<EnqueueOutcome[]> =>
      p.jobs.map((j) => ({ id: j.id, duplicate: false, state: 'ready' })),
    claim: async () => [],
    heartbeat: async () => [],
    acknowledge: async () => [],
    listExpiredLeases: async () => [],
    nextRunAt: async () => null,
    subscribe: async () => async () => {},
    cancelJob: async () => null,
    retryJob: async () => null,
    releaseHold: async () => null,
    removeJob: async () => false,
    setQueuePaused: async () => {},
    getJob: async () => null,
    listJobs: async () => ({ jobs: [], nextCursor: null }),
    countJobs: async () => [],
    listQueues: async () => [],
    upsertSchedule: async () => {
      throw new Error('not faked');
    },
    getSchedule: async () => null,
    listSchedules: async () => [],
    removeSchedule: async () => false,
    setSchedulePaused: async () => false,
    dueSchedules: async () => [],
    fireSchedule: async () => null,
    deleteExpired: async () => 0,
  };
  const store: Record<string, unknown> = {
    calls,
    capabilities: {
      transactions: false,
      pushNotifications: false,
      multiProcess: false,
      timePrecisionMs: 1,
      ...capabilities,
    },
  };
  for (const [method, fn] of Object.entries({ ...defaults, ...overrides })) {
    store[method] = (params: unknown) => {
      calls.push({ method, params });
      return fn!(params);
    };
  }
  return store as unknown as Storage & { calls: Array<{ method: string; params: unknown }> };
}
