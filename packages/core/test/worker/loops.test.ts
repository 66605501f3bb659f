import { describe, expect, it } from 'vitest';
import { BackgroundLoop, errorBackoff } from '../../src/worker/background-loop.js';
import { WakeSignal } from '../../src/worker/wake-signal.js';

describe('WakeSignal', () => {
  it('remembers a wake that came before the sleep', async () => {
    const signal = new WakeSignal();
    signal.wake();
    expect(await signal.sleep(60_000)).toBe(true);
  });

  it('forgets a wake on reset, and times out', async () => {
    const signal = new WakeSignal();
    signal.wake();
    signal.reset();
    expect(await signal.sleep(5)).toBe(false);
  });

  it('ends a sleep early when woken', async () => {
    const signal = new WakeSignal();
    const sleeping = signal.sleep(60_000);
    signal.wake();
    expect(await sleeping).toBe(true);
  });
});

describe('BackgroundLoop', () => {
  it('keeps running after errors, reporting them', async () => {
    let runs = 0;
    const reported: unknown[] = [];
    const loop = new BackgroundLoop({
      intervalMs: 1,
      run: async () => {
        runs++;
        if (runs === 1) throw new Error('first run fails');
      },
      report: (error) => reported.push(error),
    });
    loop.start();
    await loop.runOnce(); // second run, after the failed one
    await loop.stop();
    expect(reported).toEqual([new Error('first run fails')]);
    expect(runs).toBeGreaterThanOrEqual(2);
  });

  it('never overlaps two runs', async () => {
    let running = 0;
    let overlap = false;
    const loop = new BackgroundLoop({
      intervalMs: 60_000,
      run: async () => {
        running++;
        if (running > 1) overlap = true;
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        return 'ran';
      },
      report: () => {},
    });
    const results = await Promise.all([loop.runOnce(), loop.runOnce(), loop.runOnce()]);
    expect(results).toEqual(['ran', 'ran', 'ran']);
    expect(overlap).toBe(false);
  });

  it('backs off 1 s, 2 s, 4 s… up to 60 s', () => {
    expect([1, 2, 3, 7, 30].map((n) => errorBackoff(n))).toEqual([1000, 2000, 4000, 60_000, 60_000]);
    expect(errorBackoff(2, 10)).toBe(20);
  });
});
