import { describe, expect, it } from 'vitest';
import { InvalidPayloadError, PayloadTooLargeError } from '../src/errors.js';
import { toJson } from '../src/validate.js';

const MAX = 1024 * 1024;
const json = (value: unknown) => toJson(value, 'Payload', MAX);

/** What toJson wrote before its fast path: JSON.stringify with the checking replacer. */
function careful(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => v);
}

describe('toJson', () => {
  it('writes plain values exactly as JSON.stringify does', () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const values: unknown[] = [
      null,
      0,
      -0,
      1.5,
      'a\u2028"b"\ud800',
      true,
      [],
      {},
      { a: 1, b: [1, 'x', null, { c: false }], d: undefined },
      [undefined, 1],
      sparse,
      Object.assign(Object.create(null), { n: 1 }),
      { date: new Date(0), nested: { toJSON: () => 'custom' } },
      new Map([[1, 2]]),
      Object.assign(Object.create({ inherited: 1 }), { own: 2 }),
    ];
    for (const value of values) expect(json(value)).toBe(careful(value));
  });

  it('refuses what JSON cannot hold, however deep', () => {
    let deep: unknown = { n: Number.NaN };
    for (let i = 0; i < 40; i++) deep = { deep };
    for (const value of [
      undefined,
      { f: () => 1 },
      [Symbol('s')],
      { n: 10n },
      { x: Number.POSITIVE_INFINITY },
      [1, [2, [Number.NaN]]],
      deep,
    ]) {
      expect(() => json(value)).toThrow(InvalidPayloadError);
    }
  });

  it('refuses cycles, also ones that branch', () => {
    const cycle: Record<string, unknown> = {};
    cycle.a = cycle;
    cycle.b = cycle;
    expect(() => json(cycle)).toThrow(InvalidPayloadError);
  });

  it('keeps nested plain payloads past the fast path limits identical', () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 40; i++) deep = { deep, i };
    const wide = Array.from({ length: 3000 }, (_, i) => ({ i }));
    expect(json(deep)).toBe(JSON.stringify(deep));
    expect(json(wide)).toBe(JSON.stringify(wide));
  });

  it('measures bytes on both paths', () => {
    expect(() => toJson('€'.repeat(40), 'Payload', 100)).toThrow(PayloadTooLargeError);
    expect(toJson('e'.repeat(40), 'Payload', 100)).toBe(`"${'e'.repeat(40)}"`);
  });
});
