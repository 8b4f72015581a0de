// The circuit breaker of each instance: closed -> open -> half-open -> closed, driven only by
// the kernel clock and the host's reports (resilience4j's count-based breaker, with the
// failure modes opossum's users met designed out):
//
//   closed     every outcome enters a sliding window of the last `windowSize` calls (two 64-bit
//              sets: failed, slow). It opens on `consecutiveFailures` failures in a row, or, once
//              the window holds `minCalls` calls, when failed/calls >= failureRatePercent or
//              slow/calls >= slowRatePercent (slow: latency above slowCallMs).
//   open       admits nothing for the open duration: openMs, doubled with every open since the
//              breaker last closed, capped at openMaxMs. Outcomes of calls admitted earlier
//              change nothing: a burst of late failures cannot push the reopening back
//              (opossum #385: the breaker that never left "open").
//   half-open  admits exactly `halfOpenPermits` probes (opossum #119: no flood); closes after
//              that many successes; any failure or slow call re-opens it. Probes that never
//              report within the open duration count as a failure, so it cannot stick.
//
// Manual isolation holds it open (reference-counted, over whatever state it is in); a manual
// reset closes it. A service without a breaker configuration admits everything (but isolation).
import { clockRefresh } from "../clock";
import { instanceSlotOf, serviceInstanceCount } from "../registry/services";
import {
  BREAKER_CLOSED, BREAKER_OPEN, BREAKER_HALF_OPEN, NEVER, slotAt, serviceAt, markStale,
  SLOT_BREAKER, SLOT_WINDOW_FAILED, SLOT_WINDOW_SLOW, SLOT_WINDOW_COUNT, SLOT_WINDOW_POS, SLOT_CONSECUTIVE_FAILURES,
  SLOT_BREAKER_UNTIL_MS, SLOT_OPEN_STREAK, SLOT_PROBES_ADMITTED, SLOT_PROBES_PASSED, SLOT_ISOLATIONS, SLOT_OPENED,
  SLOT_HALF_OPENED, SLOT_CLOSED, SERVICE_BREAKER_ON, SERVICE_WINDOW_SIZE, SERVICE_MIN_CALLS, SERVICE_FAILURE_RATE,
  SERVICE_BREAKER_CONSECUTIVE, SERVICE_SLOW_CALL_MS, SERVICE_SLOW_RATE, SERVICE_OPEN_MS, SERVICE_OPEN_MAX_MS,
  SERVICE_HALF_OPEN_PERMITS,
} from "./tables";

@inline function permits(service: i32): u8 { return load<u8>(serviceAt(service), SERVICE_HALF_OPEN_PERMITS); }

/** Whether the breaker lets a request through now (half-open: while probe permits are left). */
export function breakerAdmits(slot: i32, service: i32): bool {
  const record = slotAt(slot);
  if (load<u16>(record, SLOT_ISOLATIONS) > 0) return false;
  const state = load<u8>(record, SLOT_BREAKER);
  if (state == BREAKER_CLOSED) return true;
  return state == BREAKER_HALF_OPEN && load<u8>(record, SLOT_PROBES_ADMITTED) < permits(service);
}

/** The open duration after the `streak`-th open in a row: openMs * 2^(streak-1), capped. */
function openDurationMs(service: i32, streak: i32): i64 {
  const config = serviceAt(service);
  const cap = <i64>load<i32>(config, SERVICE_OPEN_MAX_MS);
  const duration = <i64>load<i32>(config, SERVICE_OPEN_MS) << <i64>min(streak - 1, 32);
  return duration < cap ? duration : cap;
}

function open(slot: i32, service: i32, now: i64): void {
  const record = slotAt(slot);
  const streak = min(<i32>load<u8>(record, SLOT_OPEN_STREAK) + 1, 255);
  store<u8>(record, <u8>streak, SLOT_OPEN_STREAK);
  store<u8>(record, BREAKER_OPEN, SLOT_BREAKER);
  store<i64>(record, now + openDurationMs(service, streak), SLOT_BREAKER_UNTIL_MS);
  store<u8>(record, 0, SLOT_PROBES_ADMITTED);
  store<u32>(record, load<u32>(record, SLOT_OPENED) + 1, SLOT_OPENED);
  markStale(service);
}

function close(slot: i32, service: i32): void {
  const record = slotAt(slot);
  if (load<u8>(record, SLOT_BREAKER) != BREAKER_CLOSED) store<u32>(record, load<u32>(record, SLOT_CLOSED) + 1, SLOT_CLOSED);
  store<u8>(record, BREAKER_CLOSED, SLOT_BREAKER);
  store<u64>(record, 0, SLOT_WINDOW_FAILED);
  store<u64>(record, 0, SLOT_WINDOW_SLOW);
  store<u8>(record, 0, SLOT_WINDOW_COUNT);
  store<u8>(record, 0, SLOT_WINDOW_POS);
  store<u16>(record, 0, SLOT_CONSECUTIVE_FAILURES);
  store<u8>(record, 0, SLOT_OPEN_STREAK);
  store<u8>(record, 0, SLOT_PROBES_ADMITTED);
  store<u8>(record, 0, SLOT_PROBES_PASSED);
  markStale(service);
}

