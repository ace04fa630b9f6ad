/**
 * First in, first out, with O(1) takes: `Array.shift` moves every element, so items are read from a
 * head index and the array is cut only once the taken part is most of it.
 */
export class FifoQueue<T> {
  private items: T[];
  private head = 0;

  constructor(items: readonly T[] = []) {
    this.items = [...items];
  }

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, removed; undefined when empty. */
  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
