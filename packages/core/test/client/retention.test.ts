import { describe, expect, it } from 'vitest';
import { assertRetentionPolicy, DEFAULT_RETENTION, resolveRetention } from '../../src/client/retention.js';
import { InvalidOptionError } from '../../src/errors.js';

const DAY = 86_400_000;

describe('resolveRetention', () => {
  it('uses the built-in defaults when nothing is set', () => {
    expect(resolveRetention()).toEqual({
      completed: DAY,
      failed: 7 * DAY,
      cancelled: 7 * DAY,
      dropPayload: false,
    });
    expect(resolveRetention(undefined, undefined, undefined)).toEqual(resolveRetention());
    expect(DEFAULT_RETENTION.completed).toBe(DAY);
  });

  it('takes each field from the first layer that sets it: task > queue > docket > default', () => {
    const task = { completed: 1 };
    const queue = { completed: 2, failed: 20 };
    const docket = { completed: 3, failed: 30, cancelled: 300, dropPayload: true };
    expect(resolveRetention(task, queue, docket)).toEqual({
      completed: 1,
      failed: 20,
      cancelled: 300,
      dropPayload: true,
    });
    expect(resolveRetention(undefined, queue, undefined)).toEqual({
      completed: 2,
      failed: 20,
      cancelled: 7 * DAY,
      dropPayload: false,
    });
  });

  it("turns 'forever' into null, and a lower layer's forever is overridden by a higher duration", () => {
    expect(resolveRetention({ failed: 'forever' })).toMatchObject({ failed: null, completed: DAY });
    expect(resolveRetention({ failed: 5 }, { failed: 'forever' })).toMatchObject({ failed: 5 });
    expect(resolveRetention({ completed: 0 })).toMatchObject({ completed: 0 });
  });

  it('skips fields set to undefined', () => {
    expect(resolveRetention({ completed: undefined }, { completed: 9 })).toMatchObject({ completed: 9 });
  });
});

describe('assertRetentionPolicy', () => {
  it.each([
    ['not an object', 5],
    ['null', null],
    ['an array', []],
    ['a negative duration', { completed: -5 }],
    ['a fractional duration', { failed: 1.5 }],
    ['an infinite duration', { cancelled: Number.POSITIVE_INFINITY }],
    ['an unknown key', { complete: 1 }],
    ['a non-boolean dropPayload', { dropPayload: 1 }],
  ])('rejects %s', (_why, policy) => {
    expect(() => assertRetentionPolicy('retention', policy)).toThrow(InvalidOptionError);
  });

  it('accepts undefined and valid policies', () => {
    expect(() => assertRetentionPolicy('retention', undefined)).not.toThrow();
    expect(() =>
      assertRetentionPolicy('retention', {
        completed: 0,
        failed: 'forever',
        cancelled: 5,
        dropPayload: true,
      }),
    ).not.toThrow();
  });
});
