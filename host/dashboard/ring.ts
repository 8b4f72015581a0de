// A bounded list of sequenced items for the dashboard feed: the newest CAPACITY are kept, and a
// reader with a cursor gets what came after it (or the whole ring if it fell behind).
export class SeqRing<T extends { seq: number }> {
  private readonly items: T[] = [];
  private nextSeq = 1;

  constructor(readonly capacity: number) {}

  /** Stamps the item with the next sequence number and keeps it. */
  push(item: Omit<T, "seq">): T {
    const stamped = { ...item, seq: this.nextSeq++ } as T;
    this.items.push(stamped);
    if (this.items.length > this.capacity) this.items.shift();
    return stamped;
  }

  /** The sequence number of the newest item (0 when none yet). */
  get last(): number { return this.nextSeq - 1; }

  /** Items newer than `seq`, oldest first. */
  since(seq: number): T[] {
    if (seq >= this.last) return [];
    const first = this.items.length === 0 ? this.nextSeq : this.items[0].seq;
    return this.items.slice(Math.max(0, seq + 1 - first));
  }

  filter(predicate: (item: T) => boolean): T[] { return this.items.filter(predicate); }
}
