import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTask } from '../../src/client/define-task.js';
import { createJobIdGenerator } from '../../src/client/job-id.js';
import { type PrepareEnvironment, prepareJob } from '../../src/client/prepare-job.js';
import {
  InvalidNameError,
  InvalidOptionError,
  InvalidPayloadError,
  PayloadTooLargeError,
  UnknownTaskError,
  ValidationError,
} from '../../src/errors.js';
import type { RetentionPolicy, TaskDefinition } from '../../src/task.js';

const NOW = Date.UTC(2030, 0, 1);
const handler = async () => null;
const plain = defineTask({ name: 'plain', handler });
const emails = defineTask({
  name: 'send-email',
  handler,
  queue: 'emails',
  maxAttempts: 5,
  priority: 2,
  retention: { completed: 1000 },
  schema: z.object({ to: z.string().email() }),
});

function env(
  tasks: TaskDefinition<any, any>[] = [plain, emails],
  extra: Partial<PrepareEnvironment> & { queues?: Record<string, RetentionPolicy> } = {},
): PrepareEnvironment {
  const map = new Map(tasks.map((t) => [t.name, t]));
  return {
    task: (name) => map.get(name),
    queueRetention: (queue) => extra.queues?.[queue],
    retention: extra.retention,
    maxPayloadBytes: extra.maxPayloadBytes ?? 1024,
    newId: extra.newId ?? createJobIdGenerator(() => NOW),
  };
}

