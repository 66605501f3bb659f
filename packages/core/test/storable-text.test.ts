import { describe, expect, it } from 'vitest';
import { isStorableText, storableText } from '../src/validate.js';
import { toAttemptError } from '../src/worker/retry.js';

describe('storableText', () => {
  it('replaces U+0000 and unpaired surrogates, and keeps everything else', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('lone \uD83D high')).toBe('lone \uFFFD high');
    expect(storableText('lone \uDE00 low')).toBe('lone \uFFFD low');
    expect(storableText('pair 😀 ok, 中文, é')).toBe('pair 😀 ok, 中文, é');
    expect(isStorableText('pair 😀')).toBe(true);
    expect(isStorableText('\u0000')).toBe(false);
    expect(isStorableText('\uD83D')).toBe(false);
    // The global regex keeps no state between calls.
    expect([isStorableText('\u0000'), isStorableText('\u0000')]).toEqual([false, false]);
  });

  it("makes an attempt's error storable, even when truncation splits a surrogate pair", () => {
    const error = new Error(`${'x'.repeat(3_999)}😀 and \u0000`);
    const record = toAttemptError(error, 1, 0);
    expect(isStorableText(record.message)).toBe(true);
    expect(isStorableText(record.stack ?? '')).toBe(true);
    expect(toAttemptError(new Error('nul \u0000 here'), 1, 0).message).toBe('nul \uFFFD here');
  });
});
