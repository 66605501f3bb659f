import { describe, expect, it } from 'vitest';
import { PermanentError, TimeoutError } from '../../src/errors.js';
import { decideFailure, toAttemptError } from '../../src/worker/retry.js';
import { claimedJob, jobInfo, task } from './fixtures.js';

const now = Date.UTC(2030, 0, 1, 12);
const info = jobInfo();
const noJitter = { type: 'exponential' as const, delay: 1000, jitter: 0 };

describe('decideFailure', () => {
  it('retries at now + backoff while attempts remain, keeping the error', () => {
    const error = new TypeError('smtp down');
    const decision = decideFailure({
      job: claimedJob({ attempts: 2, maxAttempts: 5 }),
      task: task({ backoff: noJitter }),
      error,
      info,
      now,
    });
    expect(decision.outcome).toBe('retrying');
    expect(decision.ack).toEqual({
      type: 'fail',
      id: 'job-1',
      token: 'token-1',
      retryAt: now + 2000,
      error: { attempt: 2, at: now, message: 'smtp down', name: 'TypeError', stack: error.stack },
    });
  });

  it('fails when the last attempt throws', () => {
    const decision = decideFailure({
      job: claimedJob({ attempts: 3, maxAttempts: 3 }),
      task: task(),
      error: new Error('still down'),
      info,
      now,
    });
    expect(decision.outcome).toBe('failed');
    expect(decision.ack).toMatchObject({ type: 'fail', retryAt: null, error: { attempt: 3 } });
  });

  it('fails at once on a PermanentError, also one from another copy of the package', () => {
    const job = claimedJob({ attempts: 1, maxAttempts: 10 });
    expect(
      decideFailure({ job, task: task(), error: new PermanentError('bad address'), info, now }).outcome,
    ).toBe('failed');
    const foreign = new Error('bad address');
    foreign.name = 'PermanentError';
    expect(decideFailure({ job, task: task(), error: foreign, info, now }).outcome).toBe('failed');
    expect(
      decideFailure({ job, task: task(), error: new Error('x'), info, now, permanent: true }).outcome,
    ).toBe('failed');
  });

  it('reschedules without spending an attempt when isFailure says no', () => {
    const seen: unknown[] = [];
    const rateLimited = new Error('429');
    const decision = decideFailure({
      job: claimedJob({ attempts: 3, maxAttempts: 3 }),
      task: task({
        backoff: noJitter,
        isFailure: (error) => {
          seen.push(error);
          return false;
        },
      }),
      error: rateLimited,
      info,
      now,
    });
    expect(seen).toEqual([rateLimited]);
    expect(decision).toEqual({
      outcome: 'snoozed',
      retryAt: now + 4000,
      ack: { type: 'snooze', id: 'job-1', token: 'token-1', runAt: now + 4000 },
    });
  });

  it('does not consult isFailure for permanent errors or the rescuer', () => {
    const t = task({ isFailure: () => false });
    const job = claimedJob({ attempts: 1, maxAttempts: 3 });
    expect(decideFailure({ job, task: t, error: new PermanentError('no'), info, now }).outcome).toBe(
      'failed',
    );
    const rescued = decideFailure({
      job,
      task: t,
      error: new Error('lease expired'),
      info,
      now,
      alwaysCounts: true,
      requireExpired: true,
    });
    expect(rescued.outcome).toBe('retrying');
    expect(rescued.ack).toMatchObject({ type: 'fail', requireExpired: true });
  });

  it('falls back to the defaults when isFailure or the backoff function throws, and reports it', () => {
    const reported: string[] = [];
    const decision = decideFailure({
      job: claimedJob({ attempts: 1, maxAttempts: 3 }),
      task: task({
        isFailure: () => {
          throw new Error('predicate bug');
        },
        backoff: () => {
          throw new Error('backoff bug');
        },
      }),
      error: new Error('x'),
      info,
      now,
      random: () => 0.5,
      onPolicyError: (_error, what) => reported.push(what),
    });
    expect(decision).toMatchObject({ outcome: 'retrying', retryAt: now + 1000 });
    expect(reported).toEqual(['isFailure of task "send-email"', 'backoff of task "send-email"']);
  });

  it('uses the default backoff for a task this worker does not know', () => {
    const decision = decideFailure({
      job: claimedJob({ attempts: 2, maxAttempts: 3 }),
      task: undefined,
      error: new TimeoutError(100),
      info,
      now,
      random: () => 0.5,
    });
    expect(decision).toMatchObject({ outcome: 'retrying', retryAt: now + 2000 });
    expect(decision.outcome === 'retrying' && decision.error.name).toBe('TimeoutError');
  });
});

describe('toAttemptError', () => {
  it('keeps message, name, stack, attempt and time', () => {
    const error = new RangeError('out of range');
    expect(toAttemptError(error, 2, now)).toEqual({
      attempt: 2,
      at: now,
      message: 'out of range',
      name: 'RangeError',
      stack: error.stack,
    });
  });

  it('describes thrown non-errors and bounds huge messages', () => {
    expect(toAttemptError('plain string', 1, now)).toEqual({ attempt: 1, at: now, message: 'plain string' });
    expect(toAttemptError({ code: 42 }, 1, now).message).toBe('{"code":42}');
    expect(toAttemptError(undefined, 1, now).message).toBe('undefined');
    expect(toAttemptError(new Error('x'.repeat(10_000)), 1, now).message.length).toBeLessThan(4_100);
  });
});