describe('prepareJob', () => {
  it('builds a NewJob from the task defaults', async () => {
    const job = await prepareJob(env(), NOW, plain, { a: 1 });
    expect(job).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      task: 'plain',
      queue: 'default',
      payload: '{"a":1}',
      priority: 0,
      runAt: NOW,
      maxAttempts: 3,
      hold: false,
      dependsOn: [],
      unique: null,
      retention: { completed: 86_400_000, failed: 604_800_000, cancelled: 604_800_000, dropPayload: false },
    });
  });

  it('resolves a task by name, and options override the task defaults', async () => {
    const job = await prepareJob(
      env(),
      NOW,
      'send-email',
      { to: 'a@b.co' },
      {
        queue: 'urgent',
        priority: -1,
        maxAttempts: 1,
        delay: 1500,
        hold: true,
        id: 'my-id',
        unique: { key: 'k', period: 60_000 },
        dependsOn: ['dep-1', 'dep-2'],
      },
    );
    expect(job).toMatchObject({
      id: 'my-id',
      task: 'send-email',
      queue: 'urgent',
      priority: -1,
      maxAttempts: 1,
      runAt: NOW + 1500,
      hold: true,
      unique: { key: 'k', period: 60_000 },
      dependsOn: ['dep-1', 'dep-2'],
    });
  });

  it('takes the task defaults of queue, priority and maxAttempts', async () => {
    const job = await prepareJob(env(), NOW, emails, { to: 'a@b.co' });
    expect(job).toMatchObject({ queue: 'emails', priority: 2, maxAttempts: 5, unique: null });
    expect(job.retention.completed).toBe(1000);
  });

  it('accepts runAt as a Date or epoch ms, in the past too', async () => {
    expect((await prepareJob(env(), NOW, plain, 1, { runAt: new Date(NOW + 10) })).runAt).toBe(NOW + 10);
    expect((await prepareJob(env(), NOW, plain, 1, { runAt: NOW - 10 })).runAt).toBe(NOW - 10);
  });

  it('resolves retention task > queue > docket > default', async () => {
    const e = env([plain, emails], {
      queues: { emails: { failed: 5, completed: 6 }, default: { cancelled: 7 } },
      retention: { failed: 'forever', cancelled: 8, dropPayload: true },
    });
    expect((await prepareJob(e, NOW, emails, { to: 'a@b.co' })).retention).toEqual({
      completed: 1000,
      failed: 5,
      cancelled: 8,
      dropPayload: true,
    });
    expect((await prepareJob(e, NOW, plain, null)).retention).toEqual({
      completed: 86_400_000,
      failed: null,
      cancelled: 7,
      dropPayload: true,
    });
  });

  it('stores the payload as given, not as transformed by the schema', async () => {
    const trimmed = defineTask({ name: 'trimmed', handler, schema: z.object({ s: z.string().trim() }) });
    const job = await prepareJob(env([trimmed]), NOW, trimmed, { s: '  x  ' });
    expect(job.payload).toBe('{"s":"  x  "}');
  });

  describe('rejects, with a typed error', () => {
    const cases: Array<[string, unknown, unknown, unknown, new (...a: any[]) => Error]> = [
      ['an unknown task name', 'nope', {}, {}, UnknownTaskError],
      ['an invalid task name', 'bad name', {}, {}, InvalidNameError],
      ['an unregistered definition', defineTask({ name: 'other', handler }), {}, {}, UnknownTaskError],
      [
        'a definition other than the registered one',
        defineTask({ name: 'plain', handler }),
        {},
        {},
        InvalidOptionError,
      ],
      ['a plain object as task', { name: 'plain' }, {}, {}, InvalidOptionError],
      ['a bad queue name', plain, {}, { queue: 'a b' }, InvalidNameError],
      ['a bad caller id', plain, {}, { id: 'has space' }, InvalidNameError],
      ['an empty caller id', plain, {}, { id: '' }, InvalidNameError],
      ['a negative delay', plain, {}, { delay: -1 }, InvalidOptionError],
      ['a NaN delay', plain, {}, { delay: Number.NaN }, InvalidOptionError],
      ['delay with runAt', plain, {}, { delay: 1, runAt: NOW }, InvalidOptionError],
      ['an invalid Date', plain, {}, { runAt: new Date('nope') }, InvalidOptionError],
      ['runAt as a string', plain, {}, { runAt: '2030-01-01' }, InvalidOptionError],
      ['a delay past the latest Date', plain, {}, { delay: 1e300 }, InvalidOptionError],
      ['a runAt past the latest Date', plain, {}, { runAt: 9e15 }, InvalidOptionError],
      [
        'a unique period past the latest Date',
        plain,
        {},
        { unique: { key: 'k', period: 1e300 } },
        InvalidOptionError,
      ],
      ['a fractional priority', plain, {}, { priority: 1.5 }, InvalidOptionError],
      ['a huge priority', plain, {}, { priority: 2 ** 40 }, InvalidOptionError],
      ['maxAttempts 0', plain, {}, { maxAttempts: 0 }, InvalidOptionError],
      ['a non-boolean hold', plain, {}, { hold: 'yes' }, InvalidOptionError],
      ['an empty unique key', plain, {}, { unique: { key: '' } }, InvalidOptionError],
      ['a unique key over 256 chars', plain, {}, { unique: { key: 'k'.repeat(257) } }, InvalidOptionError],
      ['a non-string unique key', plain, {}, { unique: { key: 5 } }, InvalidOptionError],
      ['a negative unique period', plain, {}, { unique: { key: 'k', period: -1 } }, InvalidOptionError],
      ['an unknown unique option', plain, {}, { unique: { key: 'k', ttl: 5 } }, InvalidOptionError],
      ['dependsOn not an array', plain, {}, { dependsOn: 'x' }, InvalidOptionError],
      ['an invalid dependency id', plain, {}, { dependsOn: ['a b'] }, InvalidNameError],
      ['a duplicated dependency', plain, {}, { dependsOn: ['a', 'a'] }, InvalidOptionError],
      ['a dependency on itself', plain, {}, { id: 'me', dependsOn: ['me'] }, InvalidOptionError],
      ['an unknown option', plain, {}, { dealy: 5 }, InvalidOptionError],
      ['options that are not an object', plain, {}, 5, InvalidOptionError],
      ['a payload failing the schema', emails, { to: 'not-an-email' }, {}, ValidationError],
      ['a BigInt payload', plain, { n: 1n }, {}, InvalidPayloadError],
      [
        'a cyclic payload',
        plain,
        (() => {
          const o: any = {};
          o.o = o;
          return o;
        })(),
        {},
        InvalidPayloadError,
      ],
      ['an undefined payload', plain, undefined, {}, InvalidPayloadError],
      ['a function in the payload', plain, { f() {} }, {}, InvalidPayloadError],
      ['a payload over maxPayloadBytes', plain, 'x'.repeat(2000), {}, PayloadTooLargeError],
    ];
    it.each(cases)('%s', async (_why, task, payload, options, ErrorClass) => {
      let ids = 0;
      const e = env(undefined, { newId: () => `id-${++ids}` });
      await expect(prepareJob(e, NOW, task as any, payload, options as any)).rejects.toThrow(ErrorClass);
    });
  });

  it('reports the schema issues with their paths', async () => {
    const error = await prepareJob(env(), NOW, emails, { to: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION_FAILED');
    expect((error as ValidationError).issues).toEqual([{ message: expect.any(String), path: ['to'] }]);
    expect((error as ValidationError).message).toContain('to:');
  });

  it('counts the payload size in UTF-8 bytes', async () => {
    const e = env(undefined, { maxPayloadBytes: 100 });
    // 40 three-byte characters: 42 UTF-16 units of JSON but 122 bytes.
    await expect(prepareJob(e, NOW, plain, '€'.repeat(40))).rejects.toThrow(PayloadTooLargeError);
    await expect(prepareJob(e, NOW, plain, 'e'.repeat(40))).resolves.toBeDefined();
  });

  it('forbids depending on a later job of the batch', async () => {
    const later = new Set(['later']);
    await expect(
      prepareJob(
        env(),
        NOW,
        plain,
        1,
        { dependsOn: ['earlier', 'later'] },
        { notYetEnqueued: (id) => later.has(id) },
      ),
    ).rejects.toThrow(/later in the same batch/);
    await expect(
      prepareJob(env(), NOW, plain, 1, { dependsOn: ['earlier'] }, { notYetEnqueued: (id) => later.has(id) }),
    ).resolves.toMatchObject({ dependsOn: ['earlier'] });
  });
});

