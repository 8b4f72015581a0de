// Alerts: EVENT_ALERT records with a severity and their own gap-free sequence (carried in the
// record's value), so a host that forwards alerts can prove it lost none.
//
// De-duplicated per incident: each reason alerts once for a service until the service has been
// healthy for a stable run (the recovery policy's stableMs). A crash loop says "unhealthy",
// "recovered" and "crash loop" once, not once per crash; the next incident alerts afresh.
// Suppressed alerts are counted (healthCounter).
//
//   alert record: kind EVENT_ALERT | from: severity | to: reason | cause: what triggered it
//                 | service | instance (handle or -1) | value: alert sequence (1, 2, 3, ...)
import { SERVICES_MAX } from "../limits";
import { clockNow } from "../clock";
import { instanceHandle } from "../registry/instances";
import { eventLog, EVENT_ALERT } from "../log/events";
import { stableRunMs } from "./policy";
import { fillAll } from "../util/fill";

export const SEVERITY_INFO: u8 = 0;
export const SEVERITY_WARNING: u8 = 1;
export const SEVERITY_CRITICAL: u8 = 2;

export const ALERT_RECOVERED: u8 = 0;
export const ALERT_DEGRADED: u8 = 1;
export const ALERT_UNHEALTHY: u8 = 2;
export const ALERT_CRASH_LOOP: u8 = 3;
export const ALERT_FLAPPING: u8 = 4;
export const ALERT_WATCHDOG: u8 = 5;
export const ALERT_START_TIMEOUT: u8 = 6;
export const ALERT_STOP_TIMEOUT: u8 = 7;
export const ALERT_GAVE_UP: u8 = 8;
export const ALERT_REBOOT_REQUESTED: u8 = 9;
/** A rollout was rolled back automatically (cause: progress deadline, readiness, error rate). */
export const ALERT_ROLLED_BACK: u8 = 10;
/** A usage sample stayed over a limit past its grace (resources/usage.ts, action alert). */
export const ALERT_RESOURCE: u8 = 11;

/** Severity of each reason, by reason. */
const SEVERITY: StaticArray<u8> = [0, 1, 2, 1, 1, 1, 1, 1, 2, 2, 1];

/** Reasons alerted in the service's current incident (bit per reason). */
const raised = new StaticArray<u16>(SERVICES_MAX);
/** Since when the service is healthy, or -1. */
const healthySinceMs = new StaticArray<i64>(SERVICES_MAX);
let sequence: u32 = 0;
let suppressed: u32 = 0;

/** Raises an alert, unless the service's current incident raised this reason already. */
export function alertRaise(service: i32, slot: i32, reason: u8, cause: u8): void {
  const since = healthySinceMs[service];
  if (since >= 0 && clockNow() - since >= <i64>stableRunMs[service]) raised[service] = 0; // a new incident
  const bit = <u16>(1 << reason);
  if ((raised[service] & bit) != 0) { suppressed++; return; }
  raised[service] |= bit;
  sequence++;
  const severity = reason < <u8>SEVERITY.length ? SEVERITY[reason] : SEVERITY_WARNING; // later reasons: a warning (no mcu byte)
  eventLog(EVENT_ALERT, service, slot < 0 ? -1 : instanceHandle(slot), severity, reason, cause, <i32>sequence);
}

/** True when the current incident raised `reason`. */
@inline export function alertRaised(service: i32, reason: u8): bool { return (raised[service] & (1 << reason)) != 0; }

/** The service's health is (or is no longer) healthy: the stable-run clock of alerts. */
export function alertHealthy(service: i32, healthy: bool): void {
  if (!healthy) healthySinceMs[service] = -1;
  else if (healthySinceMs[service] < 0) healthySinceMs[service] = clockNow();
}

export function alertsRaised(): u32 { return sequence; }
export function alertsSuppressed(): u32 { return suppressed; }

export function alertsClear(service: i32): void {
  raised[service] = 0;
  healthySinceMs[service] = -1;
}

export function alertsReset(): void {
  fillAll(raised, 0);
  fillAll(healthySinceMs, -1);
  sequence = 0;
  suppressed = 0;
}
