// The scenarios and their sizes: full (the numbers) and --quick (a tenth, 1 s window).
export function scenarioPlan({ quick }) {
  const scale = quick ? 10 : 1;
  return [
    { key: 'enqueue-one', scenario: 'enqueue-one', n: 10_000 / scale, concurrency: 1 },
    { key: 'enqueue-bulk', scenario: 'enqueue-bulk', n: 20_000 / scale, concurrency: 1 },
    { key: 'drain-c1', scenario: 'drain', n: 20_000 / scale, concurrency: 1 },
    { key: 'drain-c10', scenario: 'drain', n: 20_000 / scale, concurrency: 10 },
    { key: 'drain-c50', scenario: 'drain', n: 20_000 / scale, concurrency: 50 },
    {
      key: 'latency',
      scenario: 'latency',
      n: 0,
      concurrency: 10,
      rate: 200,
      windowMs: quick ? 1_000 : 10_000,
    },
    { key: 'drain-4proc', scenario: 'drain-4proc', n: 20_000 / scale, concurrency: 10, processes: 4 },
  ].map((s) => (s.scenario === 'latency' ? { ...s, n: (s.rate * s.windowMs) / 1000 } : s));
}

/** Whether a system takes part in a scenario. */
export function applies(spec, scenario) {
  if (spec.baselineOnly) return spec.baselineOnly.includes(scenario.scenario);
  // The memory store lives in one process: it cannot be shared by four.
  if (scenario.scenario === 'drain-4proc' && spec.store === 'memory') return false;
  return true;
}
