// The live progress line: counts by state and a jobs/s rate over the last second.

const STATES = ['waiting', 'scheduled', 'ready', 'active', 'retrying', 'completed', 'failed', 'cancelled'];

/** Sums `countJobs()` rows per state. */
export function totals(counts) {
  const byState = Object.fromEntries(STATES.map((s) => [s, 0]));
  for (const { state, count } of counts) byState[state] += count;
  return byState;
}

/** Jobs that may still run. */
export function unfinished(byState) {
  return byState.waiting + byState.scheduled + byState.ready + byState.active + byState.retrying;
}

export class Progress {
  #samples = [];
  #tty = Boolean(process.stdout.isTTY);
  #lastPrint = 0;

  /** `finished`: jobs finished so far (completed + failed), for the rate. */
  rate(finished, now = Date.now()) {
    this.#samples.push([now, finished]);
    while (this.#samples.length > 2 && this.#samples[0][0] < now - 1_000) this.#samples.shift();
    const [t0, f0] = this.#samples[0];
    return now > t0 ? ((finished - f0) * 1_000) / (now - t0) : 0;
  }

  show(byState, finished) {
    const jobsPerSecond = this.rate(finished);
    // Non-zero states only, so the line fits a terminal; ready and active always.
    const shown = STATES.filter((s) => byState[s] > 0 || s === 'ready' || s === 'active');
    const line = `${shown.map((s) => `${s} ${byState[s]}`).join(' · ')} │ ${Math.round(jobsPerSecond)} jobs/s`;
    if (this.#tty) {
      // A wrapped line could not be redrawn in place: cut it to the terminal's width.
      process.stdout.write(`\r\x1b[2K${line.slice(0, (process.stdout.columns || 120) - 1)}`);
    } else if (Date.now() - this.#lastPrint >= 1_000) {
      this.#lastPrint = Date.now();
      process.stdout.write(`${line}\n`);
    }
  }

  /** Ends the progress line so the next output starts on its own line. */
  done() {
    if (this.#tty) process.stdout.write('\n');
  }
}
