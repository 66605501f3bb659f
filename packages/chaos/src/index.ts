// Helpers of the reliability suite (private; the scenarios live in test/).
export { type ChildConfig, type ChildEvent, ChildWorker, killAll, startChild } from './child-worker.js';
export { type Effect, effectsByJob, readEffects } from './effects.js';
export { GATED_QUEUE, GATED_TASK, GatedDocket } from './gated-docket.js';
export { activeResources, settledHeap } from './heap.js';
export { hookedStore, type StoreHooks } from './hooked-store.js';
export { HOSTILE_STRINGS, INPUT_ERROR_CODES, outcome } from './hostile.js';
export { allJobs, childTasks, observer, stateCounts } from './observer.js';
export { PG_AVAILABLE, PG_URL, REDIS_AVAILABLE, REDIS_URL } from './services.js';
export { SOAK, size } from './sizes.js';
export {
  type Namespace,
  NETWORK_VARIANTS,
  SHARED_VARIANTS,
  type StoreKind,
  type StoreVariant,
  VARIANTS,
} from './store-variants.js';
export { sleep, until } from './wait.js';
