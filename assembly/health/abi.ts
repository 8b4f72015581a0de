// The health layer's exported ABI (re-exported by index.ts): checks, results, health states,
// history, availability, watchdogs, health-gated dependencies. Scalars in, status out.
import { WINDOW_SLOTS, TIMEOUT_MS_MAX, IO_BUFFER_BYTES } from "../limits";
import { OK, E_INVALID_ARGUMENT, E_INVALID_CHECK_OUTCOME, E_INVALID_THRESHOLD, E_INVALID_PERIOD } from "../errors";
import { clockRefresh } from "../clock";
import { ioPtr } from "../io";
import { checkService as validateService, sayService } from "../registry/services";
import { instanceResolve, instanceService } from "../registry/instances";
import { fail } from "../util/detail";
import { checkRange } from "../util/reject";
import { settle } from "../loop";
import { flappingTransitions, flappingWindowMs } from "../recovery/faults";
import {
  checkResolve, checkService, checkRemove as removeCheck, OUTCOME_TIMEOUT,
} from "./checks";
import {
  checkRecordResolve, checkAddRecord, checkReadRecord, CHECK_RECORD_BYTES,
} from "./record";
import { recordLengthValid, recordScratch } from "../util/record";
import { checkReport as report, scheduleChecksRun, scheduleCheckTimeouts } from "./schedule";
import { serviceHealth, instanceHealth } from "./state";
import { historyCopy } from "./history";
import { availabilityOf, availabilitySetWindow } from "./availability";
import { watchdogMs, watchdogPing as ping } from "./watchdog";
import { dependencySetCondition } from "./gates";
import { alertsRaised, alertsSuppressed } from "./alerts";

/**
 * Adds a health check to a service at rest from the CHECK record in the buffer (`length` 28:
 * kind, role, intervalMs, timeoutMs, startPeriodMs, rise, fall as i32; -1 in a field is the
 * kernel's default; health/record.ts); returns the check id.
 */
export function checkAdd(service: i32, length: i32): i32 {
  let bad = validateService(service);
  if (bad == OK) bad = recordLengthValid("check", length, CHECK_RECORD_BYTES);
  if (bad < 0) return bad;
  checkRecordResolve(ioPtr(), recordScratch);
  return checkAddRecord(service, recordScratch);
}

/** Writes the check's effective CHECK record (every default filled in) to the buffer; returns 28. */
export function checkRecord(check: i32): i32 {
  const bad = checkResolve(check);
  return bad < 0 ? bad : checkReadRecord(check, ioPtr());
}

export function checkRemove(check: i32): i32 {
  const bad = checkResolve(check);
  return bad < 0 ? bad : removeCheck(check);
}

/**
 * The host's answer to ACTION_RUN_CHECK: outcome 0 success, 1 failure, 2 timeout; latency in
 * ms. Returns 0 when applied, 1 when ignored (it came after the timeout, or was not asked for).
 */
export function checkReport(check: i32, handle: i32, outcome: i32, latencyMs: i32): i32 {
  clockRefresh();
  const bad = checkResolve(check);
  if (bad < 0) return bad;
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  if (instanceService[slot] != checkService[check]) {
    return sayService(fail(E_INVALID_ARGUMENT).text("check ").int(check).text(" belongs to service "), <i32>checkService[check])
      .text(", not to the service of instance ").int(handle).code();
  }
  if (outcome < 0 || outcome > OUTCOME_TIMEOUT || latencyMs < 0) {
    return sayService(fail(E_INVALID_CHECK_OUTCOME).text("service "), <i32>checkService[check]).text(": check ").int(check)
      .text(" outcome ").int(outcome).text(" latencyMs ").int(latencyMs).text(": outcome is 0..2, latency >= 0").code();
  }
  const applied = report(check, slot, outcome, latencyMs);
  settle();
  return applied;
}

/** HEALTH_*: 0 unknown, 1 healthy, 2 degraded, 3 unhealthy. */
export function healthOfService(service: i32): i32 {
  const bad = validateService(service);
  return bad < 0 ? bad : serviceHealth[service];
}

export function healthOfInstance(handle: i32): i32 {
  const slot = instanceResolve(handle);
  return slot < 0 ? slot : instanceHealth[slot];
}

/** Writes the service's last results (16-byte records, oldest first) to the buffer; returns how many. */
export function healthHistory(service: i32): i32 {
  const bad = validateService(service);
  return bad < 0 ? bad : historyCopy(service, ioPtr(), IO_BUFFER_BYTES);
}

/** Basis points (10000 = 100 %) of the availability window the service was up. */
export function healthAvailability(service: i32): i32 {
  clockRefresh();
  const bad = validateService(service);
  return bad < 0 ? bad : availabilityOf(service);
}

export function healthSetWindow(service: i32, windowMs: i32): i32 {
  clockRefresh();
  const bad = validateService(service);
  return bad < 0 ? bad : availabilitySetWindow(service, windowMs);
}

/** Flapping: `transitions` health changes within `windowMs` (defaults 5 in 60 s). */
export function healthSetFlapping(service: i32, transitions: i32, windowMs: i32): i32 {
  let bad = validateService(service);
  if (bad == OK) bad = checkRange(E_INVALID_THRESHOLD, service, "flapping transitions", transitions, 2, WINDOW_SLOTS);
  if (bad == OK) bad = checkRange(E_INVALID_PERIOD, service, "flapping windowMs", windowMs, 1, TIMEOUT_MS_MAX);
  if (bad < 0) return bad;
  flappingTransitions[service] = <u8>transitions;
  flappingWindowMs[service] = windowMs;
  return OK;
}

/** Watchdog period (0: none); applies from each instance's next start. */
export function watchdogSet(service: i32, periodMs: i32): i32 {
  let bad = validateService(service);
  if (bad == OK) bad = checkRange(E_INVALID_PERIOD, service, "watchdogMs", periodMs, 0, TIMEOUT_MS_MAX);
  if (bad == OK) watchdogMs[service] = periodMs;
  return bad;
}

export function watchdogPing(handle: i32): i32 {
  clockRefresh();
  const slot = instanceResolve(handle);
  return slot < 0 ? slot : ping(slot);
}

/** condition 0: `to` counts once running; 1: once running and healthy (compose service_healthy). */
export function dependencyCondition(from: i32, to: i32, condition: i32): i32 {
  const bad = validateService(from);
  return bad < 0 ? bad : dependencySetCondition(from, to, condition);
}

export const HEALTH_COUNTER_ALERTS: i32 = 0;
export const HEALTH_COUNTER_ALERTS_SUPPRESSED: i32 = 1;
export const HEALTH_COUNTER_CHECKS_RUN: i32 = 2;
export const HEALTH_COUNTER_CHECK_TIMEOUTS: i32 = 3;

export function healthCounter(which: i32): u32 {
  if (which == HEALTH_COUNTER_ALERTS) return alertsRaised();
  if (which == HEALTH_COUNTER_ALERTS_SUPPRESSED) return alertsSuppressed();
  if (which == HEALTH_COUNTER_CHECKS_RUN) return scheduleChecksRun();
  if (which == HEALTH_COUNTER_CHECK_TIMEOUTS) return scheduleCheckTimeouts();
  return 0;
}
