// The load-balancing ABI (re-exported by index.ts): decode, validate, call, encode. Statuses as
// everywhere: >= 0 result, < 0 error code with a detail naming the service or instance, the
// field and the value. Services are ids, instances are handles (stale ones are rejected).
//
// Time: picks read the kernel clock as last refreshed (by a command, an event, a tick); they
// read the HAL clock themselves only while a time-driven change (a breaker due to half-open, an
// ejection due to end) is pending for the service. A report reads it only when its outcome
// changes something timed (a breaker opens, an instance is ejected, a peak-EWMA sample).
// Strategy, options, breaker and outlier settings are records: recordApply (records/abi.ts).
import { WITH_ALL_STRATEGIES, WITH_BREAKER } from "../features";
import { BALANCE_WEIGHT_MAX, TIMEOUT_MS_MAX, IO_BUFFER_BYTES, PROFILE, PROFILE_MCU } from "../limits";
import {
  E_INVALID_ARGUMENT, E_INVALID_WEIGHT, E_INVALID_HEALTH, E_INVALID_OUTCOME, E_INVALID_LATENCY, E_INVALID_KEY,
  E_NOT_ISOLATED, E_IO_LENGTH, OK,
} from "../errors";
import { clockRefresh } from "../clock";
import { ioPtr, ioFits } from "../io";
import { fail } from "../util/detail";
import { checkService, isService, sayService } from "../registry/services";
import { instanceResolve, instanceHandle, instanceService } from "../registry/instances";
import { pickInstance } from "./pick";
import { pickRun } from "./batch";
import { pickSteady } from "./steady";
import { balanceSetHealth } from "./members";
import { poolReady } from "./eligibility";
import { requestStarted, requestFinished } from "./requests";
import { writeInstanceStats, writeServiceStats } from "./stats";
import { hashBytes, addressKey } from "./hash";
import {
  breakerIsolate as isolate, breakerRelease as release, breakerReset as resetBreaker, breakerRefresh,
} from "./breaker";
import { sayInstance } from "./config";
import {
  STRATEGY_IP_HASH, FLAG_DISABLED, FLAG_DRAINING, HEALTH_UNHEALTHY, OUTCOME_CANCELLED, slotAt, strategyOf, markStale,
  markMembershipChanged, SLOT_WEIGHT, SLOT_FLAGS, SLOT_ISOLATIONS,
} from "./tables";

// ---- instances ----------------------------------------------------------------------------

export function balanceSetWeight(handle: i32, weight: i32): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  if (weight < 1 || weight > BALANCE_WEIGHT_MAX) {
    return sayInstance(fail(E_INVALID_WEIGHT), slot).text("weight ").int(weight).text(" is outside 1..")
      .int(BALANCE_WEIGHT_MAX).code();
  }
  store<u16>(slotAt(slot), <u16>weight, SLOT_WEIGHT);
  changed(slot, true);
  return 0;
}

/** enabled 0 takes the instance out of balancing (and out of the consistent-hash membership). */
export function balanceSetEnabled(handle: i32, enabled: i32): i32 { return setFlag(handle, FLAG_DISABLED, enabled == 0, enabled, "enabled"); }

/** draining 1: no new requests (those in flight finish); cleared when the instance is spawned again. */
export function balanceSetDraining(handle: i32, draining: i32): i32 { return setFlag(handle, FLAG_DRAINING, draining == 1, draining, "draining"); }

/** health: 0 unknown, 1 healthy, 2 degraded, 3 unhealthy (unknown is treated as healthy). */
export function instanceSetHealth(handle: i32, health: i32): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  if (health < 0 || health > <i32>HEALTH_UNHEALTHY) {
    return sayInstance(fail(E_INVALID_HEALTH), slot).text("health ").int(health)
      .text(" is not 0 unknown, 1 healthy, 2 degraded or 3 unhealthy").code();
  }
  balanceSetHealth(slot, <u8>health);
  return 0;
}

