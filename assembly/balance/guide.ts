// Guide tables (Chen and Asau's "guide table" method) for the weighted picks that find a draw in
// prefix sums: weighted random over the pool, weighted IP hash over all ordinals. Both map a
// 32-bit draw r to target = (r * total) >> 32 and take the first entry whose prefix sum exceeds
// it. A table splits the draws into PICK_GUIDE_BUCKETS buckets by r's top bits and keeps, per
// bucket, the first entry whose prefix sum exceeds the smallest target of that bucket
// (floor(b * total / BUCKETS)): no draw of the bucket can land before it. A pick starts there
// and steps forward, O(1) expected (a bucket spans total / BUCKETS weight, about one entry at
// 64 instances), and lands on exactly the entry a binary search finds: the mapping from a draw
// to an instance is the same, so seeded sequences and conformance hashes do not change.
//
// Rebuilt with the prefix sums (eligibility.ts sumWeights), only where the weights differ (equal
// weights pick by multiply-shift alone). One byte a bucket, two tables a service (pool,
// ordinals). None in the mcu and tiny profiles (PICK_GUIDE_BUCKETS 0): there the binary search
// over at most 8 instances stays.
import { PICK_GUIDE_BUCKETS, SERVICES_MAX } from "../limits";
import { slotAt, poolSlotAt, slotOfOrdinal, SLOT_POOL_CUM, SLOT_ORDINAL_CUM } from "./tables";

/** A draw's bucket is its top log2(PICK_GUIDE_BUCKETS) bits: draw >>> GUIDE_SHIFT. */
const GUIDE_SHIFT: u32 = PICK_GUIDE_BUCKETS > 0 ? 32 - <u32>ctz<i32>(PICK_GUIDE_BUCKETS) : 0;

/** Table `which` (GUIDE_POOL or GUIDE_ORDINALS) of a service. */
export const GUIDE_POOL: i32 = 0;
export const GUIDE_ORDINALS: i32 = 1;

// Held by a managed global (a GC runtime would free a table held only through a raw pointer).
const guideStore: StaticArray<u8> | null = PICK_GUIDE_BUCKETS > 0 ? new StaticArray<u8>(SERVICES_MAX * 2 * PICK_GUIDE_BUCKETS) : null;
const guides: usize = changetype<usize>(guideStore);

@inline function guideAt(service: i32, which: i32): usize {
  return guides + <usize>((service * 2 + which) * PICK_GUIDE_BUCKETS);
}

/** The prefix sum of entry `entry` of table `which`'s order (`which` is a constant at each call). */
@inline function cumAt(service: i32, which: i32, entry: i32): u32 {
  return which == GUIDE_POOL
    ? <u32>load<u16>(slotAt(poolSlotAt(service, entry)), SLOT_POOL_CUM)
    : <u32>load<u16>(slotAt(slotOfOrdinal(service, entry)), SLOT_ORDINAL_CUM);
}

/** Builds a service's table `which` from the prefix sums of its `n` entries (the last holds `total`). */
export function guideBuild(service: i32, which: i32, n: i32, total: u32): void {
  if (PICK_GUIDE_BUCKETS == 0) return;
  const table = guideAt(service, which);
  let entry = 0;
  for (let bucket = 0; bucket < PICK_GUIDE_BUCKETS; bucket++) {
    const low = <u32>((<u64>bucket * <u64>total) >>> (32 - GUIDE_SHIFT)); // the bucket's smallest target
    while (entry < n - 1 && cumAt(service, which, entry) <= low) entry++;
    store<u8>(table + <usize>bucket, <u8>entry);
  }
}

/**
 * The first entry whose prefix sum exceeds target = (draw * total) >> 32 (the one a binary
 * search finds), walking forward from the draw's bucket; `total` is the last entry's sum.
 */
@inline export function guideFind(service: i32, which: i32, draw: u32, total: u32): i32 {
  const target = <u32>((<u64>draw * <u64>total) >>> 32);
  let entry = <i32>load<u8>(guideAt(service, which) + <usize>(draw >>> GUIDE_SHIFT));
  while (cumAt(service, which, entry) <= target) entry++;
  return entry;
}
