import { describe, expect, it } from 'vitest';
import { type ActiveItem, ActiveList } from '../src/active-list.js';

interface Item extends ActiveItem {
  name: string;
}

const item = (name: string): Item => ({ name, activePrevious: null, activeNext: null });

describe('ActiveList', () => {
  it('adds, removes from any position and lists newest first', () => {
    const list = new ActiveList<Item>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(item) as [Item, Item, Item, Item];
    for (const x of [a, b, c, d]) list.add(x);
    list.delete(c); // middle
    list.delete(d); // head
    expect([...list.values()].map((x) => x.name)).toEqual(['b', 'a']);
    list.delete(a); // tail
    expect([...list.values()].map((x) => x.name)).toEqual(['b']);
    expect(list.size).toBe(1);
    list.add(c);
    expect([...list.values()].map((x) => x.name)).toEqual(['c', 'b']);
  });

  it('ignores an item it does not hold, so a second delete changes nothing', () => {
    const list = new ActiveList<Item>();
    const [a, b] = [item('a'), item('b')];
    list.add(a);
    list.add(b);
    list.delete(a);
    list.delete(a);
    list.delete(item('stranger'));
    expect([...list.values()].map((x) => x.name)).toEqual(['b']);
    expect(list.size).toBe(1);
  });
});
