/** An item that knows its slot, so a heap can remove it in O(log n). */
export interface HeapItem {
  /** Position in the heap holding the item, `-1` when in none. An item lives in at most one heap. */
  heapIndex: number;
}

/**
 * A binary min-heap ordered by `less`, whose items record their own position:
 * push, pop and remove of an arbitrary item are O(log n).
 */
export class IndexedHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  has(item: T): boolean {
    return item.heapIndex >= 0 && this.items[item.heapIndex] === item;
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Removes `item` if this heap holds it; returns whether it did. */
  remove(item: T): boolean {
    if (!this.has(item)) return false;
    this.removeAt(item.heapIndex);
    return true;
  }

  private removeAt(index: number): void {
    const items = this.items;
    const removed = items[index]!;
    const last = items.pop()!;
    removed.heapIndex = -1;
    if (index === items.length) return;
    items[index] = last;
    last.heapIndex = index;
    // The moved item may belong above or below its new slot.
    this.up(index);
    this.down(last.heapIndex);
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!this.less(item, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private down(index: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.less(items[right]!, items[left]!)) child = right;
      const childItem = items[child]!;
      if (!this.less(childItem, item)) break;
      items[index] = childItem;
      childItem.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