/**
 * Applies the transitions that time alone causes (open -> half-open; half-open whose probes all
 * went silent -> open) and returns when the next one is due (NEVER when none is pending).
 */
export function breakerRefresh(slot: i32, service: i32, now: i64): i64 {
  const record = slotAt(slot);
  const state = load<u8>(record, SLOT_BREAKER);
  if (state == BREAKER_CLOSED || load<u16>(record, SLOT_ISOLATIONS) > 0) return NEVER;
  const until = load<i64>(record, SLOT_BREAKER_UNTIL_MS);
  if (state == BREAKER_OPEN) {
    if (now < until) return until;
    store<u8>(record, BREAKER_HALF_OPEN, SLOT_BREAKER);
    store<u8>(record, 0, SLOT_PROBES_ADMITTED);
    store<u8>(record, 0, SLOT_PROBES_PASSED);
    store<u32>(record, load<u32>(record, SLOT_HALF_OPENED) + 1, SLOT_HALF_OPENED);
    markStale(service);
    return NEVER;
  }
  if (load<u8>(record, SLOT_PROBES_ADMITTED) < permits(service)) return NEVER;
  if (now < until) return until;
  open(slot, service, now);
  return load<i64>(record, SLOT_BREAKER_UNTIL_MS);
}

/**
 * A request was admitted: in half-open it takes one of the period's probe permits (the caller
 * checked one is left); results do not give permits back, so exactly `halfOpenPermits` probes
 * go out per half-open period. The probes must report within the open duration.
 */
export function breakerAdmitted(slot: i32, service: i32): void {
  const record = slotAt(slot);
  if (load<u8>(record, SLOT_BREAKER) != BREAKER_HALF_OPEN) return;
  const admitted = load<u8>(record, SLOT_PROBES_ADMITTED) + 1;
  store<u8>(record, admitted, SLOT_PROBES_ADMITTED);
  const deadline = clockRefresh() + openDurationMs(service, max(<i32>load<u8>(record, SLOT_OPEN_STREAK), 1));
  store<i64>(record, deadline, SLOT_BREAKER_UNTIL_MS);
  if (admitted >= permits(service)) markStale(service); // no permit left: out of the pool
}

/** A request was cancelled: a half-open probe gives its permit back. */
export function breakerCancelled(slot: i32, service: i32): void {
  const record = slotAt(slot);
  const admitted = load<u8>(record, SLOT_PROBES_ADMITTED);
  if (load<u8>(record, SLOT_BREAKER) == BREAKER_HALF_OPEN && admitted > 0) {
    store<u8>(record, admitted - 1, SLOT_PROBES_ADMITTED);
    markStale(service);
  }
}

/** A request finished: `failed` by the host's verdict, `latencyMs` for the slow-call rule. */
export function breakerRecord(slot: i32, service: i32, failed: bool, latencyMs: f64): void {
  const config = serviceAt(service);
  if (load<u8>(config, SERVICE_BREAKER_ON) == 0) return;
  const slowMs = load<i32>(config, SERVICE_SLOW_CALL_MS);
  const slow = slowMs > 0 && latencyMs > <f64>slowMs;
  const record = slotAt(slot);
  const state = load<u8>(record, SLOT_BREAKER);
  if (state == BREAKER_HALF_OPEN) {
    if (failed || slow) { open(slot, service, clockRefresh()); return; }
    const passed = load<u8>(record, SLOT_PROBES_PASSED) + 1;
    store<u8>(record, passed, SLOT_PROBES_PASSED);
    if (passed >= permits(service)) close(slot, service);
    return;
  }
  if (state == BREAKER_OPEN) return;
  if (windowRecord(record, config, failed, slow)) open(slot, service, clockRefresh());
}

/**
 * A success that was not slow, on a closed breaker whose service has breakers on (the caller
 * checked all three): its window takes it, O(1). True when the breaker is still closed.
 */
@inline export function breakerSucceeded(slot: i32, service: i32): bool {
  const record = slotAt(slot);
  if (!windowSuccess(record, serviceAt(service))) return true;
  open(slot, service, clockRefresh());
  return false;
}

/**
 * A success (not slow) enters a closed breaker's window: its position's bits clear, the streak
 * of failures ends. True when a rule says open, which a success can only make true on the call
 * that fills the window to `minCalls`: after every later one failed/calls and slow/calls are no
 * higher than the last judgement found them (the counts cannot grow, the calls do not shrink),
 * and a window that changed settings or closed starts empty. So the rates are counted (popcnt)
 * on that one call and on failures and slow calls only.
 */
