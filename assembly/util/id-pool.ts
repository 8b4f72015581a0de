// A pool of small integer ids (service ids, instance slots, edge slots): ids never handed out
// come from a fresh counter, returned ids from a stack, so reset is O(1) and the order in which
// ids are handed out is deterministic (ascending, then most recently freed first).

export class IdPool {
  private readonly freed: StaticArray<i32>;
  private freedCount: i32 = 0;
  private fresh: i32 = 0;

  constructor(readonly capacity: i32) {
    this.freed = new StaticArray<i32>(capacity);
  }

  @inline available(): i32 { return this.capacity - this.fresh + this.freedCount; }

  /** The id the next take() returns, or -1 when the pool is empty. */
  @inline peek(): i32 {
    if (this.freedCount > 0) return unchecked(this.freed[this.freedCount - 1]);
    return this.fresh < this.capacity ? this.fresh : -1;
  }

  /** Takes an id; -1 when the pool is empty (the caller reports the capacity error). */
  take(): i32 {
    if (this.freedCount > 0) return unchecked(this.freed[--this.freedCount]);
    return this.fresh < this.capacity ? this.fresh++ : -1;
  }

  give(id: i32): void {
    assert(id >= 0 && id < this.fresh && this.freedCount < this.capacity, "id returned to the wrong pool");
    unchecked(this.freed[this.freedCount++] = id);
  }

  reset(): void {
    this.freedCount = 0;
    this.fresh = 0;
  }
}
