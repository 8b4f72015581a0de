// The canary split: a canary rollout's share of the picks under the strategies that do not
// follow weights (round robin, least connections, weighted least connections, fastest response,
// health-based). The rollout writes the share into the service's record (SERVICE_SPLIT_SHARE,
// 1..100; 0: no split) and marks its canaries (FLAG_CANARY); per pick the balancer first decides
// the class, canary or stable, by a smooth share counter (Bresenham over the two classes: exactly
// share picks in every 100, spread evenly, as smooth weighted round robin would with the weights
// share : 100 - share), then the service's own strategy picks within that class.
//
//   pool row   stable members first, then the canaries (each in the order the pool gave them;
//              health-based: healthy before degraded within each class)
//   stable     the strategy runs over the row's first `stable` entries, with the service's
//              rotation point and preferred tier
//   canary     the row is rotated so the canaries come first (O(n), n <= 64, only on a canary
//              pick), the strategy runs over them with the canaries' own rotation point and
//              tier, and the row is rotated back
//
// A class with no member in the pool gives its picks to the other. The weighted strategies and
// the hashes follow the share through the instance weights the rollout sets (weighted round
// robin exactly, random in proportion, the hashes by key), so the split leaves them alone.
// Without FEATURE_ROLLOUT nothing sets a share: the split's tables are not even allocated.
import { INSTANCES_PER_SERVICE_MAX, SERVICES_MAX } from "../limits";
import { WITH_ROLLOUT } from "../features";
import {
  STRATEGY_WEIGHTED_ROUND_ROBIN, STRATEGY_RANDOM, STRATEGY_IP_HASH, STRATEGY_CONSISTENT_HASH, STRATEGY_HEALTH_BASED,
  HEALTH_DEGRADED, FLAG_CANARY, serviceAt, slotAt, poolRowAt, poolSlotAt, SERVICE_POOL_COUNT, SERVICE_POOL_PREFERRED,
  SERVICE_CURSOR, SERVICE_SPLIT_SHARE, SERVICE_SPLIT_CREDIT, SERVICE_PANIC, SLOT_FLAGS, SLOT_HEALTH,
} from "./tables";

/** Per service: the stable members in the pool, the canaries' rotation point and preferred tier, the stable tier. */
const SPLIT_STABLE: i32 = 0;
const SPLIT_CURSOR: i32 = 1;
const SPLIT_PREFERRED: i32 = 2;
const SPLIT_STABLE_PREFERRED: i32 = 3;
const SPLIT_BYTES: i32 = 4;

class SplitTables {
  readonly rows: StaticArray<u8> = new StaticArray<u8>(SERVICES_MAX * SPLIT_BYTES);
  /** The stable entries while the canaries are rotated to the front. */
  readonly aside: StaticArray<u16> = new StaticArray<u16>(INSTANCES_PER_SERVICE_MAX);
}

const split: SplitTables = WITH_ROLLOUT ? new SplitTables() : changetype<SplitTables>(0);

@inline function at(service: i32, field: i32): i32 { return service * SPLIT_BYTES + field; }

/** The strategy picks within a class (the others follow the share through the weights). */
@inline export function splitApplies(strategy: i32): bool {
  return strategy != <i32>STRATEGY_WEIGHTED_ROUND_ROBIN && strategy != <i32>STRATEGY_RANDOM && strategy != <i32>STRATEGY_IP_HASH
    && strategy != <i32>STRATEGY_CONSISTENT_HASH;
}

@inline function isCanary(slot: i32): bool { return (load<u8>(slotAt(slot), SLOT_FLAGS) & FLAG_CANARY) != 0; }

/** Leading entries of row positions [from, to) that are not degraded (health-based's preferred tier), or to - from when untiered. */
function preferredIn(service: i32, from: i32, to: i32, tiered: bool): i32 {
  if (!tiered) return to - from;
  let n = 0;
  while (from + n < to && load<u8>(slotAt(poolSlotAt(service, from + n)), SLOT_HEALTH) != HEALTH_DEGRADED) n++;
  return n;
}

