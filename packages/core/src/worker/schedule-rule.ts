import { Cron } from 'croner';
import { InvalidOptionError } from '../errors.js';

/** What a caller passes to `docket.schedule`: a fixed period, or a cron pattern in a time zone. */
export type ScheduleRuleInput = { every: number } | { cron: string; timezone?: string };

/**
 * A validated, normalised schedule rule. `every` ticks are aligned to the Unix
 * epoch, so every instance computes the same ticks; `cron` ticks are computed
 * in `timezone` (default `UTC`), DST included.
 */
export type ScheduleRule =
  | { readonly kind: 'every'; readonly every: number }
  | { readonly kind: 'cron'; readonly cron: string; readonly timezone: string };

/** The shortest `every` period, in ms. */
export const MIN_EVERY_MS = 1000;

/**
 * Validates a schedule rule and normalises it (whitespace of the pattern, the
 * canonical spelling of the time zone). Throws `InvalidOptionError` with a
 * message naming what is wrong.
 */
export function parseScheduleRule(input: ScheduleRuleInput): ScheduleRule {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidOptionError(
      `A schedule rule must be { every: ms } or { cron: '…', timezone?: '…' }, got ${describe(input)}.`,
    );
  }
  const hasEvery = 'every' in input && input.every !== undefined;
  const hasCron = 'cron' in input && input.cron !== undefined;
  if (hasEvery === hasCron) {
    throw new InvalidOptionError(
      'A schedule rule takes exactly one of `every` (ms) and `cron` (pattern), e.g. { every: 60_000 } or { cron: "0 3 * * *", timezone: "Europe/Paris" }.',
    );
  }
  if (hasEvery) {
    const every = (input as { every: unknown }).every;
    if (typeof every !== 'number' || !Number.isSafeInteger(every) || every < MIN_EVERY_MS) {
      throw new InvalidOptionError(
        `Schedule \`every\` must be an integer number of ms ≥ ${MIN_EVERY_MS}, got ${describe(every)}.`,
      );
    }
    if ('timezone' in input && input.timezone !== undefined) {
      throw new InvalidOptionError('Schedule `timezone` applies to `cron` rules only, not to `every`.');
    }
    return { kind: 'every', every };
  }
  const { cron, timezone } = input as { cron: unknown; timezone?: unknown };
  if (typeof cron !== 'string' || cron.trim() === '') {
    throw new InvalidOptionError(
      `Schedule \`cron\` must be a non-empty pattern string, got ${describe(cron)}.`,
    );
  }
  const pattern = cron.trim().split(/\s+/).join(' ');
  const zone = canonicalTimeZone(timezone);
  let compiled: Cron;
  try {
    compiled = new Cron(pattern, { timezone: zone, paused: true });
  } catch (error) {
    throw new InvalidOptionError(
      `Invalid cron pattern ${JSON.stringify(pattern)}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (compiled.nextRun(new Date()) === null) {
    throw new InvalidOptionError(`Cron pattern ${JSON.stringify(pattern)} never matches a date.`);
  }
  const rule: ScheduleRule = { kind: 'cron', cron: pattern, timezone: zone };
  remember(ruleKey(rule), compiled);
  return rule;
}

/**
 * The canonical JSON text of a rule, stored as `ScheduleRecord.rule`: equal
 * rules give equal text, so a store can tell whether a re-declared schedule
 * changed.
 */
export function ruleKey(rule: ScheduleRule): string {
  return rule.kind === 'every'
    ? JSON.stringify({ every: rule.every })
    : JSON.stringify({ cron: rule.cron, timezone: rule.timezone });
}

/** Parses the text written by {@link ruleKey} (e.g. read back from a `ScheduleRecord`). */
export function parseRuleKey(text: string): ScheduleRule {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidOptionError(`Stored schedule rule is not JSON: ${JSON.stringify(text)}`, {
      cause: error,
    });
  }
  return parseScheduleRule(parsed as ScheduleRuleInput);
}

/**
 * The first tick strictly after `after` (epoch ms). `every` ticks fall on
 * multiples of the period since the epoch; `cron` ticks are computed by croner
 * in the rule's time zone (a wall time skipped by a DST jump fires at the
 * shifted instant, a repeated one fires once).
 */
export function nextTick(rule: ScheduleRule, after: number): number {
  if (rule.kind === 'every') return Math.floor(after / rule.every) * rule.every + rule.every;
  const next = compiled(rule).nextRun(new Date(after));
  if (next === null) {
    throw new InvalidOptionError(
      `Cron pattern ${JSON.stringify(rule.cron)} has no tick after ${new Date(after).toISOString()}.`,
    );
  }
  return next.getTime();
}

function canonicalTimeZone(timezone: unknown): string {
  if (timezone === undefined) return 'UTC';
  if (typeof timezone !== 'string' || timezone === '') {
    throw new InvalidOptionError(
      `Schedule \`timezone\` must be an IANA time zone name such as "Europe/Paris", got ${describe(timezone)}.`,
    );
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    throw new InvalidOptionError(
      `Unknown time zone ${JSON.stringify(timezone)}: use an IANA name such as "Europe/Paris" or "UTC".`,
    );
  }
}

// Compiling a pattern costs more than computing a tick; the scheduler asks for the same few rules again and again.
const MAX_CACHED = 256;
const cache = new Map<string, Cron>();

function remember(key: string, cron: Cron): void {
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, cron);
}

function compiled(rule: Extract<ScheduleRule, { kind: 'cron' }>): Cron {
  const key = ruleKey(rule);
  let cron = cache.get(key);
  if (!cron) {
    cron = new Cron(rule.cron, { timezone: rule.timezone, paused: true });
    remember(key, cron);
  }
  return cron;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
