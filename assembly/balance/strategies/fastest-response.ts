// Fastest response: peak-EWMA latency times (requests in flight + 1), compared between two
// random instances, the cheaper wins (Finagle's PeakEwma balancer, tower's p2c PeakEwma). The
// estimate jumps to a slower sample at once and decays towards faster ones with time constant
// decayMs; it also decays while nothing is measured (on every read, as in Finagle), so an
// instance that was slow once is tried again later. An instance with no sample yet costs
// defaultCostMs, so a newcomer is probed, not flooded. O(1).
import { clockNow } from "../../clock";
import { twoChoices } from "./least-connections";
import { expNonPositive } from "../math";
import {
  serviceAt, slotAt, poolSlotAt, SERVICE_DECAY_MS, SERVICE_DEFAULT_COST_MS, SLOT_ACTIVE, SLOT_COST_MS,
  SLOT_COST_STAMP_MS,
} from "../tables";

/** Estimates below this count as this, so requests in flight always add cost. */
const COST_FLOOR_MS: f64 = 0.001;

@inline function decayWeight(service: i32, elapsedMs: i64): f64 {
  return expNonPositive(-<f64>elapsedMs / <f64>load<i32>(serviceAt(service), SERVICE_DECAY_MS));
}

/** The estimate decayed to `now` (ms), or -1 when the instance has no sample yet. */
export function costDecayed(slot: i32, service: i32, now: i64): f64 {
  const record = slotAt(slot);
  let cost = load<f64>(record, SLOT_COST_MS);
  if (cost < 0) return -1;
  const stamp = load<i64>(record, SLOT_COST_STAMP_MS);
  if (now > stamp) {
    cost *= decayWeight(service, now - stamp);
    store<f64>(record, cost, SLOT_COST_MS);
    store<i64>(record, now, SLOT_COST_STAMP_MS);
  }
  return cost;
}

/** A measured latency: Finagle's observe(rtt). */
export function costObserve(slot: i32, service: i32, latencyMs: f64, now: i64): void {
  const record = slotAt(slot);
  const stamp = load<i64>(record, SLOT_COST_STAMP_MS);
  let cost = load<f64>(record, SLOT_COST_MS);
  if (cost < 0 || latencyMs > cost) cost = latencyMs;
  else {
    const weight = now > stamp ? decayWeight(service, now - stamp) : 1.0;
    cost = cost * weight + latencyMs * (1 - weight);
  }
  store<f64>(record, cost, SLOT_COST_MS);
  store<i64>(record, now, SLOT_COST_STAMP_MS);
}

/** What sending one more request to the instance is expected to cost. */
function costOf(slot: i32, service: i32, now: i64): f64 {
  let cost = costDecayed(slot, service, now);
  if (cost < 0) cost = <f64>load<i32>(serviceAt(service), SERVICE_DEFAULT_COST_MS);
  return max(cost, COST_FLOOR_MS) * (<f64>load<u32>(slotAt(slot), SLOT_ACTIVE) + 1);
}

@inline function unmeasured(slot: i32): bool { return load<f64>(slotAt(slot), SLOT_COST_MS) < 0; }

@inline export function pickFastestResponse(service: i32, count: i32): i32 {
  if (count == 1) return poolSlotAt(service, 0);
  const pair = twoChoices(service, count);
  const first = <i32>(pair >>> 32), second = <i32>pair;
  // Neither measured: both cost defaultCostMs x (active + 1), so the integers decide alone.
  if (unmeasured(first) && unmeasured(second)) {
    return load<u32>(slotAt(second), SLOT_ACTIVE) < load<u32>(slotAt(first), SLOT_ACTIVE) ? second : first;
  }
  const now = clockNow();
  return costOf(second, service, now) < costOf(first, service, now) ? second : first;
}
