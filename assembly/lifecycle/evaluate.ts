// One step of a service toward its goal, taken whenever something it depends on changed.
//   starting/waiting : dependencies ready?  -> spawn instances (acting); a required one gone -> stopped
//   starting/acting  : all instances up?     -> running
//   stopping/waiting : dependents stopped?   -> stop instances (acting)
//   stopping/acting  : all instances down?   -> stopped (and start again if the goal is up)
//   failed           : stop what still runs of it
import { serviceState, serviceInstanceCount, isService, instanceSlotOf } from "../registry/services";
import { instanceState } from "../registry/instances";
import { firstDependency, firstDependent, edgeNextOut, edgeNextIn, edgeTo, edgeFrom, edgeKind, NO_EDGE, DEP_REQUIRES } from "../graph/edges";
import { outboxHasRoom, outboxNoteDeferred, ACTION_SPAWN, ACTION_STOP } from "../log/outbox";
import { eventLog, EVENT_ACTION_DEFERRED } from "../log/events";
import {
  STATE_STOPPED, STATE_STARTING, STATE_RUNNING, STATE_STOPPING, STATE_FAILED, STATE_BACKOFF,
} from "../registry/states";
import { CAUSE_DEPENDENCY_FAILED, CAUSE_PROGRESS, CAUSE_RESTART } from "./causes";
import {
  transitionService, serviceWantUp, servicePhase, serviceLive, serviceUp, serviceStopCause,
  PHASE_WAITING, PHASE_ACTING,
} from "./transitions";
import { spawnInstance, stopInstance } from "./instances";
import { markDeferred } from "./dirty";
import { edgeCondition } from "../graph/edges";
import { serviceHealthy, serviceRecovering, serviceHeld } from "./inputs";
import { WITH_RESOURCES } from "../features";
import { onServiceAtRest } from "../hooks";
import { WITH_ROLLOUT } from "../features";
import { spawnJoining, resizeSettle, resizeForgetJoining } from "./resize";
import { serviceTarget, isLeaving } from "./leaving";

const READY: i32 = 0;
const WAIT: i32 = 1;
const ABORT: i32 = 2;

function dependenciesVerdict(service: i32): i32 {
  for (let e = firstDependency[service]; e != NO_EDGE; e = edgeNextOut[e]) {
    const dependency = <i32>edgeTo[e];
    const state = serviceState[dependency];
    if (state == STATE_RUNNING) {
      if (edgeCondition[e] != 0 && !serviceHealthy[dependency]) return WAIT; // compose `service_healthy`
      continue;
    }
    if (state == STATE_STARTING || state == STATE_BACKOFF) return WAIT;
    if (state == STATE_FAILED && serviceRecovering[dependency]) return WAIT; // on its way to a restart
    if (state == STATE_STOPPING && serviceWantUp[dependency]) return WAIT; // restarting
    if (edgeKind[e] == DEP_REQUIRES) return ABORT; // stopped, failed, disabled, or going down for good
  }
  return READY;
}

/** A dependent still shutting down keeps this service up: stop runs in reverse order. */
function dependentsWindingDown(service: i32): bool {
  for (let e = firstDependent[service]; e != NO_EDGE; e = edgeNextIn[e]) {
    const dependent = <i32>edgeFrom[e];
    const state = serviceState[dependent];
    if (state == STATE_STOPPING || (state == STATE_FAILED && serviceLive[dependent] > 0)) return true;
  }
  return false;
}

function defer(service: i32, action: u8): void {
  outboxNoteDeferred();
  eventLog(EVENT_ACTION_DEFERRED, service, -1, serviceState[service], serviceState[service], 0, action);
  markDeferred(service);
}

/** Stops every starting or running instance; false when the outbox had no room (deferred). */
function stopLiveInstances(service: i32, cause: u8): bool {
  const count = <i32>serviceInstanceCount[service];
  let toStop = 0;
  for (let k = 0; k < count; k++) {
    const state = instanceState[instanceSlotOf(service, k)];
    if (state == STATE_STARTING || state == STATE_RUNNING) toStop++;
  }
  if (!outboxHasRoom(toStop)) { defer(service, ACTION_STOP); return false; }
  for (let k = 0; k < count; k++) {
    const state = instanceState[instanceSlotOf(service, k)];
    if (state == STATE_STARTING || state == STATE_RUNNING) stopInstance(service, k, cause);
  }
  return true;
}

/** Instances up that stay (a resize in progress retires the others). */
function upStaying(service: i32): i32 {
  if (!WITH_ROLLOUT) return <i32>serviceUp[service];
  const target = serviceTarget(service);
  let up = 0;
  for (let k = 0; k < target; k++) {
    const slot = instanceSlotOf(service, k);
    if (instanceState[slot] == STATE_RUNNING && !isLeaving(slot)) up++;
  }
  return up;
}

function stepStarting(service: i32): void {
  const count = <i32>serviceInstanceCount[service];
  if (servicePhase[service] == PHASE_ACTING) {
    spawnJoining(service);
    if (upStaying(service) == serviceTarget(service)) transitionService(service, STATE_RUNNING, CAUSE_PROGRESS);
    return;
  }
  const verdict = dependenciesVerdict(service);
  if (verdict == WAIT || serviceLive[service] > 0) return; // the previous run is still winding down
  if (verdict == ABORT) {
    serviceWantUp[service] = false;
    transitionService(service, STATE_STOPPED, CAUSE_DEPENDENCY_FAILED);
    return;
  }
  if (WITH_RESOURCES && unchecked(serviceHeld[service])) return; // waiting for capacity (resources/admission.ts)
  if (!outboxHasRoom(count)) { defer(service, ACTION_SPAWN); return; }
  servicePhase[service] = PHASE_ACTING;
  resizeForgetJoining(service); // every instance starts now
  for (let k = 0; k < count; k++) spawnInstance(service, k);
  if (count == 0) transitionService(service, STATE_RUNNING, CAUSE_PROGRESS);
}

function stepStopping(service: i32): void {
  if (servicePhase[service] == PHASE_WAITING) {
    if (dependentsWindingDown(service)) return;
    if (!stopLiveInstances(service, serviceStopCause[service])) return;
    servicePhase[service] = PHASE_ACTING;
  }
  if (serviceLive[service] > 0) return;
  transitionService(service, STATE_STOPPED, serviceStopCause[service]);
  if (serviceWantUp[service]) {
    servicePhase[service] = PHASE_WAITING;
    transitionService(service, STATE_STARTING, CAUSE_RESTART);
  }
}

export function evaluate(service: i32): void {
  if (!isService(service)) return; // unregistered while queued
  resizeSettle(service); // leaving instances all down: their slots go first
  const state = serviceState[service];
  if (state == STATE_RUNNING) spawnJoining(service);
  else if (state == STATE_STARTING) stepStarting(service);
  else if (state == STATE_STOPPING) stepStopping(service);
  else if (state == STATE_FAILED) {
    if (servicePhase[service] == PHASE_WAITING) {
      if (!stopLiveInstances(service, serviceStopCause[service])) return;
      servicePhase[service] = PHASE_ACTING;
    }
    if (serviceLive[service] == 0) onServiceAtRest(service); // a restart waits out its delay in BACKOFF
  }
}
