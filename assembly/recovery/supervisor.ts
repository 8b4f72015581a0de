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
import { STATE_STOPPED, STATE_STARTING, STATE_RUNNING, STATE_FAILED, STATE_BACKOFF } from "../registry/states";
import { CAUSE_COMMAND, CAUSE_RECOVERY } from "../lifecycle/causes";
import { transitionService } from "../lifecycle/transitions";
import { serviceRecovering } from "../lifecycle/inputs";
import { FAULT_NONE, FAULT_FLAPPING, FAULT_PATTERNS, FAULT_RESOURCE, FAULT_CRASH } from "../lifecycle/faults";
import { timerArm, timerArmBy, timerOfService } from "../timers/heap";
import {
  restartPolicy, strategyLists, stableRunMs, countEveryStart, POLICY_NEVER, POLICY_ALWAYS, policyClearAll,
} from "./policy";
import { faultOnInstanceDown, faultsClear, faultsClearAll } from "./faults";
import { recoveryDefaults } from "./record";
import { intensityAllows, intensityRecord, intensityPause, intensityClear, intensityClearAll } from "./intensity";
import { backoffForget, backoffForgetAll } from "./backoff/backoff";
import { adaptiveClear, adaptiveClearAll } from "./backoff/adaptive";
import { strategyApply } from "./strategies/strategy";
import { HANDLED } from "./strategies/kinds";
import { groupRelease, groupForget, groupDrop, groupsReset } from "./groups";
import { instanceRestartsCancel } from "./strategies/restart-instance";
import { escalationLevel, gaveUp } from "./escalation";
import { pendingDelayMs, runningSinceMs, pendingActions, flushActions } from "./steps";
import { fillAll } from "../util/fill";
import { WITH_FULL_RECOVERY } from "../features";

const backoffUntilMs = new StaticArray<i64>(SERVICES_MAX);
const backoffSinceMs = new StaticArray<i64>(SERVICES_MAX);
const flappingPending = new StaticArray<bool>(SERVICES_MAX);

// ---- decisions ----------------------------------------------------------------------------

/**
 * An instance of a starting or running service went down (lifecycle/jobs.ts onInstanceDown,
 * through hooks.ts). Logs the fault; true when recovery took charge, false for the plain semantics.
 */
export function recoveryOnInstanceDown(service: i32, slot: i32, fault: u8, cause: u8, evidence: i32): bool {
  const policy = restartPolicy[service];
  if (fault == FAULT_NONE && policy != POLICY_ALWAYS) return false;
  const pattern = faultOnInstanceDown(service, slot, fault, cause, evidence);
  if (policy == POLICY_NEVER && fault != FAULT_RESOURCE) return false;
  return recover(service, slot, pattern);
}

/** Runs the pattern's strategy list; true when a strategy handled the fault. */
function recover(service: i32, slot: i32, pattern: u8): bool {
  if (serviceState[service] == STATE_RUNNING && clockNow() - runningSinceMs[service] >= <i64>stableRunMs[service]) {
    backoffForget(service); // it ran stably: this failure starts the sequences over
    escalationLevel[service] = 0;
  }
  const listed = pattern == FAULT_RESOURCE ? FAULT_CRASH : pattern; // (FAULT_RESOURCE has no list of its own)
  let list = <i32>strategyLists[service * FAULT_PATTERNS + <i32>listed];
  for (let i = 0; i < 4 && list != 0; i++, list >>= 4) {
    if (strategyApply(<i32>(list & 15), service, slot, pattern) == HANDLED) return true;
  }
  return false;
}

/** lifecycle/evaluate.ts (through hooks.ts): a FAILED service holds no instance any more. Recovering: into the delay. */
export function recoveryAtRest(service: i32): void {
  if (!serviceRecovering[service]) return;
  const now = clockNow();
  backoffSinceMs[service] = now;
  backoffUntilMs[service] = now + <i64>pendingDelayMs[service];
  transitionService(service, STATE_BACKOFF, CAUSE_RECOVERY, pendingDelayMs[service]);
  timerArm(timerOfService(service), backoffUntilMs[service]);
}

/** The service's timer: deferred actions, a flapping verdict, the end of a restart delay. */
export function recoveryTimerDue(service: i32): void {
  if (!isService(service) || !flushActions(service)) return; // unregistered since it was armed
  if (flappingPending[service]) {
    flappingPending[service] = false;
    if (serviceState[service] == STATE_RUNNING) recover(service, -1, FAULT_FLAPPING);
  }
  if (serviceState[service] != STATE_BACKOFF) return; // the timer serves three purposes: a delay may still run
  if (clockNow() < backoffUntilMs[service]) { timerArm(timerOfService(service), backoffUntilMs[service]); return; }
  groupRelease(service); // the service and its followers start, in start order
}

/** health/state.ts: the service flaps; answered on the next tick, outside any transition. */
export function recoveryOnFlapping(service: i32): void {
  flappingPending[service] = true;
  timerArmBy(timerOfService(service), clockNow());
}

/** lifecycle/transitions.ts (through hooks.ts): every service transition. */
export function recoveryOnServiceTransition(service: i32, from: u8, to: u8, cause: u8): void {
  if ((from == STATE_RUNNING || from == STATE_STARTING) && to != STATE_RUNNING) instanceRestartsCancel(service, cause);
  if (to != STATE_FAILED) serviceRecovering[service] = false;
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

/**
 * lifecycle/jobs.ts (through hooks.ts): a start is refused while the service stays failed after
 * giving up, or while its start limit (intensity counting every start) is reached: the one
 * question the lifecycle asks, because the answer changes with time alone.
 */
export function recoveryRefusesStart(service: i32): bool {
  return gaveUp[service] || (countEveryStart[service] && restartPolicy[service] != POLICY_NEVER && !intensityAllows(service));
}

/** Operator reset (systemctl reset-failed): forget the failure record, the limit and the level. */
export function recoveryForget(service: i32): void {
  gaveUp[service] = false;
  escalationLevel[service] = 0;
  serviceRecovering[service] = false;
  intensityClear(service);
  backoffForget(service);
}

/** recoveryClear for every row at once: by column fills (reset and init stay cheap at 8192 services),
 *  in tiny (16 rows) row by row, through recoveryClear, with no fills' code of its own. */
export function recoveryClearAll(): void {
  if (!WITH_FULL_RECOVERY) {
    for (let service = 0; service < SERVICES_MAX; service++) recoveryClear(service);
    groupsReset();
    return;
  }
  policyClearAll();
  faultsClearAll();
  fillAll(gaveUp, false);
  fillAll(escalationLevel, 0);
  fillAll(serviceRecovering, false);
  intensityClearAll();
  backoffForgetAll();
  adaptiveClearAll();
  fillAll(flappingPending, false);
  fillAll(pendingActions, 0);
  groupsReset();
}

/** A service id was (re)registered: default policy, empty records. */
export function recoveryClear(service: i32): void {
  recoveryDefaults(service);
  faultsClear(service);
  recoveryForget(service);
  adaptiveClear(service);
  flappingPending[service] = false;
  pendingActions[service] = 0;
  groupForget(service);
}
