import { InvalidOptionError, UnknownTaskError } from '../errors.js';
import type { NewJob } from '../job.js';
import { validatePayload } from '../payload-schema.js';
import type { EnqueueOptions, RetentionPolicy, TaskDefinition } from '../task.js';
import { assertJobId, assertName, assertNumber, isStorableText, toJson } from '../validate.js';
import { assertInt32 } from './define-task.js';
import type { JobIdGenerator } from './job-id.js';
import { resolveRetention } from './retention.js';

/** The most characters of a `unique.key`. */
export const MAX_UNIQUE_KEY_LENGTH = 256;

const OPTION_KEYS = new Set([
  'delay',
  'runAt',
  'priority',
  'queue',
  'maxAttempts',
  'unique',
  'dependsOn',
  'hold',
  'id',
  'tx',
]);

/** What `prepareJob` needs from its `Docket`. */
export interface PrepareEnvironment {
  /** The registered task of that name. */
  task(name: string): TaskDefinition<any, any> | undefined;
  /** Retention set for a queue in `new Docket({ queues })`. */
  queueRetention(queue: string): RetentionPolicy | undefined;
  /** The `Docket`-wide default retention. */
  readonly retention: RetentionPolicy | undefined;
  readonly maxPayloadBytes: number;
  readonly newId: JobIdGenerator;
}

/** Where a job sits in an `enqueueMany` batch, for its dependency checks. */
export interface BatchPosition {
  /** Whether `id` is a caller-supplied id of this job or of a later job of the batch, and of no earlier one. */
  notYetEnqueued(id: string): boolean;
}

/**
 * Resolves a task reference. A name must be registered; a definition object
 * must be the very one registered under its name, because the worker runs the
 * registered handler and the schema checked here must be the same one.
 */
export function resolveTask(
  env: Pick<PrepareEnvironment, 'task'>,
  ref: TaskDefinition<any, any> | string,
): TaskDefinition<any, any> {
  if (typeof ref === 'string') {
    assertName('task', ref);
    const task = env.task(ref);
    if (!task) throw new UnknownTaskError(ref);
    return task;
  }
  if (typeof ref !== 'object' || ref === null || typeof ref.name !== 'string') {
    throw new InvalidOptionError('Expected a task name or a definition made by defineTask().');
  }
  const task = env.task(ref.name);
  if (!task) throw new UnknownTaskError(ref.name);
  if (task !== ref) {
    throw new InvalidOptionError(
      `Task "${ref.name}" was passed as a definition other than the one registered under that name; pass the registered definition or its name.`,
    );
  }
  return task;
}

/** The latest time a `Date` can hold; later run times could not be reported. */
const MAX_TIME = 8.64e15;

function toRunAt(now: number, options: EnqueueOptions): number {
  const runAt = runAtOf(now, options);
  if (runAt > MAX_TIME)
    throw new InvalidOptionError(`The run time ${runAt} is past the latest Date (${MAX_TIME}).`);
  return runAt;
}

function runAtOf(now: number, options: EnqueueOptions): number {
  const { delay, runAt } = options;
  if (delay !== undefined && runAt !== undefined) {
    throw new InvalidOptionError('Pass either `delay` or `runAt`, not both.');
  }
  if (delay !== undefined) {
    assertNumber('delay', delay, { min: 0 });
    return now + Math.ceil(delay);
  }
  if (runAt === undefined) return now;
  const ms = runAt instanceof Date ? runAt.getTime() : runAt;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new InvalidOptionError(`runAt must be a valid Date or epoch ms, got ${String(runAt)}.`);
  }
  return Math.ceil(ms);
}

function toUnique(unique: EnqueueOptions['unique']): NewJob['unique'] {
  if (unique === undefined) return null;
  if (typeof unique !== 'object' || unique === null || Array.isArray(unique)) {
    throw new InvalidOptionError('unique must be an object { key, period? }.');
  }
  for (const key of Object.keys(unique)) {
    if (key !== 'key' && key !== 'period')
      throw new InvalidOptionError(`unique has an unknown key "${key}".`);
  }
  const { key, period } = unique;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_UNIQUE_KEY_LENGTH) {
    throw new InvalidOptionError(
      `unique.key must be a non-empty string of at most ${MAX_UNIQUE_KEY_LENGTH} characters.`,
    );
  }
  if (!isStorableText(key)) {
    throw new InvalidOptionError(
      'unique.key contains U+0000 or an unpaired surrogate, which stores cannot keep.',
    );
  }
  if (period === undefined) return { key, period: null };
  assertNumber('unique.period', period, { min: 0 });
  if (period > MAX_TIME) throw new InvalidOptionError(`unique.period must be ≤ ${MAX_TIME} ms.`);
  return { key, period: Math.ceil(period) };
}

