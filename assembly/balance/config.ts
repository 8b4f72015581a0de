// Balancing configuration, validated when it is set, never when it is used: a bad value is an
// error code whose detail names the service (or instance), the field and the value, and nothing
// changes. Options are small integers (OPTION_*), breaker and outlier settings come as a group
// so that settings which depend on each other are checked together.
import {
  E_INVALID_STRATEGY, E_INVALID_OPTION, E_INVALID_BREAKER, E_INVALID_OUTLIER, E_CAPACITY_HASH_TABLES, E_INVALID_WEIGHT,
} from "../errors";
import { TIMEOUT_MS_MAX, BREAKER_WINDOW_MAX, BREAKER_PERMITS_MAX, HASH_TABLES_MAX, BALANCE_WEIGHT_MAX } from "../limits";
import { fail, Detail } from "../util/detail";
import { sayService } from "../registry/services";
import { instanceService, instanceHandle } from "../registry/instances";
import { breakerResetAll } from "./breaker";
import { hashTableAcquire } from "./strategies/consistent-hash";
import {
  STRATEGY_COUNT, STRATEGY_CONSISTENT_HASH, serviceAt, markStale, markMembershipChanged, SERVICE_STRATEGY,
  SERVICE_CHOICES, SERVICE_BIAS_PERCENT, SERVICE_PANIC_PERCENT, SERVICE_DECAY_MS, SERVICE_DEFAULT_COST_MS,
  SERVICE_HASH_TABLE, SERVICE_BREAKER_ON, SERVICE_WINDOW_SIZE, SERVICE_MIN_CALLS, SERVICE_FAILURE_RATE,
  SERVICE_BREAKER_CONSECUTIVE, SERVICE_SLOW_CALL_MS, SERVICE_SLOW_RATE, SERVICE_OPEN_MS, SERVICE_OPEN_MAX_MS,
  SERVICE_HALF_OPEN_PERMITS, SERVICE_EJECT_CONSECUTIVE, SERVICE_EJECT_BASE_MS, SERVICE_EJECT_MAX_MS,
  SERVICE_EJECT_MAX_PERCENT,
} from "./tables";

export const OPTION_CHOICES: i32 = 0;
export const OPTION_ACTIVE_BIAS_PERCENT: i32 = 1;
export const OPTION_PANIC_PERCENT: i32 = 2;
export const OPTION_DECAY_MS: i32 = 3;
export const OPTION_DEFAULT_COST_MS: i32 = 4;
const OPTION_NAMES: StaticArray<string> = ["choices", "activeBiasPercent", "panicPercent", "decayMs", "defaultCostMs"];

/** "service 'api': <field> <value> is outside <low>..<high>" */
export function outside(code: i32, service: i32, field: string, value: i64, low: i64, high: i64): i32 {
  return sayService(fail(code).text("service "), service).text(": ").text(field).text(" ").int(value)
    .text(" is outside ").int(low).text("..").int(high).code();
}

/** "instance <handle> of service 'api': " */
export function sayInstance(detail: Detail, slot: i32): Detail {
  return sayService(detail.text("instance ").int(instanceHandle(slot)).text(" of service "), <i32>instanceService[slot])
    .text(": ");
}

@inline function within(value: i64, low: i64, high: i64): bool { return value >= low && value <= high; }

/** E_CAPACITY_HASH_TABLES: the service cannot hash, every table is held. */
export function hashTablesTaken(service: i32): i32 {
  return sayService(fail(E_CAPACITY_HASH_TABLES).text("service "), service).text(": all ").int(HASH_TABLES_MAX)
    .text(" consistent-hash tables are held by other services").code();
}

