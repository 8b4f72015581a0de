// Watchdog channels (systemd WatchdogSec= with sd_notify("WATCHDOG=1"), Zephyr task_wdt): a
// running instance of a service with a watchdog period must ping within it; a missed ping is a
// fault. Health owns one timer per instance for it (timers/heap.ts timerOfWatchdog), armed only
// while the instance runs. The same timer carries a kill the health layer decided (a failed
// liveness check), so the kill happens on the timer path, on the next tick, outside the check
// result that caused it; the lifecycle performs it (lifecycle/instances.ts instanceKill).
import { SERVICES_MAX, INSTANCES_MAX } from "../limits";
import { OK } from "../errors";
import { clockNow } from "../clock";
import { instanceState, instanceService } from "../registry/instances";
import { STATE_RUNNING } from "../registry/states";
import { CAUSE_CHECK_FAILED, CAUSE_WATCHDOG, CAUSE_RESOURCE_LIMIT } from "../lifecycle/causes";
import { FAULT_NONE, FAULT_WATCHDOG, FAULT_CHECK, FAULT_RESOURCE } from "../lifecycle/faults";
import { instanceKill } from "../lifecycle/instances";
import { timerArmInstance, timerOfWatchdog } from "../timers/heap";
import { WITH_WATCHDOG } from "../features";
import { fillAll } from "../util/fill";

/** Watchdog period per service; 0: none. Takes effect when an instance (re)starts. */
export const watchdogMs = new StaticArray<i32>(SERVICES_MAX);
const killFault = new StaticArray<u8>(INSTANCES_MAX);
const killEvidence = new StaticArray<i32>(INSTANCES_MAX);

export function watchdogArm(slot: i32, service: i32): void {
  killFault[slot] = FAULT_NONE;
  if (WITH_WATCHDOG && watchdogMs[service] > 0) timerArmInstance(timerOfWatchdog(slot), clockNow() + <i64>watchdogMs[service]);
}

/** A ping from the instance: its deadline moves one period on. */
export function watchdogPing(slot: i32): i32 {
  const service = <i32>instanceService[slot];
  if (instanceState[slot] == STATE_RUNNING && killFault[slot] == FAULT_NONE && watchdogMs[service] > 0) {
    timerArmInstance(timerOfWatchdog(slot), clockNow() + <i64>watchdogMs[service]);
  }
  return OK;
}

/** Kill the running instance on the next timer pass, for `fault` (evidence: the check id, or the usage sample). */
export function healthScheduleKill(slot: i32, fault: u8, evidence: i32): void {
  if (killFault[slot] != FAULT_NONE) return;
  killFault[slot] = fault;
  killEvidence[slot] = evidence;
  timerArmInstance(timerOfWatchdog(slot), clockNow());
}

@inline export function healthKillPending(slot: i32): bool { return killFault[slot] != FAULT_NONE; }

/**
 * The instance's watchdog timer fired (routed by loop.ts): a scheduled kill or a missed ping
 * kills it; a kill that finds the outbox full waits one millisecond, never spun on.
 */
export function watchdogDue(slot: i32): void {
  if (instanceState[slot] != STATE_RUNNING) return; // (cancelled when it stops running: health/follow.ts)
  const scheduled = killFault[slot] != FAULT_NONE;
  const service = <i32>instanceService[slot];
  if (!scheduled && (!WITH_WATCHDOG || watchdogMs[service] <= 0)) return;
  const fault = scheduled ? killFault[slot] : FAULT_WATCHDOG;
  const evidence = scheduled ? killEvidence[slot] : watchdogMs[service];
  const cause = fault == FAULT_CHECK ? CAUSE_CHECK_FAILED : fault == FAULT_RESOURCE ? CAUSE_RESOURCE_LIMIT : CAUSE_WATCHDOG;
  if (!instanceKill(slot, fault, cause, evidence)) timerArmInstance(timerOfWatchdog(slot), clockNow() + 1);
}

export function watchdogReset(): void {
  fillAll(killFault, FAULT_NONE);
  fillAll(watchdogMs, 0);
}
