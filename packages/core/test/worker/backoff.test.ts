import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { assertBackoffOptions, backoffDelay } from '../../src/worker/backoff.js';
import { jobInfo } from './fixtures.js';

const info = jobInfo();
const mid = () => 0.5; // jitter term is zero at 0.5
const err = new Error('boom');

describe('backoffDelay', () => {
  it('defaults to exponential from 1 s with ±10% jitter, capped at 1 h', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(undefined, n, err, info, mid))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect(backoffDelay(undefined, 1, err, info, () => 0)).toBe(900);
    expect(backoffDelay(undefined, 1, err, info, () => 0.999_999)).toBe(1100);
    expect(backoffDelay(undefined, 30, err, info, mid)).toBe(3_600_000);
    expect(backoffDelay(undefined, 30, err, info, () => 0.999)).toBe(3_600_000);
    expect(backoffDelay(undefined, 30, err, info, () => 0)).toBe(3_240_000);
  });

  it('computes fixed, linear and exponential delays', () => {
    const opts = { delay: 500, jitter: 0 };
    expect([1, 2, 3].map((n) => backoffDelay({ type: 'fixed', ...opts }, n, err, info))).toEqual([
      500, 500, 500,
    ]);
    expect([1, 2, 3].map((n) => backoffDelay({ type: 'linear', ...opts }, n, err, info))).toEqual([
      500, 1000, 1500,
    ]);
    expect([1, 2, 3].map((n) => backoffDelay({ type: 'exponential', ...opts }, n, err, info))).toEqual([
      500, 1000, 2000,
    ]);
  });

  it('caps at max and survives huge attempt numbers', () => {
    const options = { type: 'exponential' as const, delay: 1000, max: 10_000, jitter: 0 };
    expect(backoffDelay(options, 5, err, info)).toBe(10_000);
    expect(backoffDelay(options, 5000, err, info)).toBe(10_000);
    expect(backoffDelay({ type: 'exponential', delay: 0, jitter: 0 }, 5000, err, info)).toBe(0);
  });

  it('spreads jittered delays over delay × (1 ± jitter/2)', () => {
    const seen: number[] = [];
    for (let i = 0; i < 200; i++)
      seen.push(backoffDelay({ type: 'fixed', delay: 1000, jitter: 0.5 }, 1, err, info));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(750);
    expect(Math.max(...seen)).toBeLessThanOrEqual(1250);
    expect(new Set(seen).size).toBeGreaterThan(50);
  });

  it('calls a backoff function with attempt, error and job', () => {
    const calls: unknown[][] = [];
    const fn = (attempt: number, error: unknown, job: unknown) => {
      calls.push([attempt, error, job]);
      return attempt * 123.4;
    };
    expect(backoffDelay(fn, 2, err, info)).toBe(247);
    expect(calls).toEqual([[2, err, info]]);
  });

  it('rejects what a backoff function returns when it is not a delay', () => {
    expect(() => backoffDelay(() => -1, 1, err, info)).toThrow(InvalidOptionError);
    expect(() => backoffDelay(() => Number.NaN, 1, err, info)).toThrow(/must return ms/);
  });
});

describe('assertBackoffOptions', () => {
  it('accepts functions and valid objects', () => {
    expect(() => assertBackoffOptions(() => 1)).not.toThrow();
    expect(() => assertBackoffOptions({ type: 'linear', delay: 10, max: 100, jitter: 1 })).not.toThrow();
  });

  it.each([
    [null, /must be a function/],
    [{ type: 'quadratic' }, /type must be/],
    [{ type: 'fixed', delay: -1 }, /delay must be/],
    [{ type: 'fixed', max: Number.POSITIVE_INFINITY }, /max must be/],
    [{ type: 'fixed', jitter: 1.5 }, /jitter must be/],
  ])('rejects %j', (options, message) => {
    expect(() => assertBackoffOptions(options)).toThrow(InvalidOptionError);
    expect(() => assertBackoffOptions(options)).toThrow(message);
  });
});
