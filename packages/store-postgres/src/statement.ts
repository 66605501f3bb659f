import type { Statement } from './db.js';

/**
 * Names a statement of one schema. The name carries the schema (hashed when
 * long, to stay under PostgreSQL's 63-byte identifier limit) so stores on
 * different schemas can share a pool without their prepared statements clashing.
 * With `prepare` false the statements are unnamed (parsed on every call), for
 * poolers that cannot keep prepared statements.
 */
export function statementFactory(schema: string, prepare = true): (key: string, text: string) => Statement {
  const tag = schema.length <= 40 ? schema : `h${fnv1a(schema)}`;
  return (key, text) => ({ name: prepare ? `dk_${tag}_${key}` : undefined, text });
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
