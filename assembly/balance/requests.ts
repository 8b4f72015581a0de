// What the host reports back about requests: started (outside a pick: the host routed it
// itself) and finished (latency, outcome). The outcome feeds the statistics, the breaker, the
// outlier detector and the fastest-response estimate; a cancelled request only leaves the
// in-flight count (and gives a half-open probe permit back).
import { WITH_ALL_STRATEGIES, WITH_BREAKER } from "../features";
import { E_BREAKER_OPEN, E_NO_ACTIVE_REQUEST } from "../errors";
import { fail } from "../util/detail";
import { clockRefresh } from "../clock";
import { instanceService } from "../registry/instances";
import { sayInstance } from "./config";
import { breakerAdmits, breakerAdmitted, breakerCancelled, breakerRecord, breakerRefresh, breakerSucceeded } from "./breaker";
import { outlierRecord, outlierSucceeded } from "./outlier";
import { countOutcome } from "./stats";
import { costObserve } from "./strategies/fastest-response";
import {
  BREAKER_CLOSED, OUTCOME_CANCELLED, OUTCOME_FAILURE, STRATEGY_FASTEST_RESPONSE, slotAt, serviceAt, strategyOf, SLOT_ACTIVE,
  SLOT_BREAKER, SLOT_FLAGS, SLOT_ISOLATIONS, FLAG_DRAINING, SERVICE_BREAKER_ON, SERVICE_SLOW_CALL_MS,
} from "./tables";
import { instanceDrained } from "../lifecycle/resize";

assert(SLOT_FLAGS == SLOT_ISOLATIONS + 2, "requestPassed reads a slot's isolations and flags as one u32");

/** Admits a request on the instance's breaker (1: it counts as in flight) or refuses it (0). */
export function permitTake(slot: i32): i32 {
  const service = <i32>unchecked(instanceService[slot]);
  const record = slotAt(slot);
  if (WITH_BREAKER && load<u8>(record, SLOT_BREAKER) != BREAKER_CLOSED) breakerRefresh(slot, service, clockRefresh());
  if (WITH_BREAKER && !breakerAdmits(slot, service)) return 0;
  store<u32>(record, load<u32>(record, SLOT_ACTIVE) + 1, SLOT_ACTIVE);
  if (WITH_BREAKER) breakerAdmitted(slot, service);
  return 1;
}

export function requestStarted(slot: i32): i32 {
  if (permitTake(slot) == 1) return 0;
  return sayInstance(fail(E_BREAKER_OPEN), slot).text("its circuit breaker admits no request now").code();
}

/** The caller validated latency and outcome. */
export function requestFinished(slot: i32, latencyMs: f64, outcome: i32): i32 {
  const service = <i32>unchecked(instanceService[slot]);
  const record = slotAt(slot);
  const active = load<u32>(record, SLOT_ACTIVE);
  if (active == 0) return sayInstance(fail(E_NO_ACTIVE_REQUEST), slot).text("no request in flight to finish").code();
  store<u32>(record, active - 1, SLOT_ACTIVE);
  if (active == 1 && (load<u8>(record, SLOT_FLAGS) & FLAG_DRAINING) != 0) instanceDrained(slot); // a retired instance is idle
  if (outcome == OUTCOME_CANCELLED) { if (WITH_BREAKER) breakerCancelled(slot, service); return 0; }
  const failed = outcome == OUTCOME_FAILURE;
  countOutcome(slot, service, failed, latencyMs);
  if (WITH_ALL_STRATEGIES && strategyOf(service) == STRATEGY_FASTEST_RESPONSE) costObserve(slot, service, latencyMs, clockRefresh());
  if (WITH_BREAKER) {
    breakerRecord(slot, service, failed, latencyMs);
    outlierRecord(slot, service, failed);
  }
  return 0;
}

/**
 * breakerPass's common case in O(1): a success that was not slow, reported for a call on a
 * closed, not isolated breaker of an instance that is not draining, and the permit for the next
 * call. Does what requestFinished and then permitTake do (the call in flight hands its place to
 * the next, so the in-flight count stays), without their general paths; returns 1 (admitted),
 * 0 (the success filled the window to a verdict to open: refused), or -1 when the case is not
 * this one and the caller takes the general path. The caller validated the latency.
 */
@inline export function requestPassed(slot: i32, latencyMs: f64): i32 {
  const record = slotAt(slot);
  // isolations (u16) and flags (the u8 after it) in one read: no isolation held, not draining
  if (load<u32>(record, SLOT_ACTIVE) == 0 || load<u8>(record, SLOT_BREAKER) != BREAKER_CLOSED
    || (load<u32>(record, SLOT_ISOLATIONS) & (0xffff | (<u32>FLAG_DRAINING << 16))) != 0) return -1;
  const service = <i32>unchecked(instanceService[slot]);
  const config = serviceAt(service);
  const breakerOn = load<u8>(config, SERVICE_BREAKER_ON) != 0;
  const slowMs = load<i32>(config, SERVICE_SLOW_CALL_MS);
  if (breakerOn && slowMs > 0 && latencyMs > <f64>slowMs) return -1;
  countOutcome(slot, service, false, latencyMs);
  if (WITH_ALL_STRATEGIES && strategyOf(service) == STRATEGY_FASTEST_RESPONSE) costObserve(slot, service, latencyMs, clockRefresh());
  outlierSucceeded(slot, service);
  if (!breakerOn || breakerSucceeded(slot, service)) return 1;
  store<u32>(record, load<u32>(record, SLOT_ACTIVE) - 1, SLOT_ACTIVE); // opened: the next call is refused
  return permitTake(slot);
}
