import type { JobRecord, Storage } from '@docket/core';

/** Points where a test stops a store call to let something else happen first ("the worst moment"). */
export interface StoreHooks {
  /** After `listExpiredLeases` returned jobs, before its caller (the rescuer) acts on them. */
  afterListExpired?: (jobs: JobRecord[]) => Promise<void>;
  /** After `claim` took jobs in the store, before the claimer receives them (a claim "in flight"). */
  afterClaim?: (jobs: JobRecord[]) => Promise<void>;
}

/** The same store with `hooks` injected; every other call passes through unchanged. */
export function hookedStore(store: Storage, hooks: StoreHooks): Storage {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'listExpiredLeases') {
        return async (params: Parameters<Storage['listExpiredLeases']>[0]) => {
          const jobs = await target.listExpiredLeases(params);
          const hook = hooks.afterListExpired;
          if (jobs.length > 0 && hook) await hook(jobs);
          return jobs;
        };
      }
      if (property === 'claim') {
        return async (params: Parameters<Storage['claim']>[0]) => {
          const jobs = await target.claim(params);
          const hook = hooks.afterClaim;
          if (jobs.length > 0 && hook) await hook(jobs);
          return jobs;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
