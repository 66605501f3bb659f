import { type Clock, Docket, type DocketEventName, silentLogger, type TaskDefinition } from '@docket/core';
import type { CaseContext } from './case.js';

/** Counts of the events every `Docket` of a fleet emitted. */
export type EventCounts = Record<Exclude<DocketEventName, 'error'>, number>;

/**
 * `n` `Docket`s over the store's instances (one per `harness.connect`
 * instance when the harness has it, else all over the one store), as `n`
 * processes would run. Each is set up, silent, and closed after the case;
 * their events are counted and their `error` events collected. They share
 * `clock` when given, else each measures the store's time on its own.
 */
export async function startFleet(
  ctx: CaseContext,
  n: number,
  tasks: TaskDefinition<any, any>[],
  clock?: Clock,
) {
  const stores = await ctx.instances(n, n);
  const counts: EventCounts = { completed: 0, failed: 0, retrying: 0, stalled: 0 };
  const errors: Array<{ error: unknown; context: string }> = [];
  const dockets = stores.map((store) => {
    const docket = new Docket({ store, tasks, logger: silentLogger, ...(clock ? { clock } : {}) });
    for (const event of Object.keys(counts) as Array<keyof EventCounts>) {
      docket.on(event, () => {
        counts[event] += 1;
      });
    }
    docket.on('error', (e) => void errors.push(e));
    ctx.defer(() => docket.close({ timeout: 1_000 }));
    return docket;
  });
  for (const docket of dockets) await docket.setup();
  return { dockets, counts, errors };
}

/** Waiting until a condition holds in real time; polls every 20 ms (engine-level cases run real workers). */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A promise that resolves when `open()` is called: holds handlers until the case lets them go. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
