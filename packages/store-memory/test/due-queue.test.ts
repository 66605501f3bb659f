import { describe, expect, it } from 'vitest';
import { DueQueue } from '../src/due-queue.js';

interface Item {
  heapIndex: number;
  fifoTicket: number;
  priority: number;
  seq: number;
}

/** A small deterministic PRNG, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const before = (a: Item, b: Item) => (a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq);
const sorted = (items: Iterable<Item>) => [...items].sort((a, b) => (before(a, b) ? -1 : 1));

describe('DueQueue', () => {
  it('pops in order through in-order and out-of-order pushes, removals and re-pushes', () => {
    for (const seed of [1, 2, 3]) {
      const rand = random(seed);
      const queue = new DueQueue<Item>(before);
      const other = new DueQueue<Item>(before);
      const live = new Set<Item>();
      const out: Item[] = [];
      let seq = 0;
      for (let step = 0; step < 6000; step++) {
        const r = rand();
        if (r < 0.45) {
          // Mostly in order (same priority, rising seq), sometimes a higher priority out of order.
          const item = {
            heapIndex: -1,
            fifoTicket: 0,
            priority: rand() < 0.8 ? 0 : 1 + Math.floor(rand() * 3),
            seq: seq++,
          };
          queue.push(item);
          live.add(item);
        } else if (r < 0.65) {
          const popped = queue.pop();
          expect(popped).toBe(sorted(live)[0]);
          if (popped) {
            live.delete(popped);
            out.push(popped);
          }
        } else if (r < 0.85 && live.size > 0) {
          const items = [...live];
          const victim = items[Math.floor(rand() * items.length)]!;
          expect(other.remove(victim)).toBe(false);
          expect(queue.remove(victim)).toBe(true);
          expect(queue.remove(victim)).toBe(false);
          live.delete(victim);
          out.push(victim);
        } else if (out.length > 0) {
          // Back in, as a released or retried job comes back with its old sequence.
          const item = out.splice(Math.floor(rand() * out.length), 1)[0]!;
          queue.push(item);
          live.add(item);
        }
        expect(queue.size).toBe(live.size);
      }
      const drained: Item[] = [];
      for (let item = queue.pop(); item !== undefined; item = queue.pop()) drained.push(item);
      expect(drained).toEqual(sorted(live));
    }
  });

  it('keeps order across FIFO compaction', () => {
    const queue = new DueQueue<Item>(before);
    const items = Array.from({ length: 5000 }, (_, seq) => ({
      heapIndex: -1,
      fifoTicket: 0,
      priority: 0,
      seq,
    }));
    for (const item of items) queue.push(item);
    for (let i = 0; i < 3000; i++) expect(queue.pop()).toBe(items[i]);
    expect(queue.remove(items[4000]!)).toBe(true);
    const rest: Item[] = [];
    for (let item = queue.pop(); item !== undefined; item = queue.pop()) rest.push(item);
    expect(rest).toEqual(items.slice(3000).filter((_, i) => i !== 1000));
  });
});
