// The steady case of a pick: no time-driven change pending (SERVICE_WAKE_MS is NEVER), no panic,
// no half-open breaker whose probe permits a pick would take, no canary split, a non-empty pool, and a strategy
// whose pick is a position in the pool row alone: round robin, weighted round robin with a ready
// cycle, uniform random. Then nothing a pick does can change the pool, and a pick is the
// position, its counts and nothing else: what pickInstance would do, without its general path
// (poolReady, the strategy switch, the panic and half-open bookkeeping). balancePick takes one
// such pick, balancePickMany a run of them (batch.ts); anything else goes to pickInstance.
import { WITH_ALL_STRATEGIES, WITH_ROLLOUT } from "../features";
import { randomBelow } from "./random";
import { cycleNext, CYCLE_READY } from "./cycle";
import { rotatePosition } from "./strategies/round-robin";
import { countPick } from "./stats";
import {
  STRATEGY_ROUND_ROBIN, STRATEGY_WEIGHTED_ROUND_ROBIN, STRATEGY_RANDOM, NEVER, serviceAt, poolSlotAt, byteIn,
  SERVICE_WAKE_MS, SERVICE_POOL_WORD, SERVICE_POOL_COUNT, SERVICE_PANIC, SERVICE_HALF_OPEN, SERVICE_WEIGHTS_EQUAL,
  SERVICE_STRATEGY, SERVICE_WRR_STATE, SERVICE_SPLIT_SHARE,
} from "./tables";

/** How steady picks go: not at all (the general path), or by one of three kinds of position. */
export const STEADY_NONE: i32 = 0;
export const STEADY_ROTATE: i32 = 1;
export const STEADY_CYCLE: i32 = 2;
export const STEADY_UNIFORM: i32 = 3;

/** The service's steady kind now (STEADY_NONE unless every condition above holds). */
@inline export function steadyKind(config: usize): i32 {
  const pool = load<u64>(config, SERVICE_POOL_WORD);
  if (load<i64>(config, SERVICE_WAKE_MS) != NEVER || byteIn(pool, SERVICE_POOL_WORD, SERVICE_POOL_COUNT) == 0
    || byteIn(pool, SERVICE_POOL_WORD, SERVICE_PANIC) != 0 || byteIn(pool, SERVICE_POOL_WORD, SERVICE_HALF_OPEN) != 0
    || (WITH_ROLLOUT && load<u8>(config, SERVICE_SPLIT_SHARE) != 0)) return STEADY_NONE; // a canary split picks by class first (split.ts)
  const strategy = load<u8>(config, SERVICE_STRATEGY);
  if (strategy == STRATEGY_ROUND_ROBIN) return STEADY_ROTATE;
  if (!WITH_ALL_STRATEGIES) return STEADY_NONE;
  if (strategy == STRATEGY_WEIGHTED_ROUND_ROBIN && load<u8>(config, SERVICE_WRR_STATE) == CYCLE_READY) return STEADY_CYCLE;
  if (strategy == STRATEGY_RANDOM && byteIn(pool, SERVICE_POOL_WORD, SERVICE_WEIGHTS_EQUAL) != 0) return STEADY_UNIFORM;
  return STEADY_NONE;
}

/** The next pool position of a steady `kind` (not STEADY_NONE) over a pool of `count`, as the strategy picks it. */
@inline export function steadyPosition(config: usize, kind: i32, count: i32): i32 {
  if (WITH_ALL_STRATEGIES && kind == STEADY_UNIFORM) return randomBelow(count); // random.ts, equal weights
  if (WITH_ALL_STRATEGIES && kind == STEADY_CYCLE) return cycleNext(config); // weighted-round-robin.ts
  return rotatePosition(config, count); // round-robin.ts
}

/** One steady pick, counted as pickInstance counts it: the slot, or -1 when the service is not steady. */
@inline export function pickSteady(service: i32): i32 {
  const config = serviceAt(service);
  const kind = steadyKind(config);
  if (kind == STEADY_NONE) return -1;
  const slot = poolSlotAt(service, steadyPosition(config, kind, <i32>load<u8>(config, SERVICE_POOL_COUNT)));
  countPick(slot, service);
  return slot;
}
