// The only places where a service or an instance changes state. Each change is checked against
// the table of legal transitions (debug builds assert it), logged with its cause, wakes the
// services whose next step may depend on it, and is announced to the layers above through the
// hook table (hooks.ts; wiring.ts says who follows, in which order).
import { SERVICES_MAX } from "../limits";
import { serviceState, instanceSlotOf } from "../registry/services";
import { instanceState, instanceService, instanceHandle } from "../registry/instances";
import { firstDependency, firstDependent, edgeNextOut, edgeNextIn, edgeTo, edgeFrom, edgeKind, NO_EDGE, DEP_REQUIRES } from "../graph/edges";
import { eventLog, EVENT_SERVICE_STATE, EVENT_INSTANCE_STATE } from "../log/events";
import { isLegalTransition, isActive, STATE_RUNNING } from "../registry/states";
import { markDirty } from "./dirty";
import { statusChanged } from "../registry/generation";
import { onServiceTransition, onInstanceTransition } from "../hooks";
import { resizeClear } from "./leaving";

/** A service waits (for dependencies, or for dependents to stop) before it acts on instances. */
export const PHASE_WAITING: u8 = 0;
export const PHASE_ACTING: u8 = 1;

/** The goal: should the service be up once its current step completes. */
export const serviceWantUp = new StaticArray<bool>(SERVICES_MAX);
export const servicePhase = new StaticArray<u8>(SERVICES_MAX);
/** Instances starting, running or stopping. */
export const serviceLive = new StaticArray<u16>(SERVICES_MAX);
/** Instances running. */
export const serviceUp = new StaticArray<u16>(SERVICES_MAX);
/** The cause a pending stop will be logged with when it completes. */
export const serviceStopCause = new StaticArray<u8>(SERVICES_MAX);

/** Clears the lifecycle row of a service id just taken from the registry's pool (in range). */
export function lifecycleClear(service: i32): void {
  unchecked(serviceWantUp[service] = false);
  unchecked(servicePhase[service] = PHASE_WAITING);
  unchecked(serviceLive[service] = 0);
  unchecked(serviceUp[service] = 0);
  unchecked(serviceStopCause[service] = 0);
  resizeClear(service);
}

/** Wakes the service and its neighbours: their next step may hinge on its state. */
function wakeNeighbourhood(service: i32): void {
  markDirty(service);
  for (let e = firstDependent[service]; e != NO_EDGE; e = edgeNextIn[e]) markDirty(<i32>edgeFrom[e]);
  for (let e = firstDependency[service]; e != NO_EDGE; e = edgeNextOut[e]) markDirty(<i32>edgeTo[e]);
}

/** Debug invariant: a service only runs while everything it requires runs. */
function requiredDependenciesRunning(service: i32): bool {
  for (let e = firstDependency[service]; e != NO_EDGE; e = edgeNextOut[e]) {
    if (edgeKind[e] == DEP_REQUIRES && serviceState[<i32>edgeTo[e]] != STATE_RUNNING) return false;
  }
  return true;
}

export function transitionService(service: i32, to: u8, cause: u8, value: i32 = 0): void {
  const from = serviceState[service];
  assert(isLegalTransition(from, to), "illegal service transition");
  assert(to != STATE_RUNNING || requiredDependenciesRunning(service), "running while a required dependency is down");
  serviceState[service] = to;
  eventLog(EVENT_SERVICE_STATE, service, -1, from, to, cause, value);
  statusChanged();
  wakeNeighbourhood(service);
  onServiceTransition(service, from, to, cause);
}

export function transitionInstance(slot: i32, to: u8, cause: u8, value: i32 = 0): void {
  const from = instanceState[slot];
  assert(isLegalTransition(from, to), "illegal instance transition");
  const service = <i32>instanceService[slot];
  instanceState[slot] = to;
  serviceLive[service] += <u16>(<i32>isActive(to) - <i32>isActive(from));
  serviceUp[service] += <u16>(<i32>(to == STATE_RUNNING) - <i32>(from == STATE_RUNNING));
  eventLog(EVENT_INSTANCE_STATE, service, instanceHandle(slot), from, to, cause, value);
  onInstanceTransition(slot, from, to, cause);
  markDirty(service);
}

/** Counts the service's instances in `state`. */
export function countInstancesIn(service: i32, count: i32, state: u8): i32 {
  let n = 0;
  for (let k = 0; k < count; k++) if (instanceState[instanceSlotOf(service, k)] == state) n++;
  return n;
}
