// Fault detection: every fault the kernel notices becomes one EVENT_FAULT record with its
// pattern and evidence, and picks the list of recovery strategies that answers it.
//   crash         an exit with a code outside the success set, or a signal (evidence: status)
//   crash loop    >= K faults of a service within W ms (evidence: how many)
//   check         a liveness or startup check reached its failure threshold (evidence: failures)
//   start timeout no "started" within the start timeout (evidence: the timeout, ms)
//   watchdog      no ping within the watchdog period (evidence: the period, ms)
//   flapping      >= F health transitions within W ms (evidence: how many)
//   stop timeout  no exit within the stop timeout; the instance was killed (evidence: the timeout)
import { SERVICES_MAX } from "../limits";
import { CRASH_LOOP_FAULTS_DEFAULT, CRASH_LOOP_WINDOW_MS_DEFAULT } from "../defaults";
import { clockNow } from "../clock";
import { instanceHandle } from "../registry/instances";
import { eventLog, EVENT_FAULT } from "../log/events";
import { WindowCounter } from "./window";
import { alertRaise, ALERT_CRASH_LOOP, ALERT_WATCHDOG, ALERT_START_TIMEOUT, ALERT_STOP_TIMEOUT } from "./alerts";
import { CAUSE_STOP_TIMEOUT } from "../lifecycle/causes";
import { FAULT_NONE, FAULT_CRASH_LOOP, FAULT_START_TIMEOUT, FAULT_WATCHDOG, FAULT_STOP_TIMEOUT } from "../lifecycle/faults";
import { fillAll } from "../util/fill";


/** Crash loop: K faults within W ms (defaults.ts: 3 in 10 s, kubelet's CrashLoopBackOff after a few). */
export const crashLoopFaults = new StaticArray<u8>(SERVICES_MAX);
export const crashLoopWindowMs = new StaticArray<i32>(SERVICES_MAX);
/** Flapping: F health transitions within W ms (defaults: 5 in 60 s). */
export const flappingTransitions = new StaticArray<u8>(SERVICES_MAX);
export const flappingWindowMs = new StaticArray<i32>(SERVICES_MAX);

const faultTimes = new WindowCounter();
const healthTimes = new WindowCounter();

export function faultsClear(service: i32): void {
  crashLoopFaults[service] = <u8>CRASH_LOOP_FAULTS_DEFAULT;
  crashLoopWindowMs[service] = CRASH_LOOP_WINDOW_MS_DEFAULT;
  flappingTransitions[service] = 5;
  flappingWindowMs[service] = 60_000;
  faultTimes.clear(service);
  healthTimes.clear(service);
}

export function faultLog(service: i32, slot: i32, pattern: u8, cause: u8, evidence: i32): void {
  eventLog(EVENT_FAULT, service, slot < 0 ? -1 : instanceHandle(slot), pattern, 0, cause, evidence);
}

/**
 * An instance of a starting or running service went down: logs the fault and returns the
 * pattern to answer, a crash loop when this fault is the K-th within W.
 */
export function faultOnInstanceDown(service: i32, slot: i32, fault: u8, cause: u8, evidence: i32): u8 {
  const now = clockNow();
  faultTimes.record(service, now);
  if (fault != FAULT_NONE) faultLog(service, slot, fault, cause, evidence);
  if (fault == FAULT_WATCHDOG) alertRaise(service, slot, ALERT_WATCHDOG, cause);
  if (fault == FAULT_START_TIMEOUT) alertRaise(service, slot, ALERT_START_TIMEOUT, cause);
  const recent = faultTimes.count(service, now, crashLoopWindowMs[service]);
  if (recent < <i32>crashLoopFaults[service]) return fault;
  faultLog(service, slot, FAULT_CRASH_LOOP, cause, recent);
  alertRaise(service, slot, ALERT_CRASH_LOOP, cause);
  return FAULT_CRASH_LOOP;
}

/** An instance ignored a graceful stop and was killed: a fault to report, nothing to recover. */
export function faultOnStopTimeout(service: i32, slot: i32, timeoutMs: i32): void {
  faultLog(service, slot, FAULT_STOP_TIMEOUT, CAUSE_STOP_TIMEOUT, timeoutMs);
  alertRaise(service, slot, ALERT_STOP_TIMEOUT, CAUSE_STOP_TIMEOUT);
}

/** A service health transition; true when it makes the service a flapper (the count restarts). */
export function faultOnHealthTransition(service: i32): bool {
  const now = clockNow();
  healthTimes.record(service, now);
  const recent = healthTimes.count(service, now, flappingWindowMs[service]);
  if (recent < <i32>flappingTransitions[service]) return false;
  healthTimes.clear(service);
  return true;
}

export function faultsClearAll(): void {
  fillAll(crashLoopFaults, <u8>CRASH_LOOP_FAULTS_DEFAULT);
  fillAll(crashLoopWindowMs, CRASH_LOOP_WINDOW_MS_DEFAULT);
  fillAll(flappingTransitions, 5);
  fillAll(flappingWindowMs, 60_000);
  faultTimes.clearAll();
  healthTimes.clearAll();
}
