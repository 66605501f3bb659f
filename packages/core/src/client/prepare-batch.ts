import { InvalidOptionError } from '../errors.js';
import type { NewJob } from '../job.js';
import type { EnqueueOptions, TaskDefinition } from '../task.js';
import { type BatchPosition, type PrepareEnvironment, prepareJobNow } from './prepare-job.js';

/** One job of an `enqueueMany` batch. */
export interface EnqueueManyItem<Payload = unknown> {
  task: TaskDefinition<Payload, any> | string;
  payload: Payload;
  /** As for `enqueue`, without `tx` (pass it to the batch). */
  options?: Omit<EnqueueOptions, 'tx'>;
}

/**
 * Prepares every job of a batch with one `now`, in order, throwing on the
 * first invalid one (so nothing of the batch is written). A job may depend on
 * an earlier job of the batch by its caller-supplied `id`; a dependency on its
 * own or a later job's id is refused, since the store could never satisfy it.
 */
export async function prepareBatch(
  env: PrepareEnvironment,
  now: number,
  items: ReadonlyArray<EnqueueManyItem<any>>,
): Promise<NewJob[]> {
  if (!Array.isArray(items)) {
    throw new InvalidOptionError('enqueueMany expects an array of { task, payload, options }.');
  }
  let firstIndex: Map<string, number> | undefined;
  items.forEach((item, index) => {
    const id = (item as { options?: { id?: unknown } } | null)?.options?.id;
    if (typeof id !== 'string') return;
    firstIndex ??= new Map();
    if (!firstIndex.has(id)) firstIndex.set(id, index);
  });
  let index = 0;
  const position: BatchPosition = {
    notYetEnqueued: (id) => (firstIndex?.get(id) ?? -1) >= index,
  };
  const jobs: NewJob[] = new Array(items.length);
  for (; index < items.length; index++) {
    const item = items[index];
    if (typeof item !== 'object' || item === null) {
      throw new InvalidOptionError(`enqueueMany item ${index} must be an object { task, payload, options }.`);
    }
    if (item.options && 'tx' in item.options) {
      throw new InvalidOptionError('Pass `tx` to the batch (enqueueMany(items, { tx })), not to one item.');
    }
    // Awaited only for tasks with a schema: a batch without schemas is prepared in one go.
    const job = prepareJobNow(env, now, item.task, item.payload, item.options, position);
    jobs[index] = job instanceof Promise ? await job : job;
  }
  return jobs;
}
