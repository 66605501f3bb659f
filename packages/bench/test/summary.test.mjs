import { describe, expect, it } from 'vitest';
import { applies, scenarioPlan } from '../src/plan.mjs';
import { summaryTable } from '../src/summary.mjs';
import { SYSTEMS } from '../src/systems/index.mjs';

const row = (system, key, jobs_per_s, extra = {}) => ({
  system,
  key,
  jobs_per_s,
  p50_ms: null,
  p99_ms: null,
  ...extra,
});

describe('scenarioPlan', () => {
  it('uses the issue sizes, and a tenth with a 1 s latency window when quick', () => {
    const full = Object.fromEntries(scenarioPlan({ quick: false }).map((s) => [s.key, s]));
    const quick = Object.fromEntries(scenarioPlan({ quick: true }).map((s) => [s.key, s]));
    expect(full['enqueue-one'].n).toBe(10_000);
    expect(full['drain-c50']).toMatchObject({ n: 20_000, concurrency: 50 });
    expect(full.latency).toMatchObject({ rate: 200, windowMs: 10_000, n: 2_000 });
    expect(quick['enqueue-bulk'].n).toBe(2_000);
    expect(quick.latency).toMatchObject({ windowMs: 1_000, n: 200 });
  });

  it('keeps the memory store out of the multi-process drain and pgbench to one-by-one enqueue', () => {
    const plan = Object.fromEntries(scenarioPlan({ quick: true }).map((s) => [s.key, s]));
    expect(applies(SYSTEMS['docket-memory'], plan['drain-4proc'])).toBe(false);
    expect(applies(SYSTEMS['docket-sqlite'], plan['drain-4proc'])).toBe(true);
    expect(applies(SYSTEMS.pgbench, plan['enqueue-one'])).toBe(true);
    expect(applies(SYSTEMS.pgbench, plan['drain-c1'])).toBe(false);
  });
});

describe('summaryTable', () => {
  const plan = scenarioPlan({ quick: false });

  it('prints medians over runs and docket/peer ratios', () => {
    const results = [
      row('docket-redis', 'drain-c50', 100),
      row('docket-redis', 'drain-c50', 300),
      row('docket-redis', 'drain-c50', 200),
      row('bullmq', 'drain-c50', 50),
    ];
    const table = summaryTable(results, plan);
    expect(table).toContain('| drain-c50 (n=20000) | 200 | 50 | 4.00× |');
  });

  it('reports a target as MET or NOT MET from the medians', () => {
    const met = summaryTable([row('docket-redis', 'drain-c50', 200), row('bullmq', 'drain-c50', 100)], plan);
    expect(met).toContain('MET: redis drain c50 ≥ 2× BullMQ');
    expect(met).not.toContain('NOT MET: redis drain c50');
    const missed = summaryTable(
      [row('docket-redis', 'drain-c50', 199), row('bullmq', 'drain-c50', 100)],
      plan,
    );
    expect(missed).toContain('NOT MET: redis drain c50 ≥ 2× BullMQ');
  });

  it('checks latency targets as upper bounds and lists failed runs apart', () => {
    const results = [
      row('docket-postgres', 'latency', 200, { p50_ms: 1.5, p99_ms: 12 }),
      { system: 'docket-postgres', key: 'drain-c1', run: 2, error: 'exit 1: boom' },
    ];
    const table = summaryTable(results, plan);
    expect(table).toContain('MET: postgres latency p50 < 2 ms');
    expect(table).toContain('NOT MET: postgres latency p99 < 10 ms');
    expect(table).toContain('- docket-postgres drain-c1 run 2: exit 1: boom');
  });
});
