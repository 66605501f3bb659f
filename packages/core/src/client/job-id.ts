/**
 * Time-ordered job ids in the UUIDv7 layout (RFC 9562): 48 bits of epoch ms,
 * a 12-bit counter, 62 random bits. Lower-case hex, so ids compare as strings
 * in creation order (roughly across processes, strictly within one generator).
 */
export type JobIdGenerator = () => string;

/** ASCII codes of the two hex digits of each byte value. */
const HEX_HIGH = new Uint8Array(256);
const HEX_LOW = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  const hex = i.toString(16).padStart(2, '0');
  HEX_HIGH[i] = hex.charCodeAt(0);
  HEX_LOW[i] = hex.charCodeAt(1);
}
const DASH = 0x2d;
/**
 * The id's 36 ASCII characters are written here and decoded in one call: a
 * flat string, cheaper than 20 concatenations (and their flattening later).
 */
const text = new Uint8Array(36);
const decoder = new TextDecoder();

/** Random bytes drawn 4 KiB at a time: one `getRandomValues` per 256 ids instead of one per id. */
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** Copies 16 fresh random bytes into `bytes`; each pooled byte is used once. */
function fillRandom(bytes: Uint8Array): void {
  if (poolOffset + 16 > POOL_SIZE) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  for (let i = 0; i < 16; i++) bytes[i] = pool[poolOffset + i]!;
  poolOffset += 16;
}

/**
 * Returns a generator of ids taking time from `now`. Within one millisecond
 * (or if `now` goes backwards) the 12-bit counter increments; when it
 * overflows the timestamp field moves one ms ahead, so every id is strictly
 * greater than the previous one of the same generator.
 */
export function createJobIdGenerator(now: () => number = Date.now): JobIdGenerator {
  let lastMs = -1;
  let counter = 0;
  const bytes = new Uint8Array(16);
  return () => {
    const ms = Math.max(0, Math.floor(now()));
    if (ms > lastMs) {
      lastMs = ms;
      // Start low in the counter space so many ids fit in one ms before it overflows.
      fillRandom(bytes);
      counter = ((bytes[6]! << 8) | bytes[7]!) & 0x3ff;
    } else {
      counter++;
      if (counter > 0xfff) {
        lastMs++;
        counter = 0;
      }
      fillRandom(bytes);
    }
    // 48-bit big-endian timestamp; split because bitwise ops are 32-bit.
    const high = Math.floor(lastMs / 0x100000000);
    const low = lastMs >>> 0;
    bytes[0] = (high >>> 8) & 0xff;
    bytes[1] = high & 0xff;
    bytes[2] = (low >>> 24) & 0xff;
    bytes[3] = (low >>> 16) & 0xff;
    bytes[4] = (low >>> 8) & 0xff;
    bytes[5] = low & 0xff;
    bytes[6] = 0x70 | (counter >>> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    let at = 0;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = DASH;
      const byte = bytes[i]!;
      text[at++] = HEX_HIGH[byte]!;
      text[at++] = HEX_LOW[byte]!;
    }
    return decoder.decode(text);
  };
}

/** The millisecond timestamp encoded in an id made by {@link createJobIdGenerator}. */
export function jobIdTime(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
