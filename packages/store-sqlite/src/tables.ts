import { assertNamespace } from '@docket/core';

/**
 * The quoted SQL identifiers of one namespace. Every identifier the store
 * writes into SQL comes from here: the prefix is validated by
 * `assertNamespace` (`[A-Za-z_][A-Za-z0-9_]*`) and then double-quoted, so no
 * caller-supplied text reaches SQL unchecked.
 */
export interface Tables {
  readonly prefix: string;
  readonly migrations: string;
  readonly jobs: string;
  readonly deps: string;
  readonly queues: string;
  readonly schedules: string;
  readonly wakeups: string;
  /** Builds the quoted name of an index or trigger of this namespace. */
  name(suffix: string): string;
}

export const DEFAULT_PREFIX = 'docket_';

export function tablesFor(prefix: string = DEFAULT_PREFIX): Tables {
  assertNamespace('SQLite table prefix', prefix);
  const q = (suffix: string) => {
    if (!/^[a-z_]+$/.test(suffix)) throw new Error(`internal: bad identifier suffix ${suffix}`);
    return `"${prefix}${suffix}"`;
  };
  return {
    prefix,
    migrations: q('migrations'),
    jobs: q('jobs'),
    deps: q('deps'),
    queues: q('queues'),
    schedules: q('schedules'),
    wakeups: q('wakeups'),
    name: q,
  };
}
