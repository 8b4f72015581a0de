// Eligibility and the pool a strategy picks from.
//
//   member     the instance runs (lifecycle RUNNING), is enabled, is not draining and is not on standby
//              (a canary rollout's split orders the pool: stable members, then canaries: split.ts)
//   available  a member that is not unhealthy, whose breaker admits a request, and that is not
//              ejected
//   pool       the available members, in ordinal order (health-based: healthy first, then
//              degraded). Panic rule (Envoy's healthy_panic_threshold): when fewer than
//              panicPercent of the members are available, the pool is every member.
//
// The pool is rebuilt only when something it depends on changed (SERVICE_WAKE_MS is STALE: set
// by the lifecycle, the setters, the breaker and the outlier detector) or when a time-driven
// change is due (SERVICE_WAKE_MS reached: a breaker may turn half-open, an ejection ends).
// Otherwise a pick pays one load here, and reads the HAL clock only while such a change is pending.
import { WITH_ALL_STRATEGIES, WITH_BREAKER, WITH_ROLLOUT } from "../features";
import { splitApplies, splitPartition } from "./split";
import { clockRefresh } from "../clock";
import { instanceSlotOf, serviceInstanceCount } from "../registry/services";
import { instanceState } from "../registry/instances";
import { STATE_RUNNING } from "../registry/states";
import { breakerAdmits, breakerRefresh } from "./breaker";
import { hashTableBuild } from "./strategies/consistent-hash";
import { cycleSettle } from "./cycle";
import { guideBuild, GUIDE_POOL, GUIDE_ORDINALS } from "./guide";
import {
  STRATEGY_HEALTH_BASED, STRATEGY_CONSISTENT_HASH, HEALTH_UNHEALTHY, HEALTH_DEGRADED, FLAG_DISABLED, FLAG_DRAINING, FLAG_STANDBY,
  BREAKER_CLOSED, BREAKER_HALF_OPEN, NEVER, slotAt, serviceAt, strategyOf, poolRowAt, poolSlotAt,
  SLOT_FLAGS, SLOT_HEALTH, SLOT_IN_POOL, SLOT_WEIGHT, SLOT_ORDINAL, SLOT_EJECTED_UNTIL_MS, SLOT_BREAKER,
  SLOT_ISOLATIONS, SLOT_POOL_CUM, SLOT_ORDINAL_CUM, SERVICE_PANIC_PERCENT, SERVICE_POOL_COUNT, SERVICE_POOL_PREFERRED,
  SERVICE_POOL_MEMBERS, SERVICE_WEIGHT_TOTAL, SERVICE_WEIGHTS_EQUAL, SERVICE_ORDINAL_WEIGHT_TOTAL, SERVICE_PANIC,
  STALE, SERVICE_WAKE_MS, SERVICE_CURSOR, SERVICE_EJECTED, SERVICE_HASH_DIRTY, SERVICE_PANIC_ENTRIES,
  SERVICE_POOL_BUILDS, SERVICE_ORDINAL_WEIGHTS_EQUAL, SERVICE_HALF_OPEN, SERVICE_SPLIT_SHARE,
} from "./tables";

/** Makes the pool current: rebuilt when marked stale or when a time-driven change is due. */
@inline export function poolReady(service: i32): void {
  const wake = load<i64>(serviceAt(service), SERVICE_WAKE_MS);
  if (wake != NEVER && (wake == STALE || clockRefresh() >= wake)) poolRebuild(service);
}

@inline export function isMember(slot: i32): bool {
  return unchecked(instanceState[slot]) == STATE_RUNNING
    && (load<u8>(slotAt(slot), SLOT_FLAGS) & (FLAG_DISABLED | FLAG_DRAINING | FLAG_STANDBY)) == 0;
}

/** Breakers not closed, or isolated, among the service's instances: a statistic. */
export function breakersNotClosed(service: i32): i32 {
  let n = 0;
  const count = <i32>serviceInstanceCount[service];
  for (let k = 0; k < count; k++) {
    const record = slotAt(instanceSlotOf(service, k));
    if (load<u8>(record, SLOT_BREAKER) != BREAKER_CLOSED || load<u16>(record, SLOT_ISOLATIONS) > 0) n++;
  }
  return n;
}

