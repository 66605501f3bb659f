/** An item of an {@link ActiveList}: the links live on the item itself. */
export interface ActiveItem {
  activePrevious: ActiveItem | null;
  activeNext: ActiveItem | null;
}

/**
 * The jobs under a lease, as a list linked through the jobs: adding and
 * removing one (every claim and every ack) hashes nothing and allocates
 * nothing, where a map by id did both. Lookups by id go through the job table.
 */
export class ActiveList<T extends ActiveItem> {
  private head: T | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(item: T): void {
    item.activePrevious = null;
    item.activeNext = this.head;
    if (this.head !== null) this.head.activePrevious = item;
    this.head = item;
    this.count++;
  }

  /** Removes `item` if it is in the list. */
  delete(item: T): void {
    const { activePrevious: previous, activeNext: next } = item;
    if (previous === null && this.head !== item) return;
    if (previous !== null) previous.activeNext = next;
    else this.head = next as T | null;
    if (next !== null) next.activePrevious = previous;
    item.activePrevious = null;
    item.activeNext = null;
    this.count--;
  }

  /** Every item, newest first. */
  *values(): Generator<T> {
    for (let item = this.head; item !== null; item = item.activeNext as T | null) yield item;
  }
}
