import { describe, expect, it } from 'vitest';
import { defineTask, isTaskDefinition } from '../../src/client/define-task.js';
import { InvalidNameError, InvalidOptionError } from '../../src/errors.js';

const handler = async () => null;

describe('defineTask', () => {
  it('fills defaults, marks and freezes the definition', () => {
    const task = defineTask({ name: 'send-email', handler });
    expect(task).toMatchObject({
      name: 'send-email',
      queue: 'default',
      maxAttempts: 3,
      priority: 0,
      kind: 'docket.task',
    });
    expect(Object.isFrozen(task)).toBe(true);
    expect(isTaskDefinition(task)).toBe(true);
    expect(isTaskDefinition({ name: 'x', handler })).toBe(false);
  });

  it('keeps the options it was given', () => {
    const backoff = { type: 'exponential', delay: 1000, max: 60_000, jitter: 0.5 } as const;
    const task = defineTask({
      name: 'a.b:c_d-e',
      handler,
      queue: 'emails',
      maxAttempts: 5,
      timeout: 30_000,
      priority: -3,
      backoff,
      retention: { completed: 1000, failed: 'forever', dropPayload: true },
    });
    expect(task).toMatchObject({ queue: 'emails', maxAttempts: 5, timeout: 30_000, priority: -3, backoff });
  });

  it.each([
    ['empty', ''],
    ['a space', 'send email'],
    ['a leading dash', '-x'],
    ['too long', 'a'.repeat(129)],
    ['not a string', 42],
  ])('rejects a task name that is %s', (_why, name) => {
    expect(() => defineTask({ name: name as string, handler })).toThrow(InvalidNameError);
  });

  it('rejects a bad queue name', () => {
    expect(() => defineTask({ name: 't', handler, queue: 'bad queue' })).toThrow(InvalidNameError);
  });

  it.each([
    ['a missing handler', { handler: undefined }],
    ['maxAttempts 0', { maxAttempts: 0 }],
    ['fractional maxAttempts', { maxAttempts: 1.5 }],
    ['maxAttempts beyond int32', { maxAttempts: 2 ** 31 }],
    ['timeout 0', { timeout: 0 }],
    ['negative timeout', { timeout: -1 }],
    ['timeout beyond setTimeout', { timeout: 2 ** 31 }],
    ['NaN timeout', { timeout: Number.NaN }],
    ['fractional priority', { priority: 0.5 }],
    ['string priority', { priority: '1' }],
    ['unknown backoff type', { backoff: { type: 'random' } }],
    ['negative backoff delay', { backoff: { type: 'fixed', delay: -1 } }],
    ['jitter above 1', { backoff: { type: 'fixed', jitter: 1.5 } }],
    ['unknown backoff key', { backoff: { type: 'fixed', dealy: 5 } }],
    ['backoff as a number', { backoff: 1000 }],
    ['negative retention', { retention: { completed: -1 } }],
    ['retention as text', { retention: { failed: '7d' } }],
    ['unknown retention key', { retention: { done: 1 } }],
    ['non-boolean dropPayload', { retention: { dropPayload: 'yes' } }],
    ['a schema that is not Standard Schema', { schema: { parse() {} } }],
    ['a non-function isFailure', { isFailure: true }],
    ['an unknown option (typo)', { retries: 3 }],
  ])('rejects %s with InvalidOptionError', (_why, extra) => {
    expect(() => defineTask({ name: 't', handler, ...(extra as object) })).toThrow(InvalidOptionError);
  });

  it('accepts a backoff function', () => {
    const backoff = (attempt: number) => attempt * 10;
    expect(defineTask({ name: 't', handler, backoff }).backoff).toBe(backoff);
  });
});
