// Changing the instance count of a service while it runs (FEATURE_ROLLOUT; the mcu profile
// keeps the old rule: stop it first), and retiring an instance: drain, then stop.
//
//   grow    new ordinals join at the end (the balancer gives them fresh records; consistent
//           hashing moves to them only the keys they now own) and are spawned by the service's
//           normal step (evaluate.ts: spawnJoining), in ordinal order, each needing outbox room
//           like any start (deferred otherwise)
//   shrink  the last ordinals leave: each is retired (below); once none of them is active any
//           more their slots are released and the count drops (resizeSettle), so the hash
//           moves only the keys the leaving instances owned
//   retire  the instance is marked leaving: the balancer stops picking it (hooks.ts
//           onInstanceLeaving; balance/members.ts sets FLAG_DRAINING); when its last request in
//           flight finishes (balance calls instanceDrained) or its drain deadline passes, it is
//           stopped gracefully like any stop. A starting instance (it never served) stops now.
//           A leaving instance that exits is not recovered (jobs.ts onInstanceDown).
// The rollout layer retires old-revision instances the same way and spawns them again.
import { OK, E_RESIZE_PENDING } from "../errors";
import { WITH_ROLLOUT } from "../features";
import { clockNow } from "../clock";
import { serviceState, serviceInstanceCount, instanceSlotOf, serviceResize, sayService } from "../registry/services";
import { instanceState, instanceService } from "../registry/instances";
import { STATE_STARTING, STATE_RUNNING, isActive } from "../registry/states";
import { outboxHasRoom, outboxNoteDeferred, ACTION_SPAWN, ACTION_STOP } from "../log/outbox";
import { eventLog, EVENT_ACTION_DEFERRED, EVENT_INSTANCES_SET } from "../log/events";
import { timerArmBy, timerCancel, timerOfDrain, timerOfRestart } from "../timers/heap";
import { fail } from "../util/detail";
import { servicePhase, serviceLive, PHASE_ACTING, PHASE_WAITING } from "./transitions";
import { spawnInstance, stopInstance } from "./instances";
import { markDeferred, markDirty } from "./dirty";
import { CAUSE_SCALE } from "./causes";
import { onInstanceLeaving } from "../hooks";
import { resize, serviceTarget } from "./leaving";

/** Running, or starting past its dependencies: instances are live, so a count change acts on them. */
export function isServing(service: i32): bool {
  const state = serviceState[service];
  return state == STATE_RUNNING || (state == STATE_STARTING && servicePhase[service] == PHASE_ACTING);
}

/** Starting and still waiting for its dependencies, nothing spawned: the count changes at once. */
export function waitingToStart(service: i32): bool {
  return WITH_ROLLOUT && serviceState[service] == STATE_STARTING && servicePhase[service] == PHASE_WAITING
    && serviceLive[service] == 0;
}

/** Changes the count of a serving service (the caller checked isServing and the range of `count`). */
export function resizeServing(service: i32, count: i32): i32 {
  const current = <i32>serviceInstanceCount[service];
  if (count == current && resize.serviceLeaving[service] == 0) return OK;
  if (resize.serviceLeaving[service] > 0) {
    return sayService(fail(E_RESIZE_PENDING).text("service "), service).text(" is still draining ")
      .int(<i32>resize.serviceLeaving[service]).text(" instances of its last resize; retry once they stopped").code();
  }
  if (count > current) {
    const grown = serviceResize(service, count); // validates the slots free; the balancer adds the ordinals
    if (grown < 0) return grown;
    eventLog(EVENT_INSTANCES_SET, service, -1, <u8>current, <u8>count, CAUSE_SCALE, count);
    resize.serviceJoining[service] = <u8>(<i32>resize.serviceJoining[service] + count - current);
    markDirty(service);
    return OK;
  }
  eventLog(EVENT_INSTANCES_SET, service, -1, <u8>current, <u8>count, CAUSE_SCALE, count);
  const joining = <i32>resize.serviceJoining[service];
  resize.serviceJoining[service] = <u8>max(0, joining - (current - count)); // joiners not spawned yet just go
  resize.serviceLeaving[service] = <u8>(current - count);
  for (let ordinal = count; ordinal < current; ordinal++) instanceRetire(instanceSlotOf(service, ordinal), CAUSE_SCALE);
  markDirty(service);
  return OK;
}

