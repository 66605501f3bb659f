import { InvalidOptionError } from '../errors.js';
import { assertNumber } from '../validate.js';
import type { Random } from './backoff.js';
import { queueSelection } from './queue-selection.js';
import type { WorkerOptions } from './worker.js';

const KNOWN = new Set([
  'queues',
  'strict',
  'concurrency',
  'leaseMs',
  'heartbeatMs',
  'pollIntervalMs',
  'batchSize',
  'prefetch',
  'workerId',
  'scheduler',
  'cleaner',
  'rescuer',
  'random',
]);

type LoopOption = boolean | { intervalMs?: number; batchSize?: number } | undefined;

/** Validates `WorkerOptions` and fills in the defaults. Throws `InvalidOptionError`. */
export function resolveWorkerOptions(options: WorkerOptions) {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('Worker options must be an object.');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new InvalidOptionError(`Unknown worker option "${key}".`);
  }
  const concurrency = options.concurrency ?? 10;
  assertNumber('concurrency', concurrency, { min: 1, integer: true });
  const leaseMs = options.leaseMs ?? 30_000;
  assertNumber('leaseMs', leaseMs, { min: 100, integer: true });
  const heartbeatMs = options.heartbeatMs ?? Math.floor(leaseMs / 3);
  assertNumber('heartbeatMs', heartbeatMs, { min: 10, integer: true });
  if (heartbeatMs >= leaseMs) {
    throw new InvalidOptionError(
      `heartbeatMs (${heartbeatMs}) must be shorter than leaseMs (${leaseMs}), or leases expire between heartbeats.`,
    );
  }
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  assertNumber('pollIntervalMs', pollIntervalMs, { min: 10 });
  const batchSize = options.batchSize ?? 100;
  assertNumber('batchSize', batchSize, { min: 1, integer: true });
  // Claim-ahead bound (see `WorkerOptions.prefetch`): one batch, so a deep queue costs a claim per batch at any concurrency.
  const prefetch = options.prefetch ?? batchSize;
  assertNumber('prefetch', prefetch, { min: 0, integer: true });
  if (
    options.workerId !== undefined &&
    (typeof options.workerId !== 'string' || !/^.{1,200}$/.test(options.workerId))
  ) {
    throw new InvalidOptionError('workerId must be a string of 1-200 characters.');
  }
  if (options.strict !== undefined && typeof options.strict !== 'boolean') {
    throw new InvalidOptionError('strict must be a boolean.');
  }
  if (options.random !== undefined && typeof options.random !== 'function') {
    throw new InvalidOptionError('random must be a function returning numbers in [0, 1).');
  }
  const selection = queueSelection(options.queues, options.strict ?? false);
  const rescuer = loop('rescuer', options.rescuer, clamp(Math.floor(leaseMs / 2), 1000, 60_000), 100);
  const scheduler = loop('scheduler', options.scheduler, 1000, 100);
  const cleaner = loop('cleaner', options.cleaner, 60_000, 1000);
  return {
    selection,
    concurrency,
    leaseMs,
    heartbeatMs,
    pollIntervalMs,
    batchSize,
    prefetch,
    workerId: options.workerId,
    random: (options.random ?? Math.random) as Random,
    rescuer: rescuer.settings,
    rescuerEnabled: rescuer.enabled,
    scheduler: scheduler.settings,
    schedulerEnabled: scheduler.enabled,
    cleaner: cleaner.settings,
    cleanerEnabled: cleaner.enabled,
  };
}

function loop(name: string, option: LoopOption, intervalMs: number, batchSize: number) {
  if (option === undefined || typeof option === 'boolean') {
    return { enabled: option !== false, settings: { intervalMs, batchSize } };
  }
  if (typeof option !== 'object' || option === null) {
    throw new InvalidOptionError(`${name} must be a boolean or { intervalMs?, batchSize? }.`);
  }
  for (const key of Object.keys(option)) {
    if (key !== 'intervalMs' && key !== 'batchSize') {
      throw new InvalidOptionError(`Unknown ${name} option "${key}"; use intervalMs and batchSize.`);
    }
  }
  const settings = { intervalMs: option.intervalMs ?? intervalMs, batchSize: option.batchSize ?? batchSize };
  assertNumber(`${name}.intervalMs`, settings.intervalMs, { min: 10 });
  assertNumber(`${name}.batchSize`, settings.batchSize, { min: 1, integer: true });
  return { enabled: true, settings };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
