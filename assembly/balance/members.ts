// How the balancer follows the registry and the lifecycle (through hooks.ts, wired in wiring.ts):
//   a service is registered      -> default balancing, zero statistics (balanceServiceReset)
//   its instance count changes   -> new ordinals get fresh records; hash membership changed
//   an instance changes state    -> its service's pool is rebuilt before the next pick
//   an instance is spawned again -> a clean run: no requests in flight, breaker closed, not
//                                   draining, no ejection (its count is kept). Health stays what
//                                   its owner (the host or the health layer) last set.
// Records are reset here, when they are taken, so the kernel's `reset()` stays O(1).
import { instanceSlotOf, serviceInstanceCount } from "../registry/services";
import { instanceService } from "../registry/instances";
import { STATE_STARTING } from "../registry/states";
import { randomReset } from "./random";
import { instanceDrained } from "../lifecycle/resize";
import { balanceConfigDefaults } from "./config";
import { cycleSettle, cycleReset } from "./cycle";
import { splitReset } from "./split";
import {
  FLAG_DRAINING, FLAG_STANDBY, FLAG_CANARY, SERVICE_SPLIT_SHARE, markStale, NEVER, SLOT_BYTES, SERVICE_BYTES, SLOT_WEIGHT, SLOT_ORDINAL, SLOT_LATENCY_MS, SLOT_FLAGS, SLOT_RUN,
  SLOT_COST_MS, SERVICE_WAKE_MS, SERVICE_HASH_TABLE, SERVICE_WRR_TABLE,
  SERVICE_BALANCED_COUNT, SLOT_HEALTH, SLOT_ACTIVE, slotAt, serviceAt, markStale, markMembershipChanged, hashTableOwner,
} from "./tables";
import { WITH_ALL_STRATEGIES } from "../features";
import { fillAll } from "../util/fill";

/** A service id was just taken from the registry's pool: default balancing, zero statistics. */
export function balanceServiceReset(service: i32): void {
  const record = serviceAt(service);
  memory.fill(record, 0, SERVICE_BYTES); // empty pool, zero statistics
  balanceConfigDefaults(record); // the BALANCE, BREAKER and OUTLIER records' defaults
  store<i64>(record, NEVER, SERVICE_WAKE_MS);
  store<i8>(record, -1, SERVICE_HASH_TABLE);
  store<i8>(record, -1, SERVICE_WRR_TABLE);
  markMembershipChanged(service);
}

/** The service's instance count changed (`fresh`: registered, its row taken just now; resized, removed). */
export function balanceMembershipChanged(service: i32, fresh: bool): void {
  if (fresh) balanceServiceReset(service);
  else cycleSettle(service); // before any slot of the pool leaves or joins
  const record = serviceAt(service);
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = <i32>load<u8>(record, SERVICE_BALANCED_COUNT); ordinal < count; ordinal++) {
    slotJoin(instanceSlotOf(service, ordinal), ordinal);
  }
  store<u8>(record, <u8>count, SERVICE_BALANCED_COUNT);
  markMembershipChanged(service);
}

/** The lifecycle's every instance transition (lifecycle/transitions.ts, through hooks.ts). */
export function balanceInstanceMoved(slot: i32, from: u8, to: u8, cause: u8): void {
  if (to == STATE_STARTING) runReset(slot); // spawned again: a new run of the instance
  markStale(<i32>instanceService[slot]);
}

/** An instance is being retired (lifecycle/resize.ts, through hooks.ts): no new requests; idle now, it stops now. */
export function balanceInstanceLeaving(slot: i32): void {
  const record = slotAt(slot);
  store<u8>(record, load<u8>(record, SLOT_FLAGS) | FLAG_DRAINING, SLOT_FLAGS);
  markStale(<i32>instanceService[slot]);
  if (load<u32>(record, SLOT_ACTIVE) == 0) instanceDrained(slot);
}

/**
 * The instance's health (0 unknown, 1 healthy, 2 degraded, 3 unhealthy), set by its owner: the
 * health layer (health/state.ts) or the host (instanceSetHealth).
 */
export function balanceSetHealth(slot: i32, health: u8): void {
  const record = slotAt(slot);
  if (load<u8>(record, SLOT_HEALTH) == health) return;
  store<u8>(record, health, SLOT_HEALTH);
  markStale(<i32>instanceService[slot]);
}

/** A rollout holds the instance out of picks (on standby, still running) or lets it back; true when it changed. */
export function balanceSetStandby(slot: i32, standby: bool): bool {
  const record = slotAt(slot);
  const flags = load<u8>(record, SLOT_FLAGS);
  const next = standby ? flags | FLAG_STANDBY : flags & ~FLAG_STANDBY;
  if (next == flags) return false;
  store<u8>(record, next, SLOT_FLAGS);
  markMembershipChanged(<i32>instanceService[slot]); // the pool and the hash membership
  return true;
}

/** A rollout sets the instance's weight (1..BALANCE_WEIGHT_MAX: a canary's traffic share). */
export function balanceWeightSet(slot: i32, weight: i32): void {
  const record = slotAt(slot);
  if (<i32>load<u16>(record, SLOT_WEIGHT) == weight) return;
  store<u16>(record, <u16>weight, SLOT_WEIGHT);
  markMembershipChanged(<i32>instanceService[slot]);
}

/** A rollout marks the instance a canary (its class of the split) or not. */
export function balanceSetCanary(slot: i32, canary: bool): void {
  const record = slotAt(slot);
  const flags = load<u8>(record, SLOT_FLAGS);
  const next = canary ? flags | FLAG_CANARY : flags & ~FLAG_CANARY;
  if (next == flags) return;
  store<u8>(record, next, SLOT_FLAGS);
  markStale(<i32>instanceService[slot]); // the pool's order
}

/** A canary rollout's share of the service's picks (1..100), 0 when none runs: the split (split.ts). */
export function balanceSplitSet(service: i32, share: i32): void {
  const record = serviceAt(service);
  if (<i32>load<u8>(record, SERVICE_SPLIT_SHARE) == share) return;
  store<u8>(record, <u8>share, SERVICE_SPLIT_SHARE);
  splitReset(service);
  markStale(service);
}

@inline export function isStandby(slot: i32): bool { return (load<u8>(slotAt(slot), SLOT_FLAGS) & FLAG_STANDBY) != 0; }

/** A slot joins a service as instance `ordinal`: configuration and statistics start afresh. */
function slotJoin(slot: i32, ordinal: i32): void {
  const record = slotAt(slot);
  memory.fill(record, 0, SLOT_BYTES);
  store<u16>(record, 1, SLOT_WEIGHT);
  store<u8>(record, <u8>ordinal, SLOT_ORDINAL);
  store<f32>(record, -1, SLOT_LATENCY_MS);
  if (WITH_ALL_STRATEGIES) store<f64>(record, -1, SLOT_COST_MS); // fastest response's cost (tiny: not read)
}

/** A new run of the instance: what belonged to the previous run (requests, verdicts) goes. */
function runReset(slot: i32): void {
  const record = slotAt(slot);
  memory.fill(record + SLOT_RUN, 0, SLOT_BYTES - <i32>SLOT_RUN);
  if (WITH_ALL_STRATEGIES) store<f64>(record, -1, SLOT_COST_MS); // fastest response's cost (tiny: not read)
  store<u8>(record, load<u8>(record, SLOT_FLAGS) & ~FLAG_DRAINING, SLOT_FLAGS);
}

/** Back to init: records are reset when taken, so only the shared state is cleared here. */
export function balanceReset(): void {
  fillAll(hashTableOwner, -1);
  cycleReset();
  randomReset();
}

balanceReset();