@inline function windowSuccess(record: usize, config: usize): bool {
  const limits = <i32>load<u16>(config, SERVICE_WINDOW_SIZE); // the window's size, then minCalls
  const size = limits & 0xff, minCalls = limits >>> 8;
  const window = <i32>load<u16>(record, SLOT_WINDOW_COUNT); // the window's count, then its position
  const before = window & 0xff, pos = window >>> 8;
  const keep = ~(<u64>1 << <u64>pos);
  store<u64>(record, load<u64>(record, SLOT_WINDOW_FAILED) & keep, SLOT_WINDOW_FAILED);
  store<u64>(record, load<u64>(record, SLOT_WINDOW_SLOW) & keep, SLOT_WINDOW_SLOW);
  const calls = min(before + 1, size);
  store<u16>(record, <u16>(calls | (pos + 1 == size ? 0 : pos + 1) << 8), SLOT_WINDOW_COUNT);
  store<u16>(record, 0, SLOT_CONSECUTIVE_FAILURES);
  return before < minCalls && calls >= minCalls && rateRules(record, config, calls);
}

assert(SLOT_WINDOW_POS == SLOT_WINDOW_COUNT + 1 && SERVICE_MIN_CALLS == SERVICE_WINDOW_SIZE + 1, "a success reads the window's bytes in pairs");

/** Adds an outcome to a closed breaker's window; true when a rule says open. */
function windowRecord(record: usize, config: usize, failed: bool, slow: bool): bool {
  if (!failed && !slow) return windowSuccess(record, config);
  const size = <i32>load<u8>(config, SERVICE_WINDOW_SIZE);
  const pos = <i32>load<u8>(record, SLOT_WINDOW_POS);
  const bit = <u64>1 << <u64>pos;
  const failedSet = (load<u64>(record, SLOT_WINDOW_FAILED) & ~bit) | (failed ? bit : 0);
  const slowSet = (load<u64>(record, SLOT_WINDOW_SLOW) & ~bit) | (slow ? bit : 0);
  store<u64>(record, failedSet, SLOT_WINDOW_FAILED);
  store<u64>(record, slowSet, SLOT_WINDOW_SLOW);
  store<u8>(record, <u8>(pos + 1 == size ? 0 : pos + 1), SLOT_WINDOW_POS);
  const calls = min(<i32>load<u8>(record, SLOT_WINDOW_COUNT) + 1, size);
  store<u8>(record, <u8>calls, SLOT_WINDOW_COUNT);
  const streak = failed ? min(<i32>load<u16>(record, SLOT_CONSECUTIVE_FAILURES) + 1, 0xffff) : 0;
  store<u16>(record, <u16>streak, SLOT_CONSECUTIVE_FAILURES);
  const streakMax = <i32>load<u16>(config, SERVICE_BREAKER_CONSECUTIVE);
  if (streakMax > 0 && streak >= streakMax) return true;
  return calls >= <i32>load<u8>(config, SERVICE_MIN_CALLS) && rateRules(record, config, calls);
}

/** The rate rules over a window of `calls` calls: failed/calls or slow/calls at its threshold. */
function rateRules(record: usize, config: usize, calls: i32): bool {
  const failureRate = <i32>load<u8>(config, SERVICE_FAILURE_RATE);
  if (failureRate > 0 && <i32>popcnt(load<u64>(record, SLOT_WINDOW_FAILED)) * 100 >= failureRate * calls) return true;
  const slowRate = <i32>load<u8>(config, SERVICE_SLOW_RATE);
  return slowRate > 0 && <i32>popcnt(load<u64>(record, SLOT_WINDOW_SLOW)) * 100 >= slowRate * calls;
}

/** Holds the breaker open; returns the isolations held. */
export function breakerIsolate(slot: i32, service: i32): i32 {
  const record = slotAt(slot);
  const held = min(<i32>load<u16>(record, SLOT_ISOLATIONS) + 1, 0xffff);
  store<u16>(record, <u16>held, SLOT_ISOLATIONS);
  markStale(service);
  return held;
}

/** Drops one isolation (the caller checked one is held); returns how many are still held. */
export function breakerRelease(slot: i32, service: i32): i32 {
  const record = slotAt(slot);
  const held = <i32>load<u16>(record, SLOT_ISOLATIONS) - 1;
  store<u16>(record, <u16>held, SLOT_ISOLATIONS);
  markStale(service);
  return held;
}

export function breakerReset(slot: i32, service: i32): void { close(slot, service); }

/** A new configuration: every instance's breaker starts closed with an empty window. */
export function breakerResetAll(service: i32): void {
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = 0; ordinal < count; ordinal++) close(instanceSlotOf(service, ordinal), service);
}