describe('Standard Schema', () => {
  function handWritten(async: boolean): StandardSchemaV1<{ n: number }> {
    return {
      '~standard': {
        version: 1,
        vendor: 'hand-written',
        validate(value) {
          const ok = typeof value === 'object' && value !== null && typeof (value as any).n === 'number';
          const result: StandardSchemaV1.Result<{ n: number }> = ok
            ? { value: value as { n: number } }
            : { issues: [{ message: 'n must be a number', path: [{ key: 'n' }] }] };
          return async ? Promise.resolve(result) : result;
        },
      },
    };
  }

  it.each([false, true])('runs a hand-written validator (async: %s)', async (async) => {
    const task = defineTask({ name: 'hand', handler, schema: handWritten(async) });
    const e = env([task]);
    await expect(prepareJob(e, NOW, task, { n: 1 })).resolves.toMatchObject({ payload: '{"n":1}' });
    const error = await prepareJob(e, NOW, task, { n: 'one' }).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ message: 'n must be a number', path: ['n'] }]);
  });

  it('runs an async zod schema', async () => {
    const schema = z.object({ id: z.string() }).refine(async (v) => v.id !== 'taken', { message: 'taken' });
    const task = defineTask({ name: 'zod-async', handler, schema });
    await expect(prepareJob(env([task]), NOW, task, { id: 'free' })).resolves.toBeDefined();
    await expect(prepareJob(env([task]), NOW, task, { id: 'taken' })).rejects.toThrow(/taken/);
  });
});
