import { InvalidOptionError } from '../errors.js';
import { assertName } from '../validate.js';
import type { Random } from './backoff.js';

/**
 * The queues a worker serves: an array (strict priority, in order) or a map of
 * weights (`{ critical: 6, default: 3, low: 1 }`).
 */
export type QueuesOption = readonly string[] | Readonly<Record<string, number>>;

/** Decides, for each claim round, the order in which queues are asked for jobs. */
export interface QueueSelection {
  /** Every queue served, in declaration order. */
  readonly queues: readonly string[];
  readonly mode: 'strict' | 'weighted';
  /** The order of one claim round. */
  order(random?: Random): string[];
}

/**
 * Builds the queue selection of a worker.
 *
 * - An array is strict: the first queue is drained before the second is served.
 * - Weights are asynq-style: each round orders the queues by a weighted random
 *   draw without replacement, so `critical: 6` comes first about 6 rounds in 10
 *   and no queue starves.
 * - `strict: true` with weights orders by weight, highest first (ties keep
 *   declaration order).
 *
 * Throws `InvalidNameError` for a bad queue name and `InvalidOptionError` for
 * an empty list, a duplicate or a weight that is not a positive finite number.
 */
export function queueSelection(option: QueuesOption | undefined, strict = false): QueueSelection {
  if (option === undefined) return strictSelection(['default']);
  if (Array.isArray(option)) {
    if (option.length === 0) throw new InvalidOptionError('`queues` must name at least one queue.');
    const seen = new Set<string>();
    for (const queue of option) {
      assertName('queue', queue);
      if (seen.has(queue)) throw new InvalidOptionError(`Queue "${queue}" is listed twice in \`queues\`.`);
      seen.add(queue);
    }
    return strictSelection([...option]);
  }
  if (typeof option !== 'object' || option === null) {
    throw new InvalidOptionError(
      '`queues` must be an array of queue names (strict order) or an object of weights, e.g. { critical: 6, default: 3, low: 1 }.',
    );
  }
  const entries = Object.entries(option as Record<string, number>);
  if (entries.length === 0) throw new InvalidOptionError('`queues` must name at least one queue.');
  for (const [queue, weight] of entries) {
    assertName('queue', queue);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw new InvalidOptionError(
        `The weight of queue "${queue}" must be a positive number, got ${String(weight)}.`,
      );
    }
  }
  if (strict) {
    // Array.prototype.sort is stable: equal weights keep declaration order.
    return strictSelection([...entries].sort((a, b) => b[1] - a[1]).map(([queue]) => queue));
  }
  return weightedSelection(entries);
}

function strictSelection(queues: string[]): QueueSelection {
  return { queues, mode: 'strict', order: () => [...queues] };
}

function weightedSelection(entries: Array<[string, number]>): QueueSelection {
  const queues = entries.map(([queue]) => queue);
  return {
    queues,
    mode: 'weighted',
    order(random: Random = Math.random) {
      const pool = [...entries];
      let total = pool.reduce((sum, [, weight]) => sum + weight, 0);
      const ordered: string[] = [];
      while (pool.length > 1) {
        let point = random() * total;
        let index = 0;
        // The last index absorbs rounding so a draw of ~total never falls off the end.
        while (index < pool.length - 1 && point >= pool[index]![1]) {
          point -= pool[index]![1];
          index++;
        }
        const [picked] = pool.splice(index, 1);
        ordered.push(picked![0]);
        total -= picked![1];
      }
      ordered.push(pool[0]![0]);
      return ordered;
    },
  };
}