function toDependsOn(dependsOn: unknown, ownId: string, batch: BatchPosition | undefined): string[] {
  if (dependsOn === undefined) return [];
  if (!Array.isArray(dependsOn)) throw new InvalidOptionError('dependsOn must be an array of job ids.');
  const seen = new Set<string>();
  for (const id of dependsOn) {
    assertJobId(id);
    if (seen.has(id)) throw new InvalidOptionError(`dependsOn lists job "${id}" twice.`);
    if (id === ownId) throw new InvalidOptionError(`Job "${id}" cannot depend on itself.`);
    if (batch?.notYetEnqueued(id)) {
      throw new InvalidOptionError(
        `dependsOn names job "${id}", which comes later in the same batch; a job may only depend on earlier ones.`,
      );
    }
    seen.add(id);
  }
  return [...seen];
}

/**
 * Turns one enqueue call into the `NewJob` the store receives: resolves the
 * task, validates every option, runs the schema, serialises the payload and
 * resolves retention. Writes nothing; throws the typed errors of `errors.ts`.
 *
 * The payload is stored as given, not as the schema's output, so that the
 * worker's second validation sees the same input the first one accepted.
 *
 * Synchronous (and throwing synchronously) unless the task has a schema, whose
 * validation may be asynchronous: the enqueue paths call it once per job and
 * skip a promise when they can; `await` it anywhere else.
 */
export function prepareJobNow(
  env: PrepareEnvironment,
  now: number,
  taskRef: TaskDefinition<any, any> | string,
  payload: unknown,
  options: EnqueueOptions = {},
  batch?: BatchPosition,
): NewJob | Promise<NewJob> {
  const task = resolveTask(env, taskRef);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('Enqueue options must be an object.');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new InvalidOptionError(`Unknown enqueue option "${key}".`);
  }
  const queue = options.queue ?? task.queue ?? 'default';
  assertName('queue', queue);
  let id: string;
  if (options.id !== undefined) {
    assertJobId(options.id);
    id = options.id;
  } else {
    id = env.newId();
  }
  const runAt = toRunAt(now, options);
  const priority = options.priority ?? task.priority ?? 0;
  assertInt32('priority', priority);
  const maxAttempts = options.maxAttempts ?? task.maxAttempts ?? 3;
  assertInt32('maxAttempts', maxAttempts, 1);
  if (options.hold !== undefined && typeof options.hold !== 'boolean') {
    throw new InvalidOptionError('hold must be a boolean.');
  }
  const unique = toUnique(options.unique);
  const dependsOn = toDependsOn(options.dependsOn, id, batch);
  const job: NewJob = {
    id,
    task: task.name,
    queue,
    payload: '',
    priority,
    runAt,
    maxAttempts,
    hold: options.hold ?? false,
    dependsOn,
    unique,
    retention: DEFAULT_RETENTION_SPEC,
  };
  if (!task.schema) return finishJob(env, task, payload, job);
  return validatePayload(task, payload).then(() => finishJob(env, task, payload, job));
}

/** Placeholder until `finishJob` resolves the job's retention. */
const DEFAULT_RETENTION_SPEC = resolveRetention();

/** The steps after the schema: the payload's JSON text (typed errors) and the retention. */
function finishJob(
  env: PrepareEnvironment,
  task: TaskDefinition<any, any>,
  payload: unknown,
  job: NewJob,
): NewJob {
  job.payload = toJson(payload, `Payload of task "${task.name}"`, env.maxPayloadBytes);
  job.retention = resolveRetention(task.retention, env.queueRetention(job.queue), env.retention);
  return job;
}

/** {@link prepareJobNow} as a promise: a synchronous throw becomes a rejection. */
export const prepareJob = async (...args: Parameters<typeof prepareJobNow>): Promise<NewJob> =>
  prepareJobNow(...args);
