import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServerClock } from '../../src/client/server-clock.js';
import { silentLogger } from '../../src/logger.js';

const TEN_MINUTES = 10 * 60 * 1000;

describe('ServerClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('corrects the local clock by the offset to a store 10 minutes ahead', async () => {
    let local = 1_000_000;
    const store = {
      serverTime: async () => {
        local += 20; // a 40 ms round trip: the server reads its clock halfway
        const server = local + TEN_MINUTES;
        local += 20;
        return server;
      },
    };
    const clock = new ServerClock(store, silentLogger, { local: () => local });
    expect(clock.now()).toBe(local);
    await clock.start();
    clock.stop();
    expect(clock.offset).toBe(TEN_MINUTES);
    expect(clock.now()).toBe(local + TEN_MINUTES);
  });

  it('keeps the fastest of the first round trips', async () => {
    let local = 0;
    const delays = [500, 10, 300];
    const store = {
      serverTime: async () => {
        const half = delays.shift()! / 2;
        local += half;
        const server = local + TEN_MINUTES;
        // An asymmetric slow trip would skew the estimate: it must not be the one kept.
        local += half * 3;
        return server;
      },
    };
    const clock = new ServerClock(store, silentLogger, { local: () => local });
    await clock.start();
    clock.stop();
    // Trip of 10 then 30 ms: midpoint 5 ms late. The 500 and 300 ms trips would be off by 250 and 150.
    expect(clock.offset).toBe(TEN_MINUTES - 5);
  });

  it('measures once for concurrent starts, and retries after a failure', async () => {
    let calls = 0;
    const store = {
      serverTime: async () => {
        calls++;
        if (calls === 1) throw new Error('down');
        return Date.now() + TEN_MINUTES;
      },
    };
    const clock = new ServerClock(store, silentLogger);
    await expect(clock.start()).rejects.toThrow('down');
    await Promise.all([clock.start(), clock.start()]);
    clock.stop();
    expect(calls).toBe(4); // 1 failed + 3 samples
    expect(Math.abs(clock.now() - Date.now() - TEN_MINUTES)).toBeLessThan(1000);
  });

  it('refuses a server time that is not a number', async () => {
    const clock = new ServerClock({ serverTime: async () => Number.NaN }, silentLogger);
    await expect(clock.start()).rejects.toMatchObject({ code: 'STORE_ERROR', operation: 'serverTime' });
    expect(Number.isFinite(clock.now())).toBe(true);
  });

  it('refreshes the offset on its interval, keeps the last one on failure, and stops', async () => {
    vi.useFakeTimers();
    let offset = TEN_MINUTES;
    let fail = false;
    const warn = vi.fn();
    const store = {
      serverTime: async () => {
        if (fail) throw new Error('blip');
        return Date.now() + offset;
      },
    };
    const clock = new ServerClock(store, { ...silentLogger, warn }, { refreshMs: 60_000 });
    await clock.start();
    expect(clock.offset).toBe(TEN_MINUTES);
    offset = 5_000;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(clock.offset).toBe(5_000);
    fail = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(clock.offset).toBe(5_000);
    expect(warn).toHaveBeenCalledTimes(1);
    fail = false;
    offset = 1;
    clock.stop();
    await vi.advanceTimersByTimeAsync(180_000);
    expect(clock.offset).toBe(5_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
