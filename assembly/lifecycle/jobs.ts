// Operator commands on the lifecycle, with systemd's dependency semantics:
// - start pulls in what the service requires and wants (disabled `wants` are skipped; a disabled
//   `requires` refuses the start); each service then waits for its dependencies (evaluate.ts);
// - stop (and a failure) stops every service that requires it, transitively, dependents first;
// - restart stops the same set and brings all of it back.
// Commands validate first and change nothing when they fail.
import { SERVICES_MAX } from "../limits";
import { OK, E_ILLEGAL_TRANSITION, E_SERVICE_DISABLED, E_DEPENDENCY_DISABLED, E_SERVICE_ACTIVE } from "../errors";
import { serviceState, serviceUsed, sayService } from "../registry/services";
import { DEP_REQUIRES, DEP_WANTS } from "../graph/edges";
import { walkFrom, walked, TOWARD_DEPENDENCIES, TOWARD_DEPENDENTS, THROUGH_DISABLED, NOT_THROUGH_DISABLED } from "../graph/walk";
import { graphValidate } from "../graph/order";
import { fail } from "../util/detail";
import {
  STATE_STOPPED, STATE_STARTING, STATE_RUNNING, STATE_STOPPING, STATE_FAILED, STATE_DISABLED, STATE_BACKOFF,
} from "../registry/states";
import {
  CAUSE_COMMAND, CAUSE_PULLED_IN, CAUSE_DEPENDENCY_FAILED, CAUSE_DEPENDENCY_STOPPED, CAUSE_INSTANCE_FAILED,
  CAUSE_INSTANCE_EXITED, CAUSE_RESTART,
} from "./causes";
import {
  transitionService, serviceWantUp, servicePhase, serviceLive, serviceStopCause, PHASE_WAITING,
} from "./transitions";
import { E_START_LIMIT } from "../errors";
import { FAULT_NONE } from "./faults";
import { isLeaving, isOnTrial } from "./leaving";
import { onInstanceDown as recoveryTakesCharge, onFailureCleared, startRefused } from "../hooks";

// kindBit masks, written with operators on constants so that asc folds them (not globals set at init)
const REQUIRES: u8 = 1 << DEP_REQUIRES;
const PULLS_IN: u8 = 1 << DEP_REQUIRES | 1 << DEP_WANTS;

/** Inactive and holding nothing: the states in which configuration may change. */
export function isAtRest(service: i32): bool {
  const state = serviceState[service];
  return state == STATE_STOPPED || state == STATE_DISABLED || (state == STATE_FAILED && serviceLive[service] == 0);
}

export function checkAtRest(service: i32, what: string): i32 {
  if (isAtRest(service)) return OK;
  return sayService(fail(E_SERVICE_ACTIVE).text("service "), service).text(" is active; stop it before ").text(what).code();
}

/** Moves one service toward up; `cause` is logged. Disabled services (and ones that gave up) are left alone. */
export function startOne(service: i32, cause: u8): void {
  const state = serviceState[service];
  if (state == STATE_DISABLED || state == STATE_BACKOFF || startRefused(service)) return;
  serviceWantUp[service] = true;
  if (state == STATE_STOPPED || state == STATE_FAILED) {
    servicePhase[service] = PHASE_WAITING;
    transitionService(service, STATE_STARTING, cause);
  }
}

/** Moves one service toward down; `restart` keeps its goal up so it comes back. */
export function stopOne(service: i32, cause: u8, restart: bool): void {
  const state = serviceState[service];
  serviceWantUp[service] = restart;
  if (state == STATE_STARTING && servicePhase[service] == PHASE_WAITING && serviceLive[service] == 0) {
    if (!restart) transitionService(service, STATE_STOPPED, cause);
    return; // a restart of a service still waiting for its dependencies is already under way
  }
  if (state == STATE_STARTING || state == STATE_RUNNING || (state == STATE_FAILED && serviceLive[service] > 0)) {
    servicePhase[service] = PHASE_WAITING;
    serviceStopCause[service] = cause;
    transitionService(service, STATE_STOPPING, cause);
  } else if (state == STATE_BACKOFF && !restart) {
    transitionService(service, STATE_STOPPED, cause); // a restart already waits in its delay
  }
}

/** Stops every service that requires `service` (transitively), not the service itself. */
export function stopRequiringDependents(service: i32, cause: u8, restart: bool): void {
  const count = walkFrom(service, TOWARD_DEPENDENTS, REQUIRES, THROUGH_DISABLED);
  for (let i = 1; i < count; i++) {
    const dependent = <i32>walked[i];
    const state = serviceState[dependent];
    // A dependent that is down stays down (and keeps its failed state) unless this is a restart
    // of something it was running on.
    if (state == STATE_STARTING || state == STATE_RUNNING || state == STATE_STOPPING || state == STATE_BACKOFF) {
      stopOne(dependent, cause, restart);
    }
  }
}