/** evaluate.ts, for a serving service: spawns the ordinals that joined, in order, while the outbox has room. */
export function spawnJoining(service: i32): void {
  if (!WITH_ROLLOUT) return;
  let joining = <i32>resize.serviceJoining[service];
  if (joining == 0) return;
  const end = serviceTarget(service);
  let ordinal = end - joining;
  while (joining > 0) {
    if (!outboxHasRoom(1)) {
      outboxNoteDeferred();
      eventLog(EVENT_ACTION_DEFERRED, service, -1, serviceState[service], serviceState[service], 0, ACTION_SPAWN);
      markDeferred(service);
      break;
    }
    spawnInstance(service, ordinal++, CAUSE_SCALE);
    joining--;
  }
  resize.serviceJoining[service] = <u8>joining;
}

/** Marks the instance leaving: no new requests; stopped once drained (or now, when starting). */
export function instanceRetire(slot: i32, cause: u8): void {
  if (!WITH_ROLLOUT) return;
  const service = <i32>instanceService[slot];
  timerCancel(timerOfRestart(slot)); // a pending instance restart is not wanted any more
  resize.instanceLeaving[slot] = cause;
  const state = instanceState[slot];
  if (state == STATE_STARTING) { stopLeaving(slot, cause); return; }
  if (state != STATE_RUNNING) return;
  const until = clockNow() + <i64>resize.serviceDrainMs[service];
  resize.instanceDrainUntilMs[slot] = until;
  timerArmBy(timerOfDrain(service), until);
  onInstanceLeaving(slot); // the balancer stops picking it, and says when it is idle
}

/** The balancer: a leaving instance has no request in flight any more. */
export function instanceDrained(slot: i32): void {
  if (!WITH_ROLLOUT || resize.instanceLeaving[slot] == 0 || instanceState[slot] != STATE_RUNNING) return;
  if (!stopLeaving(slot, resize.instanceLeaving[slot])) timerArmBy(timerOfDrain(<i32>instanceService[slot]), clockNow() + 1);
}

/** Stops a leaving instance now; false when the outbox had no room (deferred, logged). */
function stopLeaving(slot: i32, cause: u8): bool {
  const service = <i32>instanceService[slot];
  if (!outboxHasRoom(1)) {
    outboxNoteDeferred();
    eventLog(EVENT_ACTION_DEFERRED, service, -1, instanceState[slot], instanceState[slot], 0, ACTION_STOP);
    return false;
  }
  stopInstance(service, ordinalOf(service, slot), cause);
  return true;
}

function ordinalOf(service: i32, slot: i32): i32 {
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = 0; ordinal < count; ordinal++) if (instanceSlotOf(service, ordinal) == slot) return ordinal;
  assert(false, "the slot is not an instance of its service");
  return 0;
}

/** The service's drain timer (loop.ts): stops every leaving instance whose drain time is up. */
export function drainDue(service: i32): void {
  if (!WITH_ROLLOUT) return;
  const now = clockNow();
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const slot = instanceSlotOf(service, ordinal);
    if (resize.instanceLeaving[slot] == 0 || instanceState[slot] != STATE_RUNNING) continue;
    const until = resize.instanceDrainUntilMs[slot];
    if (until > now) { timerArmBy(timerOfDrain(service), until); continue; }
    if (!stopLeaving(slot, resize.instanceLeaving[slot])) timerArmBy(timerOfDrain(service), now + 1);
  }
}

/**
 * evaluate.ts, after every step: once no leaving ordinal at the end is active, their slots are
 * released and the count drops to the target (the balancer and the hash follow the registry).
 */
export function resizeSettle(service: i32): void {
  if (!WITH_ROLLOUT) return;
  const leaving = <i32>resize.serviceLeaving[service];
  if (leaving == 0) return;
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = count - leaving; ordinal < count; ordinal++) {
    if (isActive(instanceState[instanceSlotOf(service, ordinal)])) return;
  }
  for (let ordinal = count - leaving; ordinal < count; ordinal++) {
    const slot = instanceSlotOf(service, ordinal);
    timerCancel(timerOfRestart(slot));
    resize.instanceLeaving[slot] = 0;
    resize.instanceOnTrial[slot] = false;
  }
  resize.serviceLeaving[service] = 0;
  serviceResize(service, count - leaving);
  eventLog(EVENT_INSTANCES_SET, service, -1, <u8>count, <u8>(count - leaving), CAUSE_SCALE, -1);
  markDirty(service);
}

/** Joiners wait for a serving service; a service that stops or fails starts them with the rest next time. */
export function resizeForgetJoining(service: i32): void {
  if (WITH_ROLLOUT) resize.serviceJoining[service] = 0;
}
