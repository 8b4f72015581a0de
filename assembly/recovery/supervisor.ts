// The supervisor: what happens after a fault, as a decision table.
//
//   policy     exit kind            -> action
//   never      any                  -> plain semantics: a failure fails the service (jobs.ts)
//   on-failure clean exit           -> plain semantics: the service stops
//   on-failure fault                -> run the fault pattern's strategy list
//   always     clean exit or fault  -> run the pattern's strategy list (clean exit: FAULT_NONE)
//
// A restart (restart.ts, restart-backoff.ts) checks intensity first (intensity.ts states the
// rule), then takes the service to FAILED while what still runs of it stops, then to BACKOFF
// for the delay (0 included: a restart always waits for the next tick, never loops), then to
// STARTING, where it waits for its dependencies like any start. Its followers (groups.ts) are
// held down meanwhile and started with it, in start order. Intensity exceeded escalates
// (escalation.ts). An instance restart (restart-instance.ts) leaves the service RUNNING and
// waits out the same delay with only the instance that went down.
import { SERVICES_MAX } from "../limits";
import { clockNow } from "../clock";
import { serviceState, isService } from "../registry/services";
import { eventLog, EVENT_RECOVERY, EVENT_ACTION_DEFERRED } from "../log/events";
import { outboxHasRoom, outboxPush, outboxNoteDeferred } from "../log/outbox";
import { STATE_STOPPED, STATE_STARTING, STATE_RUNNING, STATE_FAILED, STATE_BACKOFF } from "../registry/states";
import { CAUSE_COMMAND, CAUSE_RECOVERY, CAUSE_INSTANCE_EXITED, CAUSE_INSTANCE_FAILED } from "../lifecycle/causes";
import { transitionService, serviceWantUp, servicePhase, serviceStopCause, PHASE_WAITING } from "../lifecycle/transitions";
import { timerArm, timerArmBy, timerOfService } from "../timers/heap";
import {
  restartPolicy, strategyLists, stableRunMs, groupStrategy, countEveryStart, policyClear, POLICY_NEVER, POLICY_ALWAYS, policyClearAll } from "./policy";
import { faultOnInstanceDown, faultsClear, faultsClearAll, FAULT_NONE, FAULT_FLAPPING, FAULT_PATTERNS } from "./faults";
import { intensityAllows, intensityRecord, intensityPause, intensityClear, intensityClearAll } from "./intensity";
import { backoffNext, backoffForget, backoffForgetAll, backoffAttempt } from "./backoff/backoff";
import { adaptiveClear, adaptiveClearAll } from "./backoff/adaptive";
import { strategyApply, HANDLED } from "./strategies/strategy";
import { groupFollow, groupRelease, groupForget, groupDrop, groupsReset } from "./groups";
import { instanceRestartsCancel } from "./strategies/restart-instance";
import { escalate, escalationLevel, gaveUp } from "./escalation";

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

/** FAILED on the way to BACKOFF (what still runs of it is stopping). */
const recovering = new StaticArray<bool>(SERVICES_MAX);
const pendingDelayMs = new StaticArray<i32>(SERVICES_MAX);
const backoffUntilMs = new StaticArray<i64>(SERVICES_MAX);
const backoffSinceMs = new StaticArray<i64>(SERVICES_MAX);
/** Start of the current run: the service reached RUNNING, or one of its instances was restarted. */
export const runningSinceMs = new StaticArray<i64>(SERVICES_MAX);
const flappingPending = new StaticArray<bool>(SERVICES_MAX);
/** Actions that found the outbox full, one bit per kind (ACTION_REBOOT_REQUEST.. ACTION_FAILOVER). */
const pendingActions = new StaticArray<u8>(SERVICES_MAX);
const pendingArgs = new StaticArray<i32>(SERVICES_MAX * 3);
const FIRST_PENDING_KIND: u8 = 5;