export function requestStart(service: i32): i32 {
  const state = serviceState[service];
  if (state == STATE_DISABLED) {
    return sayService(fail(E_SERVICE_DISABLED).text("service "), service).text(" is disabled; enable it before starting").code();
  }
  if (startRefused(service)) {
    return sayService(fail(E_START_LIMIT).text("service "), service).text(" hit its restart limit; reset it first").code();
  }
  const acyclic = graphValidate();
  if (acyclic < 0) return acyclic;
  const required = walkFrom(service, TOWARD_DEPENDENCIES, REQUIRES, THROUGH_DISABLED);
  for (let i = 1; i < required; i++) {
    const dependency = <i32>walked[i];
    if (serviceState[dependency] == STATE_DISABLED) {
      return sayService(sayService(fail(E_DEPENDENCY_DISABLED).text("service "), service).text(" requires "), dependency)
        .text(", which is disabled").code();
    }
  }
  const count = walkFrom(service, TOWARD_DEPENDENCIES, PULLS_IN, NOT_THROUGH_DISABLED);
  for (let i = count - 1; i >= 0; i--) {
    const member = <i32>walked[i];
    startOne(member, member == service ? CAUSE_COMMAND : CAUSE_PULLED_IN);
  }
  return OK;
}

export function requestStop(service: i32): i32 {
  const state = serviceState[service];
  if (state == STATE_STOPPED || state == STATE_DISABLED) {
    return sayService(fail(E_ILLEGAL_TRANSITION).text("service "), service)
      .text(state == STATE_STOPPED ? " is already stopped" : " is disabled").code();
  }
  stopRequiringDependents(service, CAUSE_DEPENDENCY_STOPPED, false);
  if (state == STATE_FAILED && serviceLive[service] == 0) {
    serviceWantUp[service] = false;
    onFailureCleared(service);
    transitionService(service, STATE_STOPPED, CAUSE_COMMAND); // clears the failure (reset-failed)
  } else {
    stopOne(service, CAUSE_COMMAND, false);
  }
  return OK;
}

export function requestRestart(service: i32): i32 {
  const state = serviceState[service];
  if (state == STATE_DISABLED) {
    return sayService(fail(E_SERVICE_DISABLED).text("service "), service).text(" is disabled; enable it before restarting").code();
  }
  if (state == STATE_STOPPED || (state == STATE_FAILED && serviceLive[service] == 0)) return requestStart(service);
  const acyclic = graphValidate();
  if (acyclic < 0) return acyclic;
  stopRequiringDependents(service, CAUSE_RESTART, true);
  stopOne(service, CAUSE_RESTART, true);
  return OK;
}

/** Starts every enabled service; returns how many were asked to start. */
export function requestStartAll(): i32 {
  const acyclic = graphValidate();
  if (acyclic < 0) return acyclic;
  let started = 0;
  for (let id = 0; id < SERVICES_MAX; id++) {
    if (!serviceUsed[id] || serviceState[id] == STATE_DISABLED) continue;
    startOne(id, CAUSE_COMMAND);
    started++;
  }
  return started;
}

/** Stops every active service, dependents first; returns how many were asked to stop. */
export function requestStopAll(): i32 {
  let stopped = 0;
  for (let id = 0; id < SERVICES_MAX; id++) {
    if (!serviceUsed[id]) continue;
    const state = serviceState[id];
    if (state == STATE_STOPPED || state == STATE_DISABLED || (state == STATE_FAILED && serviceLive[id] == 0)) continue;
    stopOne(id, CAUSE_COMMAND, false);
    stopped++;
  }
  return stopped;
}

export function requestEnable(service: i32): i32 {
  if (serviceState[service] == STATE_DISABLED) transitionService(service, STATE_STOPPED, CAUSE_COMMAND);
  return OK;
}

export function requestDisable(service: i32): i32 {
  if (serviceState[service] == STATE_DISABLED) return OK;
  const atRest = checkAtRest(service, "disabling it");
  if (atRest < 0) return atRest;
  serviceWantUp[service] = false;
  transitionService(service, STATE_DISABLED, CAUSE_COMMAND);
  return OK;
}

/**
 * An instance went down on its own (`fault`: a FAULT_* pattern, FAULT_NONE for a clean exit;
 * `cause` and `evidence` go into the fault record). The recovery layer decides first (through
 * hooks.ts; recovery/supervisor.ts); without a restart policy a failure fails the service, and a clean
 * exit of its last instance stops it; either way the services that require it are stopped.
 */
export function onInstanceDown(service: i32, slot: i32, fault: u8, cause: u8, evidence: i32): void {
  const state = serviceState[service];
  if (state != STATE_STARTING && state != STATE_RUNNING) return; // already on its way down
  if (slot >= 0 && (isLeaving(slot) || isOnTrial(slot))) return; // retired (resize.ts), or a rollout judges it
  if (recoveryTakesCharge(service, slot, fault, cause, evidence)) return;
  if (fault != FAULT_NONE) {
    serviceWantUp[service] = false;
    servicePhase[service] = PHASE_WAITING;
    serviceStopCause[service] = CAUSE_INSTANCE_FAILED;
    transitionService(service, STATE_FAILED, CAUSE_INSTANCE_FAILED);
    stopRequiringDependents(service, CAUSE_DEPENDENCY_FAILED, false);
  } else if (serviceLive[service] == 0) {
    serviceWantUp[service] = false;
    transitionService(service, STATE_STOPPED, CAUSE_INSTANCE_EXITED);
    stopRequiringDependents(service, CAUSE_DEPENDENCY_STOPPED, false);
  }
}
