import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full garbage collection, in bytes. */
export function settledHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Open handles of this process (sockets, timers with refs, ...), by type. */
export function activeResources(): string[] {
  return process.getActiveResourcesInfo().filter((type) => type !== 'TTYWrap');
}