function setFlag(handle: i32, flag: u8, on: bool, value: i32, field: string): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  if (value != 0 && value != 1) {
    return sayInstance(fail(E_INVALID_ARGUMENT), slot).text(field).text(" ").int(value).text(" is neither 0 nor 1").code();
  }
  const record = slotAt(slot);
  const flags = load<u8>(record, SLOT_FLAGS);
  store<u8>(record, on ? flags | flag : flags & ~flag, SLOT_FLAGS);
  changed(slot, flag == FLAG_DISABLED);
  return 0;
}

function changed(slot: i32, membership: bool): void {
  const service = <i32>instanceService[slot];
  if (membership) markMembershipChanged(service);
  else markStale(service);
}

/** Holds the instance's breaker open; returns the isolations held (reference-counted). */
export function breakerIsolate(handle: i32): i32 {
  const slot = instanceResolve(handle);
  return slot < 0 ? slot : isolate(slot, <i32>instanceService[slot]);
}

/** Drops one isolation; returns the isolations still held. */
export function breakerRelease(handle: i32): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  if (load<u16>(slotAt(slot), SLOT_ISOLATIONS) == 0) {
    return sayInstance(fail(E_NOT_ISOLATED), slot).text("breakerRelease without a breakerIsolate to match").code();
  }
  return release(slot, <i32>instanceService[slot]);
}

/** Closes the instance's breaker now (isolations still hold it open). */
export function breakerReset(handle: i32): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  resetBreaker(slot, <i32>instanceService[slot]);
  return 0;
}

// ---- picks and reports --------------------------------------------------------------------

/** Picks an instance for a request (which counts as started); returns its handle. */
export function balancePick(service: i32): i32 {
  if (!isService(service)) return checkService(service);
  // The common case inlined (steady.ts), or -1; the tiny profile spends no bytes on a second path
  let slot = WITH_ALL_STRATEGIES ? pickSteady(service) : -1;
  if (slot < 0) slot = pickInstance(service, 0, false);
  return slot < 0 ? slot : instanceHandle(slot);
}

/** As balancePick, with a 32-bit key for IP hash (an IPv4 address) and consistent hash. */
export function balancePickKey(service: i32, key: u32): i32 {
  if (!isService(service)) return checkService(service);
  const slot = pickInstance(service, key, true);
  return slot < 0 ? slot : instanceHandle(slot);
}

/** As balancePick, keyed by the buffer's bytes: IP hash takes 4 (IPv4) or 16 (IPv6), consistent hash any. */
export function balancePickBytes(service: i32, length: i32): i32 {
  const bad = checkService(service);
  if (bad < 0) return bad;
  if (!ioFits(0, length)) {
    return fail(E_IO_LENGTH).text("key length ").int(length).text(" is outside 0..").int(IO_BUFFER_BYTES).code();
  }
  let key: u32;
  if (WITH_ALL_STRATEGIES && strategyOf(service) == STRATEGY_IP_HASH) {
    if (length != 4 && length != 16) {
      return sayService(fail(E_INVALID_KEY).text("service "), service).text(": address length ").int(length)
        .text(" is neither 4 (IPv4) nor 16 (IPv6) bytes").code();
    }
    key = addressKey(ioPtr(), length);
  } else {
    key = hashBytes(ioPtr(), length);
  }
  const slot = pickInstance(service, key, true);
  return slot < 0 ? slot : instanceHandle(slot);
}

/**
 * `count` picks in a loop inside the kernel (what a native host pays per pick), keys
 * keyBase, keyBase + 1, ... for the keyed strategies. Returns the handle of the last pick.
 */
export function balancePickBatch(service: i32, count: i32, keyBase: u32): i32 {
  let bad = checkService(service);
  if (bad == OK) bad = batchCountCheck(count, i32.MAX_VALUE);
  if (bad < 0) return bad;
  let slot = 0;
  for (let i = 0; i < count; i++) {
    slot = pickInstance(service, keyBase + <u32>i, true);
    if (slot < 0) return slot;
  }
  return instanceHandle(slot);
}

