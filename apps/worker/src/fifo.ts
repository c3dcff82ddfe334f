/** A FIFO with O(1) amortised take from the front (Array#shift/splice is O(n) on 100k pending texts). */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  pushAll(values: readonly T[]): void {
    for (const v of values) this.items.push(v);
  }

  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += out.length;
    // Compact once the consumed prefix dominates, so memory is released.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
