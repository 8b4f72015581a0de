// In-place heapsort of a range of u16 ids: O(n log n), no recursion, no allocation.

@inline function swap(a: StaticArray<u16>, i: i32, j: i32): void {
  const t = unchecked(a[i]);
  unchecked(a[i] = unchecked(a[j]));
  unchecked(a[j] = t);
}

function siftDown(a: StaticArray<u16>, base: i32, root: i32, size: i32): void {
  for (;;) {
    let child = 2 * root + 1;
    if (child >= size) return;
    if (child + 1 < size && unchecked(a[base + child + 1]) > unchecked(a[base + child])) child++;
    if (unchecked(a[base + root]) >= unchecked(a[base + child])) return;
    swap(a, base + root, base + child);
    root = child;
  }
}

/** Sorts a[start, end) ascending. */
export function sortRange(a: StaticArray<u16>, start: i32, end: i32): void {
  const size = end - start;
  for (let root = (size >> 1) - 1; root >= 0; root--) siftDown(a, start, root, size);
  for (let last = size - 1; last > 0; last--) {
    swap(a, start, start + last);
    siftDown(a, start, 0, last);
  }
}
