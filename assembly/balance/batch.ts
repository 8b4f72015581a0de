// A run of picks for balancePickMany: the same picks, in the same order, with the same
// statistics as that many calls of pickInstance, but paying once per run for what cannot change
// within it. The first pick makes the pool current (and builds a weighted round robin cycle).
// While nothing can change the pool between two picks (no time-driven change pending, no panic,
// no half-open breaker whose probe permits a pick would take), round robin, weighted round robin
// with a ready cycle and uniform random continue as one loop over the pool row; anything else
// picks one by one.
import { WITH_ALL_STRATEGIES } from "../features";
import { instanceHandle } from "../registry/instances";
import { pickInstance } from "./pick";
import { randomBelow } from "./random";
import { cycleNext, CYCLE_READY } from "./cycle";
import { countSlotPick } from "./stats";
import {
  STRATEGY_ROUND_ROBIN, STRATEGY_WEIGHTED_ROUND_ROBIN, STRATEGY_RANDOM, NEVER, serviceAt, poolRowAt, byteIn,
  SERVICE_WAKE_MS, SERVICE_POOL_WORD, SERVICE_POOL_COUNT, SERVICE_PANIC, SERVICE_HALF_OPEN, SERVICE_WEIGHTS_EQUAL,
  SERVICE_STRATEGY, SERVICE_CURSOR, SERVICE_WRR_STATE, SERVICE_PICKS, SERVICE_SPLIT_SHARE,
} from "./tables";

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

/** Picks `from` .. `count` in one loop when the pool is steady and the strategy allows; returns where it stopped. */
function steadyRun(service: i32, from: i32, count: i32, out: usize): i32 {
  const config = serviceAt(service);
  const pool = load<u64>(config, SERVICE_POOL_WORD);
  if (load<i64>(config, SERVICE_WAKE_MS) != NEVER || byteIn(pool, SERVICE_POOL_WORD, SERVICE_PANIC) != 0
    || byteIn(pool, SERVICE_POOL_WORD, SERVICE_HALF_OPEN) != 0 || load<u8>(config, SERVICE_SPLIT_SHARE) != 0) return from; // (a split: one by one)
  const strategy = load<u8>(config, SERVICE_STRATEGY);
  const cyclic = WITH_ALL_STRATEGIES && strategy == STRATEGY_WEIGHTED_ROUND_ROBIN && load<u8>(config, SERVICE_WRR_STATE) == CYCLE_READY;
  const uniform = WITH_ALL_STRATEGIES && strategy == STRATEGY_RANDOM && byteIn(pool, SERVICE_POOL_WORD, SERVICE_WEIGHTS_EQUAL) != 0;
  if (strategy != STRATEGY_ROUND_ROBIN && !cyclic && !uniform) return from;
  const n = byteIn(pool, SERVICE_POOL_WORD, SERVICE_POOL_COUNT);
  const row = poolRowAt(service);
  let cursor = <i32>load<u8>(config, SERVICE_CURSOR);
  for (let i = from; i < count; i++) {
    let position: i32;
    if (uniform) position = randomBelow(n);
    else if (cyclic) position = cycleNext(config);
    else { // round robin, as rotate (round-robin.ts)
      if (cursor >= n) cursor = 0;
      position = cursor++;
    }
    const slot = <i32>load<u16>(row + (<usize>position << 1));
    countSlotPick(slot);
    store<i32>(out + (<usize>i << 2), instanceHandle(slot));
  }
  if (strategy == STRATEGY_ROUND_ROBIN) store<u8>(config, <u8>cursor, SERVICE_CURSOR);
  store<u64>(config, load<u64>(config, SERVICE_PICKS) + <u64>(count - from), SERVICE_PICKS);
  return count;
}
