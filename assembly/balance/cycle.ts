// Smooth weighted round robin as a precomputed cycle: nginx's sequence, bit for bit, at one
// table read a pick instead of a scan over the pool.
//
// The scan's state is the pool's current weights; a pick adds each weight and takes the total
// W off the winner, so the sum of the current weights never changes. When, over W consecutive
// picks, every member is picked exactly its weight's number of times, the current weights are
// back where they started and the sequence repeats from there. From the state a pool change
// leaves, that holds at once or after a few periods, so a build simulates the scan period by
// period on a copy, recording each pick's pool position, until one period returns to the state
// it started from: the entries before it are the lead-in, that period is the loop.
//
// The slots' current weights stay as they were when the cycle was built; the state after k
// entries is start + k * weight - W * (picks of the member among the first k entries), written
// back (settled) before the pool changes (eligibility.ts poolRebuild) and before any instance of
// the service leaves or joins (members.ts): exactly the values the scan would have left. The
// weights the cycle was built with are kept with it, so a weight changed in between settles
// with the old one, as the scan would have used it.
//
// A cycle longer than WRR_CYCLE_MAX, a lead-in that does not settle within it, or no free
// table: the pick scans (weighted-round-robin.ts), as before.
import { WRR_TABLES_MAX, WRR_CYCLE_MAX, INSTANCES_PER_SERVICE_MAX } from "../limits";
import { isService } from "../registry/services";
import {
  serviceAt, slotAt, poolSlotAt, SERVICE_WRR_TABLE, SERVICE_WRR_STATE, SERVICE_WRR_AT, SERVICE_WEIGHT_TOTAL,
  SERVICE_POOL_COUNT, SLOT_CURRENT, SLOT_WEIGHT,
} from "./tables";

/** SERVICE_WRR_STATE: build at the next pick; a cycle is in use; this pool scans. */
export const CYCLE_UNBUILT: u8 = 0;
export const CYCLE_READY: u8 = 1;
export const CYCLE_SCAN: u8 = 2;

const TABLE_BYTES: i32 = WRR_CYCLE_MAX + 2 * INSTANCES_PER_SERVICE_MAX + 4;
const TABLE_WEIGHTS: usize = <usize>WRR_CYCLE_MAX; // u16 per pool position: the weights it was built with
const TABLE_END: usize = <usize>(WRR_CYCLE_MAX + 2 * INSTANCES_PER_SERVICE_MAX); // u16: entries
const TABLE_LOOP: usize = TABLE_END + 2; // u16: where the loop starts

// No tables (and none of their memory) in a profile without cycles. The arrays stay referenced
// by managed globals: a GC runtime (as-pect's) would otherwise free them under the raw pointers.
const tableStore: StaticArray<u8> | null = WRR_TABLES_MAX > 0 ? new StaticArray<u8>(WRR_TABLES_MAX * TABLE_BYTES) : null;
const ownerStore: StaticArray<i16> | null = WRR_TABLES_MAX > 0 ? new StaticArray<i16>(WRR_TABLES_MAX) : null;
/** Scratch for a build and a settle: current weights per pool position, and a period's start. */
const scratchStore: StaticArray<i32> | null = WRR_TABLES_MAX > 0 ? new StaticArray<i32>(2 * INSTANCES_PER_SERVICE_MAX) : null;
const tables: usize = changetype<usize>(tableStore);
const owners: usize = changetype<usize>(ownerStore);
const scratch: usize = changetype<usize>(scratchStore);

@inline function tableAt(table: i32): usize { return tables + <usize>(table * TABLE_BYTES); }
@inline function ownerOf(table: i32): i32 { return <i32>load<i16>(owners + (<usize>table << 1)); }
@inline function currentAt(position: i32): usize { return scratch + (<usize>position << 2); }
@inline function startAt(position: i32): usize { return scratch + (<usize>(INSTANCES_PER_SERVICE_MAX + position) << 2); }

/** A ready cycle's table, and where in it the next pick is (a run of picks keeps `at` in a local: batch.ts). */
@inline export function cycleTableOf(config: usize): usize { return tableAt(<i32>load<i8>(config, SERVICE_WRR_TABLE)); }
@inline export function cycleAt(config: usize): u32 { return <u32>load<u16>(config, SERVICE_WRR_AT); }
@inline export function cycleAtSet(config: usize, at: u32): void { store<u16>(config, <u16>at, SERVICE_WRR_AT); }

/** The pool position at entry `at` of a table. */
@inline export function cyclePosition(table: usize, at: u32): i32 { return <i32>load<u8>(table + at); }

/** The entry after `at`: the next, or the loop's start after the last. */
@inline export function cycleAfter(table: usize, at: u32): u32 {
  const next = at + 1;
  return next == <u32>load<u16>(table + TABLE_END) ? <u32>load<u16>(table + TABLE_LOOP) : next;
}