/** An EVENT_RECOVERY record; `handle`: the instance concerned (restart-instance), or -1. */
export function recoveryLog(service: i32, step: u8, detail: i32, value: i32, handle: i32 = -1): void {
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
function flushActions(service: i32): bool {
  for (let bit: u8 = 0; bit < 3; bit++) {
    if ((pendingActions[service] & (1 << bit)) == 0) continue;
    if (!outboxHasRoom(1)) { timerArm(timerOfService(service), clockNow() + 1); return false; }
    outboxPush(FIRST_PENDING_KIND + bit, service, -1, pendingArgs[service * 3 + bit]);
    pendingActions[service] &= ~(<u8>(1 << bit));
  }
  return true;
}

// ---- decisions ----------------------------------------------------------------------------

/**
 * An instance of a starting or running service went down (jobs.ts onInstanceDown). Logs the
 * fault; true when recovery took charge, false for the plain semantics.
 */
export function recoveryOnInstanceDown(service: i32, slot: i32, fault: u8, cause: u8, evidence: i32): bool {
  const policy = restartPolicy[service];
  if (fault == FAULT_NONE && policy != POLICY_ALWAYS) return false;
  const pattern = faultOnInstanceDown(service, slot, fault, cause, evidence);
  if (policy == POLICY_NEVER) return false;
  return recover(service, slot, pattern);
}

/** Runs the pattern's strategy list; true when a strategy handled the fault. */
export function recover(service: i32, slot: i32, pattern: u8): bool {
  if (serviceState[service] == STATE_RUNNING && clockNow() - runningSinceMs[service] >= <i64>stableRunMs[service]) {
    backoffForget(service); // it ran stably: this failure starts the sequences over
    escalationLevel[service] = 0;
  }
  let list = <i32>strategyLists[service * FAULT_PATTERNS + <i32>pattern];
  for (let i = 0; i < 4 && list != 0; i++, list >>= 4) {
    if (strategyApply(<i32>(list & 15), service, slot, pattern) == HANDLED) return true;
  }
  return false;
}

/** The restart strategies: within intensity, restart after `withBackoff ? backoff : 0` ms. */
export function restartService(service: i32, pattern: u8, withBackoff: bool): i32 {
  if (!intensityAllows(service)) {
    escalate(service, pattern);
    return HANDLED;
  }
  const delay = withBackoff ? backoffNext(service) : 0;
  recoveryLog(service, withBackoff ? STEP_RESTART_BACKOFF : STEP_RESTART, <i32>backoffAttempt[service], delay);
  beginRecovery(service, delay, groupStrategy[service], pattern == FAULT_NONE ? CAUSE_INSTANCE_EXITED : CAUSE_INSTANCE_FAILED);
  return HANDLED;
}

/** Takes the service down for a restart in `delayMs`; its followers are held until then. */
export function beginRecovery(service: i32, delayMs: i32, group: u8, cause: u8): void {
  serviceWantUp[service] = false;
  servicePhase[service] = PHASE_WAITING;
  serviceStopCause[service] = cause;
  if (serviceState[service] != STATE_FAILED) transitionService(service, STATE_FAILED, cause);
  recovering[service] = true;
  pendingDelayMs[service] = delayMs;
  groupFollow(service, group);
}

/** evaluate.ts: a FAILED service holds no instance any more. Recovering: into the delay. */
export function recoveryAtRest(service: i32): void {
  if (!recovering[service]) return;
  const now = clockNow();
  backoffSinceMs[service] = now;
  backoffUntilMs[service] = now + <i64>pendingDelayMs[service];
  transitionService(service, STATE_BACKOFF, CAUSE_RECOVERY, pendingDelayMs[service]);
  timerArm(timerOfService(service), backoffUntilMs[service]);
}

/** evaluate.ts: a FAILED service whose recovery is under way is a dependency worth waiting for. */
@inline export function recoveryUnderWay(service: i32): bool { return recovering[service]; }

/** The service's timer: deferred actions, a flapping verdict, the end of a restart delay. */
export function recoveryTimerDue(service: i32): void {
  if (!isService(service) || !flushActions(service)) return; // unregistered since it was armed
  if (flappingPending[service]) {
    flappingPending[service] = false;
    if (serviceState[service] == STATE_RUNNING) recover(service, -1, FAULT_FLAPPING);
  }
  if (serviceState[service] != STATE_BACKOFF) return; // the timer is shared: a delay may still run
  if (clockNow() < backoffUntilMs[service]) { timerArm(timerOfService(service), backoffUntilMs[service]); return; }
  groupRelease(service); // the service and its followers start, in start order
}

/** groups.ts: the service itself leaves its delay (called in start order among its followers). */
export function recoveryRestartNow(service: i32): void {
  serviceWantUp[service] = true;
  servicePhase[service] = PHASE_WAITING;
  transitionService(service, STATE_STARTING, CAUSE_RECOVERY);
}

/** health/state.ts: the service flaps; answered on the next tick, outside any transition. */
export function recoveryOnFlapping(service: i32): void {
  flappingPending[service] = true;
  timerArmBy(timerOfService(service), clockNow());
}

/** lifecycle/transitions.ts: every service transition. */
export function recoveryOnServiceTransition(service: i32, from: u8, to: u8, cause: u8): void {
  if ((from == STATE_RUNNING || from == STATE_STARTING) && to != STATE_RUNNING) instanceRestartsCancel(service, cause);
  if (to != STATE_FAILED) recovering[service] = false;
  if (from == STATE_BACKOFF) intensityPause(service, clockNow() - backoffSinceMs[service]);
  if (to == STATE_RUNNING) runningSinceMs[service] = clockNow();
  if (to == STATE_STOPPED && (from == STATE_BACKOFF || from == STATE_FAILED)) groupDrop(service);
  if (to != STATE_STARTING) return;
  if (cause == CAUSE_RECOVERY || countEveryStart[service]) intensityRecord(service);
  if (cause == CAUSE_COMMAND) {
    backoffForget(service); // an operator start is a fresh start
    escalationLevel[service] = 0;
  }
}

/** jobs.ts: a start command is refused while the service stays failed after giving up. */
export function recoveryRefusesStart(service: i32): bool {
  return gaveUp[service] || (countEveryStart[service] && restartPolicy[service] != POLICY_NEVER && !intensityAllows(service));
}

/** Operator reset (systemctl reset-failed): forget the failure record, the limit and the level. */
export function recoveryForget(service: i32): void {
  gaveUp[service] = false;
  escalationLevel[service] = 0;
  recovering[service] = false;
  intensityClear(service);
  backoffForget(service);
}

/** A service id was (re)registered: default policy, empty records. */
/** recoveryClear for every row at once. */
export function recoveryClearAll(): void {
  policyClearAll();
  faultsClearAll();
  gaveUp.fill(false);
  escalationLevel.fill(0);
  recovering.fill(false);
  intensityClearAll();
  backoffForgetAll();
  adaptiveClearAll();
  flappingPending.fill(false);
  pendingActions.fill(0);
  groupsReset();
}

export function recoveryClear(service: i32): void {
  policyClear(service);
  faultsClear(service);
  recoveryForget(service);
  adaptiveClear(service);
  flappingPending[service] = false;
  pendingActions[service] = 0;
  groupForget(service);
}