/** After a pool rebuild with a split: stable members first, canaries after, each class in its order. */
export function splitPartition(service: i32, strategy: i32): void {
  const config = serviceAt(service);
  const n = <i32>load<u8>(config, SERVICE_POOL_COUNT);
  const row = poolRowAt(service);
  let stable = 0, canaries = 0;
  for (let position = 0; position < n; position++) {
    const slot = poolSlotAt(service, position);
    if (isCanary(slot)) split.aside[canaries++] = <u16>slot;
    else store<u16>(row + (<usize>(stable++) << 1), <u16>slot);
  }
  for (let k = 0; k < canaries; k++) store<u16>(row + (<usize>(stable + k) << 1), split.aside[k]);
  const tiered = strategy == <i32>STRATEGY_HEALTH_BASED && load<u8>(config, SERVICE_PANIC) == 0;
  split.rows[at(service, SPLIT_STABLE)] = <u8>stable;
  split.rows[at(service, SPLIT_STABLE_PREFERRED)] = <u8>preferredIn(service, 0, stable, tiered);
  split.rows[at(service, SPLIT_PREFERRED)] = <u8>preferredIn(service, stable, n, tiered);
  store<u8>(config, split.rows[at(service, SPLIT_STABLE_PREFERRED)], SERVICE_POOL_PREFERRED);
  if (<i32>load<u8>(config, SERVICE_CURSOR) > stable) store<u8>(config, 0, SERVICE_CURSOR);
}

/** The stable members in the pool (the split is on). */
@inline export function splitStable(service: i32): i32 { return <i32>split.rows[at(service, SPLIT_STABLE)]; }

/** The next pick's class: true for the canaries (share in every 100, evenly spread). */
export function splitTakesCanary(service: i32, share: i32): bool {
  const config = serviceAt(service);
  let credit = <i32>load<u8>(config, SERVICE_SPLIT_CREDIT) + share;
  const canary = credit >= 100;
  if (canary) credit -= 100;
  store<u8>(config, <u8>credit, SERVICE_SPLIT_CREDIT);
  return canary;
}

/** Swaps the service's rotation point and preferred tier with the canaries'. */
function swapState(service: i32): void {
  const config = serviceAt(service);
  const cursor = load<u8>(config, SERVICE_CURSOR);
  store<u8>(config, split.rows[at(service, SPLIT_CURSOR)], SERVICE_CURSOR);
  split.rows[at(service, SPLIT_CURSOR)] = cursor;
  const preferred = load<u8>(config, SERVICE_POOL_PREFERRED);
  store<u8>(config, split.rows[at(service, SPLIT_PREFERRED)], SERVICE_POOL_PREFERRED);
  split.rows[at(service, SPLIT_PREFERRED)] = preferred;
}

/** Rotates the row of `n` left by `by`: [a (by), b] becomes [b, a]. */
function rotateRow(service: i32, by: i32, n: i32): void {
  const row = poolRowAt(service);
  const aside = changetype<usize>(split.aside);
  memory.copy(aside, row, <usize>by << 1);
  memory.copy(row, row + (<usize>by << 1), <usize>(n - by) << 1);
  memory.copy(row + (<usize>(n - by) << 1), aside, <usize>by << 1);
}

/** The canaries first in the row, with their own rotation point and tier, for one pick. */
export function splitEnterCanaries(service: i32, stable: i32, n: i32): void {
  rotateRow(service, stable, n);
  swapState(service);
}

/** Back from splitEnterCanaries: the stable members first again, their state in place. */
export function splitLeaveCanaries(service: i32, stable: i32, n: i32): void {
  swapState(service);
  rotateRow(service, n - stable, n);
}

/** The split begins or ends (the rollout's share, 0: none); the counter and rotation points start afresh. */
export function splitReset(service: i32): void {
  if (!WITH_ROLLOUT) return;
  store<u8>(serviceAt(service), 0, SERVICE_SPLIT_CREDIT);
  split.rows[at(service, SPLIT_CURSOR)] = 0;
}