/** The next pool position of a ready cycle, advancing it. */
@inline export function cycleNext(config: usize): i32 {
  const table = cycleTableOf(config);
  const at = cycleAt(config);
  cycleAtSet(config, cycleAfter(table, at));
  return cyclePosition(table, at);
}

/** Writes the current weights a ready cycle stands for back to the slots; the next pick builds anew. */
export function cycleSettle(service: i32): void {
  if (WRR_TABLES_MAX == 0) return;
  const config = serviceAt(service);
  const state = load<u8>(config, SERVICE_WRR_STATE);
  store<u8>(config, CYCLE_UNBUILT, SERVICE_WRR_STATE);
  if (state != CYCLE_READY) return;
  const table = tableAt(<i32>load<i8>(config, SERVICE_WRR_TABLE));
  const at = <i32>load<u16>(config, SERVICE_WRR_AT);
  const n = <i32>load<u8>(config, SERVICE_POOL_COUNT);
  const total = <i32>load<u32>(config, SERVICE_WEIGHT_TOTAL);
  for (let p = 0; p < n; p++) store<i32>(currentAt(p), 0);
  for (let k = 0; k < at; k++) {
    const counter = currentAt(<i32>load<u8>(table + <usize>k));
    store<i32>(counter, load<i32>(counter) + 1);
  }
  for (let p = 0; p < n; p++) {
    const record = slotAt(poolSlotAt(service, p));
    const weight = <i32>load<u16>(table + TABLE_WEIGHTS + (<usize>p << 1));
    store<i32>(record, load<i32>(record, SLOT_CURRENT) + at * weight - total * load<i32>(currentAt(p)), SLOT_CURRENT);
  }
}

/** A table for the service, or -1 when every table holds another service's ready cycle. */
function acquire(service: i32): i32 {
  const held = <i32>load<i8>(serviceAt(service), SERVICE_WRR_TABLE);
  if (held >= 0 && ownerOf(held) == service) return held;
  for (let table = 0; table < WRR_TABLES_MAX; table++) {
    const owner = ownerOf(table);
    if (owner >= 0 && isService(owner) && <i32>load<i8>(serviceAt(owner), SERVICE_WRR_TABLE) == table
      && load<u8>(serviceAt(owner), SERVICE_WRR_STATE) == CYCLE_READY) continue;
    store<i16>(owners + (<usize>table << 1), <i16>service);
    store<i8>(serviceAt(service), <i8>table, SERVICE_WRR_TABLE);
    return table;
  }
  return -1;
}

/** Builds the service's cycle for its pool of `count`: true when ready, false when it scans. */
export function cycleBuild(service: i32, count: i32): bool {
  const config = serviceAt(service);
  const total = <i32>load<u32>(config, SERVICE_WEIGHT_TOTAL);
  const table = total <= WRR_CYCLE_MAX ? acquire(service) : -1;
  if (table < 0) {
    store<u8>(config, CYCLE_SCAN, SERVICE_WRR_STATE);
    return false;
  }
  const entries = tableAt(table);
  for (let p = 0; p < count; p++) {
    const record = slotAt(poolSlotAt(service, p));
    store<i32>(currentAt(p), load<i32>(record, SLOT_CURRENT));
    store<u16>(entries + TABLE_WEIGHTS + (<usize>p << 1), load<u16>(record, SLOT_WEIGHT));
  }
  for (let start = 0; start + total <= WRR_CYCLE_MAX; start += total) {
    for (let p = 0; p < count; p++) store<i32>(startAt(p), load<i32>(currentAt(p)));
    for (let k = 0; k < total; k++) store<u8>(entries + <usize>(start + k), <u8>scanStep(entries, count, total));
    let back = true;
    for (let p = 0; p < count && back; p++) back = load<i32>(currentAt(p)) == load<i32>(startAt(p));
    if (!back) continue;
    store<u16>(entries + TABLE_END, <u16>(start + total));
    store<u16>(entries + TABLE_LOOP, <u16>start);
    store<u16>(config, 0, SERVICE_WRR_AT);
    store<u8>(config, CYCLE_READY, SERVICE_WRR_STATE);
    return true;
  }
  store<u8>(config, CYCLE_SCAN, SERVICE_WRR_STATE);
  return false;
}

/** One step of nginx's scan over the scratch weights: the position picked. */
function scanStep(entries: usize, count: i32, total: i32): i32 {
  let best = 0;
  let bestCurrent = i32.MIN_VALUE;
  for (let p = 0; p < count; p++) {
    const current = load<i32>(currentAt(p)) + <i32>load<u16>(entries + TABLE_WEIGHTS + (<usize>p << 1));
    store<i32>(currentAt(p), current);
    if (current > bestCurrent) { bestCurrent = current; best = p; }
  }
  store<i32>(currentAt(best), bestCurrent - total);
  return best;
}

/** Back to init: no table is held. */
export function cycleReset(): void {
  for (let table = 0; table < WRR_TABLES_MAX; table++) store<i16>(owners + (<usize>table << 1), -1);
}
