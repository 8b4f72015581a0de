// Group strategies (OTP supervisor restart strategies) over the services tied by `requires`:
// the group of a service is every service reachable from it along `requires` edges, either way.
//   one_for_one   the service restarts; only what requires it (transitively) follows, because
//                 nothing may run while a service it requires is down
//   rest_for_one  also every group member after it in start order (wave, then id)
//   one_for_all   every member of the group
// Followers are stopped now (dependents first, as any stop) and held; when the service's delay
// ends, it and its followers start together in start order (groupRelease), so the restart
// runs in the order a cold start would (OTP: terminate in reverse start order, start in order).
import { SERVICES_MAX } from "../limits";
import { serviceState } from "../registry/services";
import { firstDependency, firstDependent, edgeNextOut, edgeNextIn, edgeTo, edgeFrom, edgeKind, NO_EDGE, DEP_REQUIRES } from "../graph/edges";
import { walkFrom, walked, kindBit, TOWARD_DEPENDENTS, THROUGH_DISABLED } from "../graph/walk";
import { graphValidate, orderIds, orderLength, orderWave } from "../graph/order";
import { STATE_STARTING, STATE_RUNNING, STATE_STOPPING, STATE_BACKOFF } from "../registry/states";
import { CAUSE_DEPENDENCY_FAILED, CAUSE_RESTART, CAUSE_RECOVERY } from "../lifecycle/causes";
import { transitionService, serviceWantUp, servicePhase, PHASE_WAITING } from "../lifecycle/transitions";
import { stopOne, startOne } from "../lifecycle/jobs";
import { GROUP_ONE_FOR_ONE, GROUP_REST_FOR_ONE } from "./policy";
import { WITH_FULL_RECOVERY } from "../features";
import { fillAll } from "../util/fill";

/** heldBy[m] = root + 1 while m waits to start with root's restart; 0 otherwise. */
const heldBy = new StaticArray<u16>(SERVICES_MAX);
/** Services held right now: while none are (nearly always), dropping a root's holds scans nothing. */
let heldCount: i32 = 0;

function setHeld(member: i32, by: i32): void {
  heldCount += <i32>(by != 0) - <i32>(heldBy[member] != 0);
  heldBy[member] = <u16>by;
}
const members = new StaticArray<u16>(SERVICES_MAX);
const seenEpoch = new StaticArray<u32>(SERVICES_MAX);
let epoch: u32 = 0;

/** The service's `requires` group, the service first; returns the count in `members`. */
function collectGroup(service: i32): i32 {
  if (++epoch == 0) { fillAll(seenEpoch, 0); epoch = 1; }
  let count = 0;
  members[count++] = <u16>service;
  seenEpoch[service] = epoch;
  for (let i = 0; i < count; i++) {
    const at = <i32>members[i];
    for (let e = firstDependency[at]; e != NO_EDGE; e = edgeNextOut[e]) {
      const next = <i32>edgeTo[e];
      if (edgeKind[e] == DEP_REQUIRES && seenEpoch[next] != epoch) { seenEpoch[next] = epoch; members[count++] = <u16>next; }
    }
    for (let e = firstDependent[at]; e != NO_EDGE; e = edgeNextIn[e]) {
      const next = <i32>edgeFrom[e];
      if (edgeKind[e] == DEP_REQUIRES && seenEpoch[next] != epoch) { seenEpoch[next] = epoch; members[count++] = <u16>next; }
    }
  }
  return count;
}

/** Stops an active member and holds it for `root`'s restart. */
function hold(member: i32, root: i32, cause: u8): void {
  const state = serviceState[member];
  const active = state == STATE_STARTING || state == STATE_RUNNING || state == STATE_BACKOFF
    || (state == STATE_STOPPING && serviceWantUp[member]);
  if (!active) return;
  if (heldCount > 0) for (let m = 0; m < SERVICES_MAX; m++) if (<i32>heldBy[m] == member + 1) setHeld(m, root + 1); // its own followers
  stopOne(member, cause, false);
  setHeld(member, root + 1);
}

@inline function startsAfter(a: i32, b: i32): bool {
  return orderWave[a] > orderWave[b] || (orderWave[a] == orderWave[b] && a > b);
}

/** `root` goes down for a restart: its followers under `group` go down with it. */
export function groupFollow(root: i32, group: u8): void {
  const dependents = walkFrom(root, TOWARD_DEPENDENTS, kindBit(DEP_REQUIRES), THROUGH_DISABLED);
  for (let i = 1; i < dependents; i++) hold(<i32>walked[i], root, CAUSE_DEPENDENCY_FAILED);
  if (!WITH_FULL_RECOVERY || group == GROUP_ONE_FOR_ONE || graphValidate() < 0) return;
  const count = collectGroup(root);
  for (let i = count - 1; i >= 1; i--) {
    const member = <i32>members[i];
    if (group == GROUP_REST_FOR_ONE && !startsAfter(member, root)) continue;
    hold(member, root, CAUSE_RESTART);
  }
}

/** The root itself leaves its delay (in start order among its followers). */
function leaveDelay(service: i32): void {
  serviceWantUp[service] = true;
  servicePhase[service] = PHASE_WAITING;
  transitionService(service, STATE_STARTING, CAUSE_RECOVERY);
}

/** `root`'s delay ended: it and the members it holds start, in start order. */
export function groupRelease(root: i32): void {
  const ordered = graphValidate() >= 0;
  const count = ordered ? orderLength() : SERVICES_MAX;
  for (let i = 0; i < count; i++) {
    const member = ordered ? <i32>orderIds[i] : i;
    if (member == root) leaveDelay(root);
    else if (<i32>heldBy[member] == root + 1) { setHeld(member, 0); startOne(member, CAUSE_RESTART); }
  }
}

/** `root` will not restart (stopped by an operator): what it held stays down, no longer held. */
export function groupDrop(root: i32): void {
  if (heldCount == 0) return;
  for (let m = 0; m < SERVICES_MAX; m++) if (<i32>heldBy[m] == root + 1) setHeld(m, 0);
}

/** A service id was (re)registered or removed: it neither holds nor is held. */
export function groupForget(service: i32): void {
  setHeld(service, 0);
  groupDrop(service);
}

export function groupsReset(): void {
  fillAll(heldBy, 0);
  heldCount = 0;
}
