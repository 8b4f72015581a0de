// The recovery's building blocks, shared by the supervisor (supervisor.ts), the strategies
// (strategies/) and escalation (escalation.ts): the steps it logs, the actions it asks of the
// host (kept in order for the next tick when the outbox is full), and taking a service down for
// a restart after a delay. A FAILED service on its way to a restart is marked in the
// lifecycle's serviceRecovering column (lifecycle/inputs.ts), so its dependents wait for it.
import { SERVICES_MAX } from "../limits";
import { clockNow } from "../clock";
import { serviceState } from "../registry/services";
import { STATE_FAILED } from "../registry/states";
import { eventLog, EVENT_RECOVERY, EVENT_ACTION_DEFERRED } from "../log/events";
import { outboxHasRoom, outboxPush, outboxNoteDeferred } from "../log/outbox";
import { CAUSE_RECOVERY } from "../lifecycle/causes";
import { transitionService, serviceWantUp, servicePhase, serviceStopCause, PHASE_WAITING } from "../lifecycle/transitions";
import { serviceRecovering } from "../lifecycle/inputs";
import { timerArm, timerArmBy, timerOfService } from "../timers/heap";
import { groupFollow } from "./groups";

// Steps in EVENT_RECOVERY's `from` (1..8 are the strategies themselves).
export const STEP_RESTART: u8 = 1;
export const STEP_RESTART_BACKOFF: u8 = 2;
export const STEP_SCALE_UP: u8 = 3;
export const STEP_SCALE_DOWN: u8 = 4;
export const STEP_FAILOVER: u8 = 5;
export const STEP_BREAKER_RESET: u8 = 6;
export const STEP_CONFIG_RELOAD: u8 = 7;
export const STEP_RESTART_INSTANCE: u8 = 8;
export const STEP_GROUP_RESTART: u8 = 9;
export const STEP_GIVE_UP: u8 = 10;
export const STEP_REBOOT_REQUEST: u8 = 11;

/** The delay a service on its way to a restart (serviceRecovering) waits once it is at rest. */
export const pendingDelayMs = new StaticArray<i32>(SERVICES_MAX);
/** Start of the current run: the service reached RUNNING, or one of its instances was restarted. */
export const runningSinceMs = new StaticArray<i64>(SERVICES_MAX);
/** Actions that found the outbox full, one bit per kind (ACTION_REBOOT_REQUEST.. ACTION_FAILOVER). */
export const pendingActions = new StaticArray<u8>(SERVICES_MAX);
const pendingArgs = new StaticArray<i32>(SERVICES_MAX * 3);
const FIRST_PENDING_KIND: u8 = 5;

/** An EVENT_RECOVERY record; `handle`: the instance concerned (restart-instance), or -1. */
export function recoveryLog(service: i32, step: u8, detail: i32, value: i32, handle: i32): void {
  eventLog(EVENT_RECOVERY, service, handle, step, <u8>min(detail, 255), CAUSE_RECOVERY, value);
}

/** Pushes a recovery action, or keeps it (in order) for the next tick when the outbox is full. */
export function recoveryAction(service: i32, kind: u8, arg: i32): void {
  if (pendingActions[service] == 0 && outboxHasRoom(1)) { outboxPush(kind, service, -1, arg); return; }
  outboxNoteDeferred();
  eventLog(EVENT_ACTION_DEFERRED, service, -1, serviceState[service], serviceState[service], 0, kind);
  const bit = kind - FIRST_PENDING_KIND;
  pendingActions[service] |= <u8>(1 << bit);
  pendingArgs[service * 3 + bit] = arg;
  timerArmBy(timerOfService(service), clockNow() + 1);
}

/** Pushes what waited for room; false (and re-armed) while some still cannot go. */
export function flushActions(service: i32): bool {
  for (let bit: u8 = 0; bit < 3; bit++) {
    if ((pendingActions[service] & (1 << bit)) == 0) continue;
    if (!outboxHasRoom(1)) { timerArm(timerOfService(service), clockNow() + 1); return false; }
    outboxPush(FIRST_PENDING_KIND + bit, service, -1, pendingArgs[service * 3 + bit]);
    pendingActions[service] &= ~(<u8>(1 << bit));
  }
  return true;
}

/** Takes the service down for a restart in `delayMs`; its followers are held until then. */
export function beginRecovery(service: i32, delayMs: i32, group: u8, cause: u8): void {
  serviceWantUp[service] = false;
  servicePhase[service] = PHASE_WAITING;
  serviceStopCause[service] = cause;
  if (serviceState[service] != STATE_FAILED) transitionService(service, STATE_FAILED, cause);
  serviceRecovering[service] = true;
  pendingDelayMs[service] = delayMs;
  groupFollow(service, group);
}
