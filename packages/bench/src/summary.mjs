// Medians per (scenario, system) and docket/peer ratios as a markdown table, then the targets.
import { median } from './percentiles.mjs';

const COLUMNS = [
  'docket-memory',
  'docket-sqlite',
  'docket-postgres',
  'docket-redis',
  'bullmq',
  'pg-boss',
  'graphile-worker',
  'plainjob',
  'pgbench',
];
const RATIOS = [
  ['docket-redis', 'bullmq'],
  ['docket-postgres', 'graphile-worker'],
  ['docket-postgres', 'pg-boss'],
  ['docket-postgres', 'pgbench'],
  ['docket-sqlite', 'plainjob'],
];

function medians(results) {
  const groups = new Map();
  for (const r of results) {
    if (r.error) continue;
    const k = `${r.key}|${r.system}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const m = new Map();
  for (const [k, rs] of groups) {
    m.set(k, {
      runs: rs.length,
      jobs_per_s: median(rs.map((r) => r.jobs_per_s)),
      p50_ms: median(rs.map((r) => r.p50_ms)),
      p99_ms: median(rs.map((r) => r.p99_ms)),
    });
  }
  return m;
}

const fmt = (v) =>
  v === null || v === undefined ? '' : v >= 100 ? String(Math.round(v)) : String(Math.round(v * 100) / 100);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '');

export function summaryTable(results, plan) {
  const m = medians(results);
  const systems = COLUMNS.filter((s) => plan.some((p) => m.has(`${p.key}|${s}`)));
  const ratios = RATIOS.filter(([a, b]) => systems.includes(a) && systems.includes(b));
  const lines = [];
  lines.push('Median jobs/s (latency row: p50 / p99 ms of enqueue→start) over runs; ratios docket/peer.\n');
  lines.push(
    `| scenario | ${systems.join(' | ')} | ${ratios.map(([a, b]) => `${a.replace('docket-', '')}/${b}`).join(' | ')} |`,
  );
  lines.push(`|---|${systems.map(() => '---:').join('|')}|${ratios.map(() => '---:').join('|')}|`);
  for (const p of plan) {
    const get = (s) => m.get(`${p.key}|${s}`);
    const isLatency = p.scenario === 'latency';
    const cells = systems.map((s) => {
      const v = get(s);
      if (!v) return '';
      return isLatency ? `${fmt(v.p50_ms)} / ${fmt(v.p99_ms)}` : fmt(v.jobs_per_s);
    });
    const ratioCells = ratios.map(([a, b]) =>
      isLatency ? ratio(get(b)?.p50_ms, get(a)?.p50_ms) : ratio(get(a)?.jobs_per_s, get(b)?.jobs_per_s),
    );
    lines.push(`| ${p.key}${p.n ? ` (n=${p.n})` : ''} | ${cells.join(' | ')} | ${ratioCells.join(' | ')} |`);
  }
  const failures = results.filter((r) => r.error);
  if (failures.length) {
    lines.push(`\n${failures.length} failed measurement(s):`);
    for (const f of failures) lines.push(`- ${f.system} ${f.key} run ${f.run}: ${f.error}`);
  }
  lines.push('\nTargets (issue 6):\n');
  for (const t of targets(m)) lines.push(`- ${t}`);
  return lines.join('\n');
}

function targets(m) {
  const v = (key, s, field = 'jobs_per_s') => m.get(`${key}|${s}`)?.[field] ?? null;
  const check = (label, actual, wanted, cmp = '≥') => {
    if (actual === null || wanted === null) return `${label}: not measured`;
    const ok = cmp === '≥' ? actual >= wanted : actual < wanted;
    return `${ok ? 'MET' : 'NOT MET'}: ${label} (${fmt(actual)} vs ${cmp} ${fmt(wanted)})`;
  };
  const times = (x, k) => (x === null ? null : x * k);
  return [
    check('redis drain c50 ≥ 2× BullMQ', v('drain-c50', 'docket-redis'), times(v('drain-c50', 'bullmq'), 2)),
    check(
      'redis bulk enqueue ≥ 2× BullMQ',
      v('enqueue-bulk', 'docket-redis'),
      times(v('enqueue-bulk', 'bullmq'), 2),
    ),
    check(
      'redis one-by-one enqueue ≥ 1.5× BullMQ',
      v('enqueue-one', 'docket-redis'),
      times(v('enqueue-one', 'bullmq'), 1.5),
    ),
    check(
      'postgres drain c50 ≥ 1.5× graphile-worker',
      v('drain-c50', 'docket-postgres'),
      times(v('drain-c50', 'graphile-worker'), 1.5),
    ),
    check(
      'postgres drain c50 ≥ 5× pg-boss',
      v('drain-c50', 'docket-postgres'),
      times(v('drain-c50', 'pg-boss'), 5),
    ),
    check(
      'postgres bulk enqueue ≥ 1.5× graphile-worker',
      v('enqueue-bulk', 'docket-postgres'),
      times(v('enqueue-bulk', 'graphile-worker'), 1.5),
    ),
    check(
      'postgres one-by-one enqueue ≥ 80% pgbench',
      v('enqueue-one', 'docket-postgres'),
      times(v('enqueue-one', 'pgbench'), 0.8),
    ),
    check(
      'sqlite drain c50 ≥ 5× plainjob',
      v('drain-c50', 'docket-sqlite'),
      times(v('drain-c50', 'plainjob'), 5),
    ),
    check(
      'sqlite one-by-one enqueue ≥ 1.5× plainjob',
      v('enqueue-one', 'docket-sqlite'),
      times(v('enqueue-one', 'plainjob'), 1.5),
    ),
    check(
      'sqlite bulk enqueue ≥ plainjob',
      v('enqueue-bulk', 'docket-sqlite'),
      v('enqueue-bulk', 'plainjob'),
    ),
    check('memory drain c50 ≥ 300k/s', v('drain-c50', 'docket-memory'), 300_000),
    check('postgres latency p50 < 2 ms', v('latency', 'docket-postgres', 'p50_ms'), 2, '<'),
    check('postgres latency p99 < 10 ms', v('latency', 'docket-postgres', 'p99_ms'), 10, '<'),
    check('redis latency p50 < 2 ms', v('latency', 'docket-redis', 'p50_ms'), 2, '<'),
    check('redis latency p99 < 10 ms', v('latency', 'docket-redis', 'p99_ms'), 10, '<'),
  ];
}
