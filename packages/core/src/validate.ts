import { InvalidNameError, InvalidOptionError, InvalidPayloadError, PayloadTooLargeError } from './errors.js';

/**
 * Queue, task and schedule names: letters, digits and `_ - . :`, starting
 * with a letter or digit, at most 128 characters. Narrow on purpose: a name
 * appears in Redis keys, log lines and URLs.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** Caller-supplied job ids: same alphabet as names, at most 128 characters. */
const JOB_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Store namespaces (schema, key or table prefix): an SQL-safe identifier. */
const NAMESPACE = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

function describe(value: unknown): string {
  if (typeof value !== 'string') return `a ${value === null ? 'null' : typeof value}`;
  return value.length > 60 ? `"${value.slice(0, 60)}…" (${value.length} chars)` : JSON.stringify(value);
}

/** Throws `InvalidNameError` unless `value` is a valid queue/task/schedule name. */
export function assertName(kind: 'queue' | 'task' | 'schedule', value: unknown): asserts value is string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new InvalidNameError(
      `Invalid ${kind} name ${describe(value)}: use 1-128 letters, digits, "_", "-", "." or ":", starting with a letter or digit.`,
    );
  }
}

/** Throws `InvalidNameError` unless `value` is a valid job id. */
export function assertJobId(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !JOB_ID.test(value)) {
    throw new InvalidNameError(
      `Invalid job id ${describe(value)}: use 1-128 letters, digits, "_", "-", "." or ":".`,
    );
  }
}

/**
 * Throws `InvalidNameError` unless `value` is a valid store namespace (schema
 * name, key prefix, table prefix): 1-48 characters of `[A-Za-z0-9_]`, not
 * starting with a digit. Stores call this before using the namespace.
 */
export function assertNamespace(kind: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !NAMESPACE.test(value)) {
    throw new InvalidNameError(
      `Invalid ${kind} ${describe(value)}: use 1-48 letters, digits or "_", not starting with a digit.`,
    );
  }
}

/** Default limit on a payload's JSON text: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Serialises a payload or result to JSON text, rejecting what would not
 * round-trip: `undefined` at the top, functions, symbols, BigInt, cycles,
 * non-finite numbers. Returns the text.
 */
export function toJson(value: unknown, what: string, maxBytes: number): string {
  let text: string | undefined;
  plainJsonBudget = PLAIN_JSON_NODES;
  if (isPlainJson(value, 0)) {
    // Nothing the replacer below would refuse or change: stringify without calling back into JS.
    text = JSON.stringify(value);
    if (text.length * 3 > maxBytes) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > maxBytes) throw new PayloadTooLargeError(bytes, maxBytes);
    }
    return text;
  }
  try {
    text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint')
        throw new InvalidPayloadError(
          `${what} contains a BigInt, which JSON cannot hold; convert it to a string.`,
        );
      if (typeof v === 'function' || typeof v === 'symbol') {
        throw new InvalidPayloadError(`${what} contains a ${typeof v}, which JSON cannot hold.`);
      }
      if (typeof v === 'number' && !Number.isFinite(v)) {
        throw new InvalidPayloadError(`${what} contains ${v}, which JSON cannot hold.`);
      }
      return v;
    });
  } catch (error) {
    if (error instanceof InvalidPayloadError) throw error;
    throw new InvalidPayloadError(
      `${what} is not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (text === undefined) throw new InvalidPayloadError(`${what} is undefined; pass null or a JSON value.`);
  // Length in UTF-16 units bounds the byte size from below; only measure bytes when it could matter.
  if (text.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > maxBytes) throw new PayloadTooLargeError(bytes, maxBytes);
  }
  return text;
}

/**
 * Nesting and number of arrays/objects beyond which {@link isPlainJson} gives
 * up (and `toJson` takes its careful path): a cycle must not be walked for
 * long, large payloads gain little.
 */
const PLAIN_JSON_DEPTH = 32;
const PLAIN_JSON_NODES = 1000;
let plainJsonBudget = 0;

/**
 * Whether `value` is made only of null, booleans, strings, finite numbers,
 * arrays and plain objects (prototype `Object.prototype` or null, no
 * `toJSON`), nested at most PLAIN_JSON_DEPTH deep: `JSON.stringify` then
 * writes the same text with and without `toJson`'s replacer. `undefined` inside
 * an object or array is fine (dropped or `null` either way); at the top it
 * is not.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'undefined':
      return depth > 0;
    case 'object': {
      if (value === null) return true;
      if (depth >= PLAIN_JSON_DEPTH || --plainJsonBudget < 0) return false;
      const proto = Object.getPrototypeOf(value);
      if (proto === Array.prototype) {
        const array = value as unknown[];
        for (let i = 0; i < array.length; i++) if (!isPlainJson(array[i], depth + 1)) return false;
        return true;
      }
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Parses JSON text written by `toJson`, without letting `__proto__` keys pollute prototypes. */
export function fromJson(text: string | null): unknown {
  if (text === null) return null;
  return JSON.parse(text);
}

/** Throws `InvalidOptionError` unless `value` is a finite number ≥ `min` (an integer if asked). */
export function assertNumber(
  what: string,
  value: unknown,
  { min = Number.NEGATIVE_INFINITY, integer = false }: { min?: number; integer?: boolean } = {},
): asserts value is number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InvalidOptionError(
      `${what} must be a finite ${integer ? 'integer' : 'number'}${min > Number.NEGATIVE_INFINITY ? ` ≥ ${min}` : ''}, got ${String(value)}.`,
    );
  }
}

/** U+0000 and UTF-16 surrogates without their pair. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is what it must find.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text every store keeps verbatim: U+0000 and unpaired surrogates become
 * U+FFFD. PostgreSQL refuses both in text, and SQLite and Redis would alter
 * them each in its own way; JSON payloads are safe (JSON escapes them).
 */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/** Whether `storableText` would leave `text` unchanged. */
export function isStorableText(text: string): boolean {
  UNSTORABLE.lastIndex = 0;
  return !UNSTORABLE.test(text);
}
