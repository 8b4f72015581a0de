// A run of picks for balancePickMany: the same picks, in the same order, with the same
// statistics as that many calls of pickInstance, but paying once per run for what cannot change
// within it. The first pick makes the pool current (and builds a weighted round robin cycle).
// While the pool is steady (steady.ts: nothing can change it between two picks, and the
// strategy's pick is a position alone), the rest continue as one loop over the pool row;
// anything else picks one by one.
import { WITH_ALL_STRATEGIES } from "../features";
import { instanceHandle } from "../registry/instances";
import { pickInstance } from "./pick";
import { steadyKind, STEADY_NONE, STEADY_UNIFORM, STEADY_CYCLE } from "./steady";
import { randomBelow } from "./random";
import { cycleTableOf, cycleAt, cycleAtSet, cyclePosition, cycleAfter } from "./cycle";
import { countSlotPick } from "./stats";
import { serviceAt, poolRowAt, SERVICE_POOL_COUNT, SERVICE_PICKS, SERVICE_CURSOR } from "./tables";

/**
 * `count` (>= 1) picks for the requests at `out`: u32 keys in when `keyed`, i32 handles out.
 * Returns the picks made: `count`, fewer when the pool ran out part way, or the first pick's error.
 */
export function pickRun(service: i32, count: i32, out: usize, keyed: bool): i32 {
  let done = 0;
  while (done < count) {
    const at = out + (<usize>done << 2);
    const slot = pickInstance(service, load<u32>(at), keyed);
    if (slot < 0) return done > 0 ? done : slot;
    store<i32>(at, instanceHandle(slot));
    done++;
    if (done == 1 && count > 1 && !keyed) done = steadyRun(service, 1, count, out);
  }
  return count;
}

/** Picks `from` .. `count` in one loop when the pool is steady; returns where it stopped. */
function steadyRun(service: i32, from: i32, count: i32, out: usize): i32 {
  const config = serviceAt(service);
  const kind = steadyKind(config);
  if (kind == STEADY_NONE) return from;
  const n = <i32>load<u8>(config, SERVICE_POOL_COUNT);
  const row = poolRowAt(service);
  // One loop per kind, its rotation point in a local: the loop carries no dependency through memory.
  if (WITH_ALL_STRATEGIES && kind == STEADY_UNIFORM) {
    for (let i = from; i < count; i++) steadyPick(row, out, i, randomBelow(n)); // as steadyPosition
  } else if (WITH_ALL_STRATEGIES && kind == STEADY_CYCLE) {
    const table = cycleTableOf(config);
    let at = cycleAt(config);
    for (let i = from; i < count; i++) {
      steadyPick(row, out, i, cyclePosition(table, at)); // as cycleNext
      at = cycleAfter(table, at);
    }
    cycleAtSet(config, at);
  } else {
    let cursor = <i32>load<u8>(config, SERVICE_CURSOR);
    for (let i = from; i < count; i++) {
      if (cursor >= n) cursor = 0; // as rotatePosition
      steadyPick(row, out, i, cursor++);
    }
    store<u8>(config, <u8>cursor, SERVICE_CURSOR);
  }
  store<u64>(config, load<u64>(config, SERVICE_PICKS) + <u64>(count - from), SERVICE_PICKS); // the service counts the run once
  return count;
}

/** Pick `i` of a run: the slot at pool `position`, counted on the instance, its handle written out. */
@inline function steadyPick(row: usize, out: usize, i: i32, position: i32): void {
  const slot = <i32>load<u16>(row + (<usize>position << 1));
  countSlotPick(slot);
  store<i32>(out + (<usize>i << 2), instanceHandle(slot));
}