export function setStrategy(service: i32, strategy: i32): i32 {
  if (!within(strategy, 0, <i32>STRATEGY_COUNT - 1)) {
    return outside(E_INVALID_STRATEGY, service, "strategy", strategy, 0, <i32>STRATEGY_COUNT - 1);
  }
  if (strategy == <i32>STRATEGY_CONSISTENT_HASH && hashTableAcquire(service) < 0) return hashTablesTaken(service);
  const config = serviceAt(service);
  if (strategy != <i32>STRATEGY_CONSISTENT_HASH) store<i8>(config, -1, SERVICE_HASH_TABLE); // lets its table go
  store<u8>(config, <u8>strategy, SERVICE_STRATEGY);
  markMembershipChanged(service);
  return 0;
}

export function setOption(service: i32, option: i32, value: i32): i32 {
  if (!within(option, 0, OPTION_NAMES.length - 1)) return outside(E_INVALID_OPTION, service, "option", option, 0, 4);
  const name = OPTION_NAMES[option];
  const config = serviceAt(service);
  if (option == OPTION_CHOICES) {
    if (value != 0 && value != 2) {
      return sayService(fail(E_INVALID_OPTION).text("service "), service).text(": choices ").int(value)
        .text(" is neither 0 (compare all) nor 2 (two random choices)").code();
    }
    store<u8>(config, <u8>value, SERVICE_CHOICES);
  } else if (option == OPTION_ACTIVE_BIAS_PERCENT) {
    if (!within(value, 0, 1000)) return outside(E_INVALID_OPTION, service, name, value, 0, 1000);
    store<u16>(config, <u16>value, SERVICE_BIAS_PERCENT);
  } else if (option == OPTION_PANIC_PERCENT) {
    if (!within(value, 0, 100)) return outside(E_INVALID_OPTION, service, name, value, 0, 100);
    store<u8>(config, <u8>value, SERVICE_PANIC_PERCENT);
  } else {
    if (!within(value, 1, TIMEOUT_MS_MAX)) return outside(E_INVALID_OPTION, service, name, value, 1, TIMEOUT_MS_MAX);
    store<i32>(config + (option == OPTION_DECAY_MS ? SERVICE_DECAY_MS : SERVICE_DEFAULT_COST_MS), value);
  }
  markStale(service);
  return 0;
}

/** The breaker rules (settings that depend on each other are checked together); reads no state. */
export function breakerValid(
  service: i32, windowSize: i64, minCalls: i64, failureRatePercent: i64, consecutiveFailures: i64, slowCallMs: i64,
  slowRatePercent: i64, openMs: i64, openMaxMs: i64, halfOpenPermits: i64,
): i32 {
  const code = E_INVALID_BREAKER;
  if (!within(windowSize, 1, BREAKER_WINDOW_MAX)) return outside(code, service, "windowSize", windowSize, 1, BREAKER_WINDOW_MAX);
  if (!within(minCalls, 1, windowSize)) return outside(code, service, "minCalls", minCalls, 1, windowSize);
  if (!within(failureRatePercent, 0, 100)) return outside(code, service, "failureRatePercent", failureRatePercent, 0, 100);
  if (!within(consecutiveFailures, 0, 0xffff)) return outside(code, service, "consecutiveFailures", consecutiveFailures, 0, 0xffff);
  if (!within(slowCallMs, 0, TIMEOUT_MS_MAX)) return outside(code, service, "slowCallMs", slowCallMs, 0, TIMEOUT_MS_MAX);
  if (!within(slowRatePercent, 0, slowCallMs > 0 ? 100 : 0)) {
    return outside(code, service, "slowRatePercent (0 while slowCallMs is 0)", slowRatePercent, 0, slowCallMs > 0 ? 100 : 0);
  }
  if (failureRatePercent == 0 && consecutiveFailures == 0 && slowRatePercent == 0) {
    return sayService(fail(code).text("service "), service)
      .text(": failureRatePercent, consecutiveFailures and slowRatePercent are all 0, so nothing could open the breaker")
      .code();
  }
  if (!within(openMs, 1, TIMEOUT_MS_MAX)) return outside(code, service, "openMs", openMs, 1, TIMEOUT_MS_MAX);
  if (!within(openMaxMs, openMs, TIMEOUT_MS_MAX)) return outside(code, service, "openMaxMs", openMaxMs, openMs, TIMEOUT_MS_MAX);
  if (!within(halfOpenPermits, 1, BREAKER_PERMITS_MAX)) {
    return outside(code, service, "halfOpenPermits", halfOpenPermits, 1, BREAKER_PERMITS_MAX);
  }
  return 0;
}

