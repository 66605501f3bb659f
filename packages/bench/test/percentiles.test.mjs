import { describe, expect, it } from 'vitest';
import { latencySummary, median, percentile } from '../src/percentiles.mjs';

describe('percentile (nearest rank)', () => {
  it('picks the nearest-rank sample of an ascending array', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
  });

  it('returns the only sample for any p, and null without samples', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('median', () => {
  it('averages the two middle values of an even count and ignores missing ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, 5, undefined, 1])).toBe(3);
    expect(median([null])).toBeNull();
  });
});

describe('latencySummary', () => {
  it('sorts the samples and rounds to 0.01 ms', () => {
    const samples = [5.555, 1.111, 3.333, 2.222, 4.444];
    expect(latencySummary(samples)).toEqual({ p50_ms: 3.33, p95_ms: 5.56, p99_ms: 5.56 });
  });
});
