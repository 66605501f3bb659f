import { describe, expect, it } from 'vitest';
import { IndexedHeap } from '../src/indexed-heap.js';

interface Item {
  heapIndex: number;
  key: number;
  id: number;
}

/** A small deterministic PRNG, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const byKeyThenId = (a: Item, b: Item) => (a.key !== b.key ? a.key < b.key : a.id < b.id);

describe('IndexedHeap', () => {
  it('pops in order under random pushes, pops and removals of arbitrary items', () => {
    const rand = random(42);
    const heap = new IndexedHeap<Item>(byKeyThenId);
    const live = new Set<Item>();
    let nextId = 0;
    for (let step = 0; step < 20_000; step++) {
      const r = rand();
      if (r < 0.5) {
        const item = { heapIndex: -1, key: Math.floor(rand() * 100), id: nextId++ };
        heap.push(item);
        live.add(item);
      } else if (r < 0.75) {
        const expected = [...live].sort((a, b) => (byKeyThenId(a, b) ? -1 : 1))[0];
        const popped = heap.pop();
        expect(popped).toBe(expected);
        if (popped) live.delete(popped);
        if (popped) expect(popped.heapIndex).toBe(-1);
      } else if (live.size > 0) {
        const victims = [...live];
        const victim = victims[Math.floor(rand() * victims.length)]!;
        expect(heap.remove(victim)).toBe(true);
        expect(heap.remove(victim)).toBe(false);
        live.delete(victim);
      }
      expect(heap.size).toBe(live.size);
    }
    const drained: Item[] = [];
    for (let item = heap.pop(); item !== undefined; item = heap.pop()) drained.push(item);
    expect(drained).toEqual([...live].sort((a, b) => (byKeyThenId(a, b) ? -1 : 1)));
  });

  it('does not remove an item that belongs to another heap', () => {
    const a = new IndexedHeap<Item>(byKeyThenId);
    const b = new IndexedHeap<Item>(byKeyThenId);
    const inA = { heapIndex: -1, key: 1, id: 1 };
    const inB = { heapIndex: -1, key: 2, id: 2 };
    a.push(inA);
    b.push(inB);
    expect(a.remove(inB)).toBe(false);
    expect(a.size).toBe(1);
    expect(b.pop()).toBe(inB);
  });
});
