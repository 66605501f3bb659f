/** Samples this process's RSS every 50 ms; `stop()` returns the peak in MB. */
export function startRssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return Math.round(peak / 1048576);
    },
  };
}

/** Wall-clock milliseconds with sub-millisecond precision (comparable within one process). */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}
