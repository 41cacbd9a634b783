// A bounded queue that drops the oldest item when full: for telemetry, the newest reading matters more than one
// that waited, and a slow model must not make the module's memory grow. Runtime stage (telemetry).

export class DropOldestQueue<T> {
  private items: T[] = [];
  private head = 0;
  dropped = 0;

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds an item; when full, the oldest is dropped and returned. */
  push(item: T): T | undefined {
    let dropped: T | undefined;
    if (this.length >= this.capacity) {
      dropped = this.items[this.head++];
      this.dropped++;
    }
    this.items.push(item);
    // Compact once the consumed prefix dominates, so the array never grows past twice the capacity.
    if (this.head > this.capacity) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }

  /** Removes and returns up to `max` items, oldest first. */
  take(max: number): T[] {
    const end = Math.min(this.items.length, this.head + max);
    const batch = this.items.slice(this.head, end);
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return batch;
  }
}
