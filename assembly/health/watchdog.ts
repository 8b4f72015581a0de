// Watchdog channels (systemd WatchdogSec= with sd_notify("WATCHDOG=1"), Zephyr task_wdt): a
// running instance of a service with a watchdog period must ping within it; a missed ping is a
// fault. It costs no timer of its own: while an instance runs, its instance timer (start and
// stop deadlines otherwise) holds the watchdog deadline. The same timer carries a kill the
// health layer decided (a failed liveness check), so the kill happens on the timer path, on
// the next tick, outside the check result that caused it.
import { SERVICES_MAX, INSTANCES_MAX } from "../limits";
import { OK } from "../errors";
import { clockNow } from "../clock";
import { instanceState, instanceService } from "../registry/instances";
import { STATE_RUNNING } from "../registry/states";
import { timerArm, timerOfInstance } from "../timers/heap";
import { FAULT_NONE, FAULT_WATCHDOG } from "../recovery/faults";

/** Watchdog period per service; 0: none. Takes effect when an instance (re)starts. */
export const watchdogMs = new StaticArray<i32>(SERVICES_MAX);
const killFault = new StaticArray<u8>(INSTANCES_MAX);
const killEvidence = new StaticArray<i32>(INSTANCES_MAX);

export function watchdogArm(slot: i32, service: i32): void {
  killFault[slot] = FAULT_NONE;
  if (watchdogMs[service] > 0) timerArm(timerOfInstance(slot), clockNow() + <i64>watchdogMs[service]);
}

/** A ping from the instance: its deadline moves one period on. */
export function watchdogPing(slot: i32): i32 {
  const service = <i32>instanceService[slot];
  if (instanceState[slot] == STATE_RUNNING && killFault[slot] == FAULT_NONE && watchdogMs[service] > 0) {
    timerArm(timerOfInstance(slot), clockNow() + <i64>watchdogMs[service]);
  }
  return OK;
}

/** Kill the running instance on the next timer pass, for `fault` (evidence: the check id). */
export function healthScheduleKill(slot: i32, fault: u8, evidence: i32): void {
  if (killFault[slot] != FAULT_NONE) return;
  killFault[slot] = fault;
  killEvidence[slot] = evidence;
  timerArm(timerOfInstance(slot), clockNow());
}

@inline export function healthKillPending(slot: i32): bool { return killFault[slot] != FAULT_NONE; }

/** Why a running instance's timer fired: a scheduled kill, a missed ping, or nothing (stale). */
export function healthKillFault(slot: i32): u8 {
  if (killFault[slot] != FAULT_NONE) return killFault[slot];
  return watchdogMs[<i32>instanceService[slot]] > 0 ? FAULT_WATCHDOG : FAULT_NONE;
}

export function healthKillEvidence(slot: i32): i32 {
  return killFault[slot] != FAULT_NONE ? killEvidence[slot] : watchdogMs[<i32>instanceService[slot]];
}

export function watchdogReset(): void {
  killFault.fill(FAULT_NONE);
  watchdogMs.fill(0);
}
