// One (system, scenario, run) in a fresh process. argv[2]: JSON of the plan entry plus
// { system, ns, timeoutMs }. Prints one line "BENCH_RESULT {json}" on stdout.

import { startRssSampler } from './rss-sampler.mjs';
import { drain } from './scenarios/drain.mjs';
import { drainProcesses } from './scenarios/drain-processes.mjs';
import { enqueueBulk } from './scenarios/enqueue-bulk.mjs';
import { enqueueOne } from './scenarios/enqueue-one.mjs';
import { latency } from './scenarios/latency.mjs';
import { openSystem, SYSTEMS } from './systems/index.mjs';

const params = JSON.parse(process.argv[2]);
const SCENARIOS = {
  'enqueue-one': enqueueOne,
  'enqueue-bulk': enqueueBulk,
  drain,
  latency,
  'drain-4proc': drainProcesses,
};

const rss = startRssSampler();
const adapter = await openSystem(params.system, params.ns);
let measured;
try {
  measured = await SCENARIOS[params.scenario](adapter, params);
} finally {
  await adapter.close();
}
const result = {
  system: params.system,
  store: SYSTEMS[params.system].store,
  scenario: params.scenario,
  n: params.n,
  concurrency: params.concurrency,
  ...measured,
  rss_mb: rss.stop(),
};
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
