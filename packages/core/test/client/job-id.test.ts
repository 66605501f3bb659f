import { describe, expect, it } from 'vitest';
import { createJobIdGenerator, jobIdTime } from '../../src/client/job-id.js';
import { assertJobId } from '../../src/validate.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('job ids', () => {
  it('are UUIDv7-shaped, valid job ids, and encode the time', () => {
    const time = Date.UTC(2030, 0, 1, 12, 34, 56, 789);
    const id = createJobIdGenerator(() => time)();
    expect(id).toMatch(UUID_V7);
    expect(() => assertJobId(id)).not.toThrow();
    expect(jobIdTime(id)).toBe(time);
  });

  it('sort by creation time across milliseconds', () => {
    let time = 1_000_000;
    const next = createJobIdGenerator(() => time);
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      ids.push(next());
      time += 1 + (i % 3);
    }
    expect([...ids].sort()).toEqual(ids);
  });

  it('are strictly increasing and unique within one millisecond, even past the counter space', () => {
    const time = Date.UTC(2030, 0, 1);
    const next = createJobIdGenerator(() => time);
    const ids = Array.from({ length: 10_000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // 10 000 ids cannot fit 4096 counter values: the timestamp field moved ahead, by a few ms only.
    expect(jobIdTime(ids.at(-1)!) - time).toBeGreaterThan(0);
    expect(jobIdTime(ids.at(-1)!) - time).toBeLessThan(5);
  });

  it('stay increasing when the clock goes backwards', () => {
    let time = 5_000_000;
    const next = createJobIdGenerator(() => time);
    const first = next();
    time -= 1000;
    const second = next();
    expect(second > first).toBe(true);
  });

  it('differ between generators at the same millisecond', () => {
    const a = createJobIdGenerator(() => 42)();
    const b = createJobIdGenerator(() => 42)();
    expect(a).not.toBe(b);
    expect(jobIdTime(a)).toBe(42);
  });
});
