import type { ConformanceCase } from './case.js';
import { acknowledgeCases } from './cases/acknowledge.js';
import { badInputCases } from './cases/bad-input.js';
import { claimCases } from './cases/claim.js';
import { clockCases } from './cases/clock.js';
import { dependencyCases } from './cases/dependencies.js';
import { engineCases } from './cases/engine.js';
import { engineRecoveryCases } from './cases/engine-recovery.js';
import { enqueueCases } from './cases/enqueue.js';
import { inspectionCases } from './cases/inspection.js';
import { isolationCases } from './cases/isolation.js';
import { leaseCases } from './cases/lease.js';
import { lifecycleCases } from './cases/lifecycle.js';
import { notificationCases } from './cases/notifications.js';
import { operatorCases } from './cases/operator.js';
import { raceCases } from './cases/races.js';
import { retentionCases } from './cases/retention.js';
import { scheduleCases } from './cases/schedules.js';
import { transactionCases } from './cases/transactions.js';
import { uniqueCases } from './cases/unique.js';

/** Every store-level case, area by area. */
export const storeCases: readonly ConformanceCase[] = [
  ...lifecycleCases,
  ...enqueueCases,
  ...clockCases,
  ...claimCases,
  ...leaseCases,
  ...acknowledgeCases,
  ...operatorCases,
  ...uniqueCases,
  ...dependencyCases,
  ...scheduleCases,
  ...retentionCases,
  ...inspectionCases,
  ...isolationCases,
  ...badInputCases,
  ...transactionCases,
  ...notificationCases,
  ...raceCases,
];

/** Every case of the suite: store-level, then engine-level. */
export const allCases: readonly ConformanceCase[] = [...storeCases, ...engineCases, ...engineRecoveryCases];

/** The case of `area` named `name`; throws if there is none (a renamed case must not silently vanish). */
export function findCase(area: string, name: string): ConformanceCase {
  const found = allCases.find((c) => c.area === area && c.name === name);
  if (!found) throw new Error(`No conformance case "${area}: ${name}"`);
  return found;
}
