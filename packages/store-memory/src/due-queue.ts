import { type HeapItem, IndexedHeap } from './indexed-heap.js';

/** An item of a {@link DueQueue}. */
export interface DueItem extends HeapItem {
  /** Identifies the item's current place in a due queue's FIFO; 0 when in none. */
  fifoTicket: number;
}

/** `heapIndex` of an item held by a due queue's FIFO rather than a heap. */
const IN_FIFO = -2;

let lastTicket = 0;

/**
 * A priority queue tuned for the common case: items arriving already in order
 * (same priority, enqueued now) go to a FIFO, O(1) in and out with sequential
 * memory access; the rest go to an indexed heap. `pop` takes the smaller of
 * the two heads, so the order is exactly `before`'s whatever the arrival order.
 * Removal of any item is O(1) from the FIFO (a tombstone) or O(log n) from the
 * heap.
 */
export class DueQueue<T extends DueItem> {
  private fifo: T[] = [];
  private tickets: number[] = [];
  private head = 0;
  private fifoLive = 0;
  /** The last item appended to the FIFO, live or not: every live FIFO item comes before or is it. */
  private tail: T | undefined;
  private readonly heap: IndexedHeap<T>;

  constructor(private readonly before: (a: T, b: T) => boolean) {
    this.heap = new IndexedHeap(before);
  }

  get size(): number {
    return this.fifoLive + this.heap.size;
  }

  push(item: T): void {
    if (this.tail !== undefined && this.before(item, this.tail)) {
      this.heap.push(item);
      return;
    }
    const ticket = ++lastTicket;
    item.heapIndex = IN_FIFO;
    item.fifoTicket = ticket;
    this.fifo.push(item);
    this.tickets.push(ticket);
    this.tail = item;
    this.fifoLive++;
  }

  pop(): T | undefined {
    const first = this.fifoHead();
    const top = this.heap.peek();
    if (first === undefined || (top !== undefined && this.before(top, first))) return this.heap.pop();
    this.head++;
    this.leaveFifo(first);
    return first;
  }

  /** Removes `item` if this queue holds it; returns whether it did. */
  remove(item: T): boolean {
    if (item.heapIndex !== IN_FIFO) return this.heap.remove(item);
    // Only this queue's FIFO could have given the item its ticket: find it among the live range.
    const index = this.indexOfTicket(item.fifoTicket);
    if (index < 0 || this.fifo[index] !== item) return false;
    this.leaveFifo(item);
    return true;
  }

  /** The first live FIFO item, dropping tombstones on the way. */
  private fifoHead(): T | undefined {
    while (this.head < this.fifo.length) {
      const item = this.fifo[this.head]!;
      if (item.heapIndex === IN_FIFO && item.fifoTicket === this.tickets[this.head]) return item;
      this.head++;
    }
    return undefined;
  }

  private leaveFifo(item: T): void {
    item.heapIndex = -1;
    item.fifoTicket = 0;
    if (--this.fifoLive === 0) {
      this.fifo = [];
      this.tickets = [];
      this.head = 0;
      this.tail = undefined;
    } else if (this.head > 1024 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.tickets = this.tickets.slice(this.head);
      this.head = 0;
    }
  }

  /** Position of `ticket` in the FIFO (tickets increase along it), or -1. */
  private indexOfTicket(ticket: number): number {
    let low = this.head;
    let high = this.tickets.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.tickets[mid]!;
      if (value === ticket) return mid;
      if (value < ticket) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }
}
