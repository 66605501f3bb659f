// One of the worker processes of the drain-processes scenario. argv: system ns concurrency.
// Reports completions to the parent batched over at most 2 ms ("completed", count).
import { openSystem } from './systems/index.mjs';

const [system, ns, concurrencyText] = process.argv.slice(2);
const adapter = await openSystem(system, ns);
let pending = 0;
let flushTimer = null;
let worker = null;
const flush = () => {
  flushTimer = null;
  if (pending > 0) {
    process.send({ type: 'completed', count: pending });
    pending = 0;
  }
};

process.on('message', async (m) => {
  if (m.type === 'go') {
    worker = await adapter.startWorker({
      concurrency: Number(concurrencyText),
      onComplete(count) {
        pending += count;
        flushTimer ??= setTimeout(flush, 2);
      },
    });
  } else if (m.type === 'stop') {
    if (flushTimer) clearTimeout(flushTimer);
    flush();
    await worker?.stop();
    await adapter.close();
    process.exit(0);
  }
});
process.send({ type: 'ready' });
