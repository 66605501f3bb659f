// Orchestrator: every (scenario, system) in a fresh process, runs interleaved
// (A B C … A B C …), a fresh namespace each time, cleaned afterwards whatever happened.
// Usage: node packages/bench/src/run.mjs [--quick] [--runs N] [--only sys,…] [--scenario name,…] [--out file.jsonl]
//        node packages/bench/src/run.mjs --summarize results.jsonl [more.jsonl …]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freshNamespace } from './environment.mjs';
import { cleanNamespace } from './namespace-cleanup.mjs';
import { applies, scenarioPlan } from './plan.mjs';
import { summaryTable } from './summary.mjs';
import { SYSTEMS } from './systems/index.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    scenario: { type: 'string' },
    out: { type: 'string' },
    summarize: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  const header = fs
    .readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .slice(0, 4);
  console.log(header.map((line) => line.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

if (values.summarize) {
  // Re-print the table from saved JSON lines (one or more --out files), e.g. to merge runs.
  const saved = positionals.flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  );
  const keys = new Set(saved.map((r) => r.key));
  const quickPlan = saved.some((r) => r.key === 'enqueue-one' && r.n < 10_000);
  console.log(
    summaryTable(
      saved,
      scenarioPlan({ quick: quickPlan }).filter((s) => keys.has(s.key)),
    ),
  );
  process.exit(0);
}

const quick = values.quick;
const runs = Number(values.runs ?? (quick ? 2 : 3));
const onlySystems = values.only?.split(',').map((s) => s.trim());
const onlyScenarios = values.scenario?.split(',').map((s) => s.trim());
for (const s of onlySystems ?? [])
  if (!SYSTEMS[s]) throw new Error(`unknown system ${s}; known: ${Object.keys(SYSTEMS).join(', ')}`);

const plan = scenarioPlan({ quick }).filter(
  (s) => !onlyScenarios || onlyScenarios.some((f) => f === s.key || f === s.scenario),
);
const systems = Object.keys(SYSTEMS).filter((s) => !onlySystems || onlySystems.includes(s));
const timeoutMs = quick ? 60_000 : 300_000;
const CHILD = fileURLToPath(new URL('./scenario-process.mjs', import.meta.url));
const out = values.out ? fs.createWriteStream(values.out, { flags: 'a' }) : null;

console.error(
  `# docket bench${quick ? ' --quick' : ''}: ${runs} runs × ${plan.length} scenarios × ${systems.length} systems; ` +
    `nproc ${os.cpus().length}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}`,
);

const results = [];
const startedAt = Date.now();
for (let run = 1; run <= runs; run++) {
  for (const scenario of plan) {
    for (const system of systems) {
      const spec = SYSTEMS[system];
      if (!applies(spec, scenario)) continue;
      const ns = freshNamespace();
      const params = { ...scenario, system, ns, timeoutMs };
      let result;
      try {
        result = { ...(await runChild(params)), key: scenario.key, run };
      } catch (error) {
        result = {
          system,
          store: spec.store,
          scenario: scenario.scenario,
          key: scenario.key,
          run,
          n: scenario.n,
          concurrency: scenario.concurrency,
          error: String(error.message ?? error).slice(0, 300),
        };
      } finally {
        await cleanNamespace(spec.store, ns).catch((e) =>
          console.error(`# cleanup of ${ns} failed: ${e.message}`),
        );
      }
      results.push(result);
      const line = JSON.stringify(result);
      console.log(line);
      out?.write(`${line}\n`);
    }
  }
}
console.error(
  `# ${results.length} measurements in ${Math.round((Date.now() - startedAt) / 1000)} s; load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`\n${summaryTable(results, plan)}`);
out?.end();

function runChild(params) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), CHILD, JSON.stringify(params)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), params.timeoutMs + 30_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (line) resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
      else reject(new Error(`exit ${code ?? signal}: ${firstErrorLine(stderr)}`));
    });
  });
}

/** The most telling line of a crashed child's stderr: the thrown error's message, else the last line. */
function firstErrorLine(stderr) {
  const lines = stderr.trim().split('\n');
  return (
    lines.find((l) => /^\w*Error( \[\w+\])?:/.test(l.trim())) ??
    lines.find((l) => /Error\b/.test(l)) ??
    lines.at(-1) ??
    ''
  );
}
