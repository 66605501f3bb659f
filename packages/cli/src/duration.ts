import { usageError } from './cli-error.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `1500`, `1500ms`, `30s`, `5m`, `2h`, `1d` to ms. */
export function parseDuration(option: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw usageError(`--${option} must be a duration like 1500, 30s, 5m or 2h; got "${text}".`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
}

/** Parses an integer option. */
export function parseInteger(option: string, text: string, min = Number.MIN_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(text.trim()) || Number(text) < min) {
    throw usageError(
      `--${option} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}; got "${text}".`,
    );
  }
  return Number(text);
}
