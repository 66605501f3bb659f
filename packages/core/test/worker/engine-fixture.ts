import { MemoryStore } from '@docket/store-memory';
import { afterEach } from 'vitest';
import { Docket } from '../../src/client/docket.js';
import type { DocketOptions } from '../../src/client/docket-options.js';
import { ManualClock } from '../../src/clock.js';
import type { Engine } from '../../src/engine.js';
import type { DocketEventName, DocketEvents } from '../../src/events.js';
import { silentLogger } from '../../src/logger.js';
import type { TaskDefinition } from '../../src/task.js';
import { Worker, type WorkerOptions } from '../../src/worker/worker.js';

/** A Docket that lets tests reach the engine its workers share. */
class TestDocket extends Docket {
  get sharedEngine(): Engine {
    return this.engine;
  }
}

type Recorded = { [E in DocketEventName]: Array<DocketEvents[E]> };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The loops that would run by themselves; tests drive them with `runOnce()` instead. */
export const quiet: WorkerOptions = { scheduler: false, cleaner: false, rescuer: false };

/**
 * A Docket on a fresh memory store with one ManualClock, recording every
 * event. Workers made with `work()` are stopped after the test.
 */
export async function engineFixture(
  tasks: ReadonlyArray<TaskDefinition<any, any>>,
  options: Partial<DocketOptions> & { store?: MemoryStore } = {},
) {
  // Typed as a ManualClock for the tests that drive it; a test passing systemClock does not call advance().
  const clock = (options.clock ?? new ManualClock()) as ManualClock;
  const store = options.store ?? new MemoryStore({ clock });
  const docket = new TestDocket({ store, tasks, clock, logger: silentLogger, ...options });
  await docket.setup();
  const events: Recorded = { completed: [], failed: [], retrying: [], stalled: [], error: [] };
  for (const name of Object.keys(events) as DocketEventName[]) {
    docket.on(name, (event: unknown) => {
      (events[name] as unknown[]).push(event);
    });
  }
  const workers: Worker[] = [];
  cleanups.push(async () => {
    await Promise.all(workers.map((w) => w.stop({ timeout: 50 })));
    await docket.close();
  });

  /** A started worker on this Docket (loops off unless asked). */
  async function work(workerOptions: WorkerOptions = {}): Promise<Worker> {
    const worker = new Worker(docket.sharedEngine, { ...quiet, pollIntervalMs: 20, ...workerOptions });
    workers.push(worker);
    await worker.start();
    return worker;
  }

  return { docket, clock, store, events, work, engine: docket.sharedEngine };
}

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Resolves once `predicate` holds, checking every few ms (for states reached in the background). */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