export function poolRebuild(service: i32): void {
  cycleSettle(service); // the weighted round robin cycle stands for the pool about to change
  const now = clockRefresh();
  const config = serviceAt(service);
  const count = <i32>serviceInstanceCount[service];
  let members = 0, available = 0, ejected = 0;
  let halfOpen = false;
  let wake = NEVER;
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    const record = slotAt(slot);
    if (WITH_BREAKER) wake = min(wake, breakerRefresh(slot, service, now));
    let ejectedUntil = WITH_BREAKER ? load<i64>(record, SLOT_EJECTED_UNTIL_MS) : 0; // (tiny: nothing is ejected)
    if (ejectedUntil != 0 && ejectedUntil <= now) {
      ejectedUntil = 0;
      store<i64>(record, 0, SLOT_EJECTED_UNTIL_MS);
    }
    if (ejectedUntil != 0) { ejected++; wake = min(wake, ejectedUntil); }
    const member = isMember(slot);
    const ok = member && ejectedUntil == 0 && load<u8>(record, SLOT_HEALTH) != HEALTH_UNHEALTHY
      && (!WITH_BREAKER || breakerAdmits(slot, service));
    store<u8>(record, <u8>ok, SLOT_IN_POOL);
    halfOpen = WITH_BREAKER && (halfOpen || (ok && load<u8>(record, SLOT_BREAKER) == BREAKER_HALF_OPEN));
    members += <i32>member;
    available += <i32>ok;
  }
  const panic = available * 100 < <i32>load<u8>(config, SERVICE_PANIC_PERCENT) * members;
  if (panic && load<u8>(config, SERVICE_PANIC) == 0) {
    store<u32>(config, load<u32>(config, SERVICE_PANIC_ENTRIES) + 1, SERVICE_PANIC_ENTRIES);
  }
  store<u8>(config, <u8>panic, SERVICE_PANIC);
  // A breaker turns half-open only in breakerRefresh, which marks the pool stale: so this flag
  // holds until the next rebuild (and a pick skips the slot's breaker when it is clear).
  store<u8>(config, <u8>halfOpen, SERVICE_HALF_OPEN);
  store<u8>(config, <u8>members, SERVICE_POOL_MEMBERS);
  store<u8>(config, <u8>ejected, SERVICE_EJECTED);
  const resume = resumeOrdinal(service);
  fillPool(service, count, panic);
  placeCursor(service, resume);
  const strategy = <i32>strategyOf(service);
  if (WITH_ROLLOUT && load<u8>(config, SERVICE_SPLIT_SHARE) != 0 && splitApplies(strategy)) splitPartition(service, strategy);
  if (WITH_ALL_STRATEGIES) sumWeights(service, count); // only the weighted strategies read the sums
  if (WITH_ALL_STRATEGIES && strategyOf(service) == STRATEGY_CONSISTENT_HASH && load<u8>(config, SERVICE_HASH_DIRTY) != 0) hashTableBuild(service);
  store<i64>(config, wake, SERVICE_WAKE_MS);
  store<u32>(config, load<u32>(config, SERVICE_POOL_BUILDS) + 1, SERVICE_POOL_BUILDS);
}

/** Writes the pool (and each slot's in-pool flag); health-based puts healthy ahead of degraded. */
function fillPool(service: i32, count: i32, panic: bool): void {
  const row = poolRowAt(service);
  const config = serviceAt(service);
  const tiered = !panic && strategyOf(service) == STRATEGY_HEALTH_BASED;
  let n = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < count; k++) {
      const slot = instanceSlotOf(service, k);
      const record = slotAt(slot);
      if (panic) store<u8>(record, <u8>isMember(slot), SLOT_IN_POOL);
      if (load<u8>(record, SLOT_IN_POOL) == 0) continue;
      if (tiered && (load<u8>(record, SLOT_HEALTH) == HEALTH_DEGRADED) != (pass == 1)) continue;
      store<u16>(row + (<usize>n << 1), <u16>slot);
      n++;
    }
    if (pass == 0) store<u8>(config, <u8>n, SERVICE_POOL_PREFERRED);
    if (!tiered) break;
  }
  store<u8>(config, <u8>n, SERVICE_POOL_COUNT);
}

/** The ordinal after the last one picked: where the rotation resumes in the new pool. */
function resumeOrdinal(service: i32): i32 {
  const config = serviceAt(service);
  const cursor = <i32>load<u8>(config, SERVICE_CURSOR);
  if (cursor == 0 || cursor > <i32>load<u8>(config, SERVICE_POOL_COUNT)) return 0;
  return <i32>load<u8>(slotAt(poolSlotAt(service, cursor - 1)), SLOT_ORDINAL) + 1;
}

/** The rotation continues at the first instance at or after `ordinal`: none skipped, none repeated. */
function placeCursor(service: i32, ordinal: i32): void {
  const config = serviceAt(service);
  const n = <i32>load<u8>(config, SERVICE_POOL_COUNT);
  let position = 0;
  while (position < n && <i32>load<u8>(slotAt(poolSlotAt(service, position)), SLOT_ORDINAL) < ordinal) position++;
  store<u8>(config, <u8>position, SERVICE_CURSOR);
}

/** Prefix sums of weights over the pool (weighted random) and over all ordinals (IP hash), and their guide tables. */
function sumWeights(service: i32, count: i32): void {
  const config = serviceAt(service);
  const n = <i32>load<u8>(config, SERVICE_POOL_COUNT);
  let total = 0;
  let equal = true;
  for (let position = 0; position < n; position++) {
    const record = slotAt(poolSlotAt(service, position));
    const weight = <i32>load<u16>(record, SLOT_WEIGHT);
    if (position > 0 && weight * position != total) equal = false;
    total += weight;
    store<u16>(record, <u16>total, SLOT_POOL_CUM);
  }
  store<u32>(config, total, SERVICE_WEIGHT_TOTAL);
  store<u8>(config, <u8>equal, SERVICE_WEIGHTS_EQUAL);
  if (WITH_ALL_STRATEGIES && !equal) guideBuild(service, GUIDE_POOL, n, total); // weighted random
  total = 0;
  equal = true;
  for (let k = 0; k < count; k++) {
    const record = slotAt(instanceSlotOf(service, k));
    const weight = <i32>load<u16>(record, SLOT_WEIGHT);
    if (k > 0 && weight * k != total) equal = false;
    total += weight;
    store<u16>(record, <u16>total, SLOT_ORDINAL_CUM);
  }
  store<u32>(config, total, SERVICE_ORDINAL_WEIGHT_TOTAL);
  store<u8>(config, <u8>equal, SERVICE_ORDINAL_WEIGHTS_EQUAL);
  if (WITH_ALL_STRATEGIES && !equal) guideBuild(service, GUIDE_ORDINALS, count, total); // weighted IP hash
}