export function configureBreaker(
  service: i32, windowSize: i32, minCalls: i32, failureRatePercent: i32, consecutiveFailures: i32, slowCallMs: i32,
  slowRatePercent: i32, openMs: i32, openMaxMs: i32, halfOpenPermits: i32,
): i32 {
  const bad = breakerValid(service, windowSize, minCalls, failureRatePercent, consecutiveFailures, slowCallMs,
    slowRatePercent, openMs, openMaxMs, halfOpenPermits);
  if (bad < 0) return bad;
  const config = serviceAt(service);
  store<u8>(config, <u8>windowSize, SERVICE_WINDOW_SIZE);
  store<u8>(config, <u8>minCalls, SERVICE_MIN_CALLS);
  store<u8>(config, <u8>failureRatePercent, SERVICE_FAILURE_RATE);
  store<u16>(config, <u16>consecutiveFailures, SERVICE_BREAKER_CONSECUTIVE);
  store<i32>(config, slowCallMs, SERVICE_SLOW_CALL_MS);
  store<u8>(config, <u8>slowRatePercent, SERVICE_SLOW_RATE);
  store<i32>(config, openMs, SERVICE_OPEN_MS);
  store<i32>(config, openMaxMs, SERVICE_OPEN_MAX_MS);
  store<u8>(config, <u8>halfOpenPermits, SERVICE_HALF_OPEN_PERMITS);
  store<u8>(config, 1, SERVICE_BREAKER_ON);
  breakerResetAll(service);
  return 0;
}

/** An instance weight: 1..BALANCE_WEIGHT_MAX. */
export function weightValid(service: i32, weight: i64): i32 {
  return within(weight, 1, BALANCE_WEIGHT_MAX) ? 0 : outside(E_INVALID_WEIGHT, service, "weight", weight, 1, BALANCE_WEIGHT_MAX);
}

export function disableBreaker(service: i32): i32 {
  store<u8>(serviceAt(service), 0, SERVICE_BREAKER_ON);
  breakerResetAll(service);
  return 0;
}

/** consecutiveFailures 0 turns ejection off (the other settings are then ignored). */
export function configureOutlier(
  service: i32, consecutiveFailures: i32, baseEjectionMs: i32, maxEjectionMs: i32, maxEjectedPercent: i32,
): i32 {
  const code = E_INVALID_OUTLIER;
  const config = serviceAt(service);
  if (!within(consecutiveFailures, 0, 0xffff)) return outside(code, service, "consecutiveFailures", consecutiveFailures, 0, 0xffff);
  if (consecutiveFailures > 0) {
    if (!within(baseEjectionMs, 1, TIMEOUT_MS_MAX)) return outside(code, service, "baseEjectionMs", baseEjectionMs, 1, TIMEOUT_MS_MAX);
    if (!within(maxEjectionMs, baseEjectionMs, TIMEOUT_MS_MAX)) {
      return outside(code, service, "maxEjectionMs", maxEjectionMs, baseEjectionMs, TIMEOUT_MS_MAX);
    }
    if (!within(maxEjectedPercent, 0, 100)) return outside(code, service, "maxEjectedPercent", maxEjectedPercent, 0, 100);
    store<i32>(config, baseEjectionMs, SERVICE_EJECT_BASE_MS);
    store<i32>(config, maxEjectionMs, SERVICE_EJECT_MAX_MS);
    store<u8>(config, <u8>maxEjectedPercent, SERVICE_EJECT_MAX_PERCENT);
  }
  store<u16>(config, <u16>consecutiveFailures, SERVICE_EJECT_CONSECUTIVE);
  markStale(service);
  return 0;
}