/** OK, or the error for a batch of `count` picks (at most `most`). */
function batchCountCheck(count: i32, most: i32): i32 {
  if (count >= 1 && count <= most) return OK;
  const detail = fail(count < 1 ? E_INVALID_ARGUMENT : E_IO_LENGTH).text("pick batch count ").int(count);
  if (count < 1) detail.text(" is below 1");
  else if (PROFILE != PROFILE_MCU) detail.text(" is above ").int(most).text(" (4 bytes a pick in the I/O buffer)");
  return detail.code();
}

/**
 * `count` picks for `count` requests in one call, so a host routing many requests crosses the
 * boundary once: the handles go to the I/O buffer as i32 (4 bytes each, little-endian). The
 * keyed strategies (IP hash, consistent hash) take the requests' u32 keys from the buffer
 * (keysLength = 4 * count; each is overwritten by its pick); with keysLength 0 they draw random
 * keys, as balancePick does. Returns the picks written: `count`, or fewer when the pool ran out
 * part way (the first pick's error when none was made).
 */
export function balancePickMany(service: i32, count: i32, keysLength: i32): i32 {
  if (!isService(service)) return checkService(service);
  const bad = batchCountCheck(count, IO_BUFFER_BYTES >> 2);
  if (bad < 0) return bad;
  if (keysLength != 0 && keysLength != count << 2) {
    const detail = fail(E_IO_LENGTH); // the mcu profile's page has no byte to spare for the sentence
    if (PROFILE != PROFILE_MCU) detail.text("key length ").int(keysLength).text(" is neither 0 nor 4 x the pick count ").int(count);
    return detail.code();
  }
  return pickRun(service, count, ioPtr(), keysLength != 0);
}

/** The host routed a request to this instance itself: E_BREAKER_OPEN when its breaker refuses. */
export function balanceRequestStarted(handle: i32): i32 {
  const slot = instanceResolve(handle);
  return slot < 0 ? slot : requestStarted(slot);
}

/** outcome: 0 failure, 1 success, 2 cancelled (leaves the in-flight count only). */
export function balanceRequestFinished(handle: i32, latencyMs: f64, outcome: i32): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  if (outcome < 0 || outcome > OUTCOME_CANCELLED) {
    return sayInstance(fail(E_INVALID_OUTCOME), slot).text("outcome ").int(outcome)
      .text(" is not 0 failure, 1 success or 2 cancelled").code();
  }
  if (!(latencyMs >= 0 && latencyMs <= <f64>TIMEOUT_MS_MAX)) { // NaN fails both
    const detail = sayInstance(fail(E_INVALID_LATENCY), slot).text("latencyMs ");
    if (latencyMs != latencyMs) detail.text("NaN");
    else detail.int(<i64>max(min(latencyMs, 1e15), -1e15));
    return detail.text(" is outside 0..").int(TIMEOUT_MS_MAX).code();
  }
  return requestFinished(slot, latencyMs, outcome);
}

// ---- statistics ---------------------------------------------------------------------------

/** Writes the instance's 64-byte statistics record (balance/stats.ts) to the buffer; returns 64. */
export function balanceInstanceStats(handle: i32): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  const service = <i32>instanceService[slot];
  poolReady(service);
  const now = clockRefresh();
  if (WITH_BREAKER) breakerRefresh(slot, service, now);
  return writeInstanceStats(slot, ioPtr());
}

/** Writes the service's 64-byte statistics record (balance/stats.ts) to the buffer; returns 64. */
export function balanceServiceStats(service: i32): i32 {
  const bad = checkService(service);
  if (bad < 0) return bad;
  clockRefresh();
  poolReady(service);
  return writeServiceStats(service, ioPtr());
}
