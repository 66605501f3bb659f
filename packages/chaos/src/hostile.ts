/** Names an attacker or a careless caller might pass: quotes, SQL/Lua/glob syntax, unicode, huge. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  "'",
  '"',
  '`',
  "'; DROP TABLE jobs; --",
  '" OR 1=1 --',
  '--',
  '/* */',
  '*',
  '?',
  '[a-z]',
  '{a}',
  '}{',
  '{docket}:jobs',
  'a b',
  'a\nb',
  'a\u0000b',
  '\\',
  '%s%n',
  '$1',
  '..',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'KEYS *',
  'redis.call("FLUSHALL")',
  'é',
  '队列',
  '🚀',
  '\ud800',
  'a'.repeat(129),
  'x'.repeat(10_000),
];

/** Error codes that say "your input is wrong" (as opposed to a backend failure). */
export const INPUT_ERROR_CODES = new Set([
  'INVALID_NAME',
  'INVALID_OPTION',
  'INVALID_PAYLOAD',
  'PAYLOAD_TOO_LARGE',
  'VALIDATION_FAILED',
]);

/** The error's code, if it is one of docket's typed errors. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Runs `fn`; returns `{ ok: value }` or `{ code }` of the typed error it threw (rethrowing any other). */
export async function outcome<T>(
  fn: () => Promise<T> | T,
): Promise<{ ok: T } | { code: string; message: string }> {
  try {
    return { ok: await fn() };
  } catch (error) {
    const code = codeOf(error);
    if (code === undefined) throw error;
    return { code, message: (error as Error).message };
  }
}
