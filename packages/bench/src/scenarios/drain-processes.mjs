// N ready jobs drained by four worker processes sharing the store (each at the given
// concurrency). Time from the "go" message to the last completion any of them reports.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './drain.mjs';
import { fillQueue } from './enqueue-bulk.mjs';

const WORKER_ENTRY = fileURLToPath(new URL('../worker-process.mjs', import.meta.url));

export async function drainProcesses(adapter, { system, ns, n, concurrency, processes, timeoutMs }) {
  await fillQueue(adapter, n);
  const children = [];
  for (let i = 0; i < processes; i++) {
    children.push(
      fork(WORKER_ENTRY, [system, ns, String(concurrency)], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
    );
  }
  try {
    await Promise.all(children.map((child) => nextMessage(child, 'ready')));
    let done = 0;
    let finish;
    const finished = new Promise((resolve) => {
      finish = resolve;
    });
    for (const child of children) {
      child.on('message', (m) => {
        if (m.type === 'completed') {
          done += m.count;
          if (done >= n) finish();
        }
      });
    }
    const started = performance.now();
    for (const child of children) child.send({ type: 'go' });
    await withTimeout(finished, timeoutMs, () => `drained ${done} of ${n}`);
    await adapter.settle?.();
    const elapsed = performance.now() - started;
    return { jobs_per_s: Math.round((n / elapsed) * 1000), p50_ms: null, p95_ms: null, p99_ms: null };
  } finally {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.send({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m.type === type) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before "${type}"`)));
  });
}
