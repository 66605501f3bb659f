import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { nextTick, parseRuleKey, parseScheduleRule, ruleKey } from '../../src/worker/schedule-rule.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('parseScheduleRule', () => {
  it('accepts every ≥ 1000 ms and cron with a time zone', () => {
    expect(parseScheduleRule({ every: 60_000 })).toEqual({ kind: 'every', every: 60_000 });
    expect(parseScheduleRule({ cron: ' 0  3 * * * ', timezone: 'europe/paris' })).toEqual({
      kind: 'cron',
      cron: '0 3 * * *',
      timezone: 'Europe/Paris',
    });
    expect(parseScheduleRule({ cron: '*/5 * * * *' })).toEqual({
      kind: 'cron',
      cron: '*/5 * * * *',
      timezone: 'UTC',
    });
  });

  it.each([
    [{ every: 999 }, /≥ 1000/],
    [{ every: 1500.5 }, /integer/],
    [{ every: Number.NaN }, /integer/],
    [{ every: '60000' }, /integer/],
    [{ every: 5000, timezone: 'UTC' }, /`cron` rules only/],
    [{}, /exactly one/],
    [{ every: 5000, cron: '* * * * *' }, /exactly one/],
    [{ cron: '' }, /non-empty/],
    [{ cron: 'bogus' }, /Invalid cron pattern "bogus"/],
    [{ cron: '61 * * * *' }, /Invalid cron pattern/],
    [{ cron: '0 0 30 2 *' }, /never matches/],
    [{ cron: '0 3 * * *', timezone: 'Mars/Olympus' }, /Unknown time zone "Mars\/Olympus"/],
    [{ cron: '0 3 * * *', timezone: 42 }, /IANA/],
    [null, /must be/],
  ])('rejects %j with InvalidOptionError', (input, message) => {
    let thrown: unknown;
    try {
      parseScheduleRule(input as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('ruleKey', () => {
  it('gives equal text for equal rules and round-trips', () => {
    const a = parseScheduleRule({ cron: '0 3 * * *', timezone: 'Europe/Paris' });
    const b = parseScheduleRule({ cron: '0   3 * * *', timezone: 'europe/paris' });
    expect(ruleKey(a)).toBe(ruleKey(b));
    expect(ruleKey(a)).toBe('{"cron":"0 3 * * *","timezone":"Europe/Paris"}');
    expect(ruleKey(parseScheduleRule({ every: 5000 }))).toBe('{"every":5000}');
    expect(parseRuleKey(ruleKey(a))).toEqual(a);
    expect(ruleKey(parseScheduleRule({ cron: '0 3 * * *' }))).not.toBe(ruleKey(a));
  });

  it('rejects stored text that is not a rule', () => {
    expect(() => parseRuleKey('not json')).toThrow(InvalidOptionError);
    expect(() => parseRuleKey('{"every":10}')).toThrow(InvalidOptionError);
  });
});

describe('nextTick: every', () => {
  const rule = parseScheduleRule({ every: 60_000 });

  it('aligns ticks to the epoch and is strictly after', () => {
    expect(nextTick(rule, 0)).toBe(60_000);
    expect(nextTick(rule, 59_999)).toBe(60_000);
    expect(nextTick(rule, 60_000)).toBe(120_000);
    expect(nextTick(rule, 60_001)).toBe(120_000);
  });

  it('gives every instance the same ticks whatever time each asks at', () => {
    const base = at('2030-01-01T10:00:00.000Z');
    const ticks = new Set([1, 17, 30_000, 59_999].map((offset) => nextTick(rule, base + offset)));
    expect([...ticks]).toEqual([base + 60_000]);
  });

  it('skips missed ticks: the next tick after a long downtime is the first one after now', () => {
    const hourly = parseScheduleRule({ every: 3_600_000 });
    const now = at('2030-01-03T05:20:00.000Z');
    expect(iso(nextTick(hourly, now))).toBe('2030-01-03T06:00:00.000Z');
  });
});

describe('nextTick: cron', () => {
  it('is strictly after the given time', () => {
    const rule = parseScheduleRule({ cron: '0 3 * * *' });
    expect(iso(nextTick(rule, at('2030-01-01T02:59:59.999Z')))).toBe('2030-01-01T03:00:00.000Z');
    expect(iso(nextTick(rule, at('2030-01-01T03:00:00.000Z')))).toBe('2030-01-02T03:00:00.000Z');
  });

  it('follows Europe/Paris across the spring-forward jump', () => {
    const rule = parseScheduleRule({ cron: '0 3 * * *', timezone: 'Europe/Paris' });
    // CET (UTC+1) before 2026-03-29, CEST (UTC+2) after.
    const first = nextTick(rule, at('2026-03-27T12:00:00.000Z'));
    const second = nextTick(rule, first);
    const third = nextTick(rule, second);
    expect([first, second, third].map(iso)).toEqual([
      '2026-03-28T02:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T01:00:00.000Z',
    ]);
  });

  it('fires a skipped wall time once, shifted, in Europe/Paris', () => {
    // 02:30 does not exist on 2026-03-29 in Paris.
    const rule = parseScheduleRule({ cron: '30 2 * * *', timezone: 'Europe/Paris' });
    const first = nextTick(rule, at('2026-03-28T12:00:00.000Z'));
    expect(iso(first)).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(nextTick(rule, first))).toBe('2026-03-30T00:30:00.000Z');
  });

  it('fires a repeated wall time once in America/New_York (fall back)', () => {
    // 01:30 happens twice on 2026-11-01 in New York (EDT then EST).
    const rule = parseScheduleRule({ cron: '30 1 * * *', timezone: 'America/New_York' });
    const ticks: number[] = [];
    let t = at('2026-10-31T12:00:00.000Z');
    for (let i = 0; i < 3; i++) {
      t = nextTick(rule, t);
      ticks.push(t);
    }
    const [first, second, third] = ticks.map(iso);
    expect(first).toBe('2026-11-01T05:30:00.000Z');
    expect(second).toBe('2026-11-02T06:30:00.000Z');
    expect(third).toBe('2026-11-03T06:30:00.000Z');
    expect(ticks[1]! - ticks[0]!).toBeGreaterThan(24 * 3_600_000);
  });

  it('follows America/New_York across the spring-forward jump', () => {
    const rule = parseScheduleRule({ cron: '0 9 * * *', timezone: 'America/New_York' });
    const first = nextTick(rule, at('2026-03-07T20:00:00.000Z'));
    const second = nextTick(rule, first);
    // EST (UTC-5) on 2026-03-08 after 2am, so 09:00 EDT is 13:00Z on both days.
    expect([first, second].map(iso)).toEqual(['2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
    const before = nextTick(rule, at('2026-03-06T20:00:00.000Z'));
    expect(iso(before)).toBe('2026-03-07T14:00:00.000Z');
  });
});
