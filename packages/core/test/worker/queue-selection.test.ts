import { describe, expect, it } from 'vitest';
import { InvalidNameError, InvalidOptionError } from '../../src/errors.js';
import { queueSelection } from '../../src/worker/queue-selection.js';
import { seededRandom } from './fixtures.js';

describe('queueSelection', () => {
  it('serves "default" when no queues are given', () => {
    const selection = queueSelection(undefined);
    expect(selection.queues).toEqual(['default']);
    expect(selection.order()).toEqual(['default']);
  });

  it('keeps array order (strict priority)', () => {
    const selection = queueSelection(['critical', 'default', 'low']);
    expect(selection.mode).toBe('strict');
    for (let i = 0; i < 5; i++) expect(selection.order()).toEqual(['critical', 'default', 'low']);
  });

  it('orders weights highest first with strict: true, ties in declaration order', () => {
    const selection = queueSelection({ low: 1, b: 3, critical: 6, a: 3 }, true);
    expect(selection.order()).toEqual(['critical', 'b', 'a', 'low']);
  });

  it('draws weighted orders: first-place frequency follows the weights', () => {
    const selection = queueSelection({ critical: 6, default: 3, low: 1 });
    expect(selection.mode).toBe('weighted');
    const random = seededRandom(42);
    const rounds = 10_000;
    const first: Record<string, number> = { critical: 0, default: 0, low: 0 };
    const second: Record<string, number> = { critical: 0, default: 0, low: 0 };
    for (let i = 0; i < rounds; i++) {
      const order = selection.order(random);
      if (order.length !== 3 || new Set(order).size !== 3) throw new Error(`not a permutation: ${order}`);
      first[order[0]!]!++;
      second[order[1]!]!++;
    }
    expect(first.critical! / rounds).toBeCloseTo(0.6, 1);
    expect(first.default! / rounds).toBeCloseTo(0.3, 1);
    expect(first.low! / rounds).toBeCloseTo(0.1, 1);
    // Without replacement: P(low second) = 0.6·1/4 + 0.3·1/7 ≈ 0.193.
    expect(second.low! / rounds).toBeCloseTo(0.193, 1);
  });

  it('never falls off the end on a draw at the top of the range', () => {
    const selection = queueSelection({ a: 1, b: 1 });
    expect(selection.order(() => 0.999_999_999_999)).toEqual(['b', 'a']);
    expect(selection.order(() => 0)).toEqual(['a', 'b']);
  });

  it.each([
    [[], InvalidOptionError, /at least one/],
    [{}, InvalidOptionError, /at least one/],
    [['a', 'a'], InvalidOptionError, /listed twice/],
    [['bad name'], InvalidNameError, /Invalid queue name/],
    [{ 'bad/name': 1 }, InvalidNameError, /Invalid queue name/],
    [{ a: 0 }, InvalidOptionError, /positive number/],
    [{ a: -1 }, InvalidOptionError, /positive number/],
    [{ a: Number.NaN }, InvalidOptionError, /positive number/],
    ['default', InvalidOptionError, /array of queue names/],
  ])('rejects %j', (option, type, message) => {
    expect(() => queueSelection(option as never)).toThrow(type);
    expect(() => queueSelection(option as never)).toThrow(message);
  });
});
