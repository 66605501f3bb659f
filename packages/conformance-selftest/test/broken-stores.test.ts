import { type ConformanceCase, findCase, runCase, type StorageHarness } from '@docket/conformance';
import { MemoryStore } from '@docket/store-memory';
import { describe, expect, it } from 'vitest';
import {
  type BrokenStoreClass,
  CheckThenInsertUniqueStore,
  DoubleClaimStore,
  DoubleFireStore,
  FifoStore,
  GreedyCleanerStore,
  IgnoresPauseStore,
  LosesReleasedStore,
  OffsetCursorStore,
  RemovalStrandsDependentsStore,
  StaleDependencyStore,
  UnfencedStore,
} from './broken-stores.js';

interface Variant {
  label: string;
  Store: BrokenStoreClass;
  /** The cases that must catch this breakage, as `[area, name]`. */
  cases: Array<[string, string]>;
}

const variants: Variant[] = [
  {
    label: '(a) hands a job to two claimers',
    Store: DoubleClaimStore,
    cases: [
      ['claim', 'concurrent claimers get disjoint sets that cover every job'],
      ['claim', 'claims at most limit jobs and never a job already claimed'],
      [
        'engine',
        'thousands of jobs with seeded random failures across 3 workers end right, each success once',
      ],
    ],
  },
  {
    label: '(b) ignores fencing',
    Store: UnfencedStore,
    cases: [
      ['lease', 'a stale complete after rescue and re-claim is rejected and the new attempt stands'],
      ['lease', 'a stale fail after rescue and re-claim is rejected and the new attempt stands'],
      ['lease', 'stale heartbeat, snooze, cancel and release after re-claim are rejected and change nothing'],
      ['acknowledge', 'one stale ack in a batch does not fail the others'],
    ],
  },
  {
    label: '(c) ignores priority',
    Store: FifoStore,
    cases: [
      ['claim', 'claims higher priority first, then earlier runAt, then enqueue order'],
      ['claim', 'a claim of k jobs takes the k first in order'],
    ],
  },
  {
    label: '(d) loses released jobs',
    Store: LosesReleasedStore,
    cases: [
      ['acknowledge', 'release puts the job back to ready with runAt unchanged and gives the attempt back'],
      ['acknowledge', 'releasing many jobs at shutdown loses none and charges no attempt'],
      [
        'engine',
        'a worker stopped mid-run releases its jobs; a new worker finishes all, no attempt charged twice',
      ],
    ],
  },
  {
    label: '(e) fires a schedule twice',
    Store: DoubleFireStore,
    cases: [
      ['schedules', 'concurrent fireSchedule calls for one tick enqueue exactly one job'],
      ['schedules', 'a tick already fired is not fired again'],
    ],
  },
  {
    label: '(f) ignores pause',
    Store: IgnoresPauseStore,
    cases: [
      ['claim', 'does not claim from a paused queue until it is resumed'],
      ['inspection', 'a queue paused before it has jobs is not claimed from when they arrive'],
    ],
  },
  {
    label: '(g) deleteExpired deletes non-terminal jobs',
    Store: GreedyCleanerStore,
    cases: [['retention', 'deleteExpired never touches a non-terminal job']],
  },
  {
    label: '(h) decides a dependent’s state from a stale read',
    Store: StaleDependencyStore,
    cases: [['races', 'a dependent enqueued while its dependency completes is not left waiting']],
  },
  {
    label: '(i) checks uniqueness, then inserts',
    Store: CheckThenInsertUniqueStore,
    cases: [['unique', 'concurrent enqueues of one unique key yield exactly one new job']],
  },
  {
    label: '(j) pages by offset',
    Store: OffsetCursorStore,
    cases: [['inspection', 'jobs deleted between pages neither repeat nor shift a page']],
  },
  {
    label: '(k) removeJob leaves dependents waiting',
    Store: RemovalStrandsDependentsStore,
    cases: [
      [
        'dependencies',
        'removing a job that did not complete cancels its dependents, transitively, each reason naming it',
      ],
    ],
  },
];

const intact: StorageHarness = { create: async () => new MemoryStore() };

/** Runs `c` and returns its failure, or `undefined` if it passed. */
async function failureOf(c: ConformanceCase, harness: StorageHarness): Promise<unknown> {
  // Engine-level cases at a tenth of their size: enough to catch the breakage, quick to run.
  return runCase(c, harness, { scale: 0.1 }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('the suite catches deliberately broken stores', () => {
  for (const { label, Store, cases } of variants) {
    describe(label, () => {
      const broken: StorageHarness = { create: async () => new Store(new MemoryStore()) };
      for (const [area, name] of cases) {
        const c = findCase(area, name);
        it(`fails "${area}: ${name}"`, async () => {
          const failure = await failureOf(c, broken);
          // An assertion of the case must catch it, not a crash of the case's own code.
          expect(failure).toMatchObject({ name: 'AssertionError' });
        });
        it(`passes "${area}: ${name}" on the intact memory store`, async () => {
          expect(await failureOf(c, intact)).toBeUndefined();
        });
      }
    });
  }
});
