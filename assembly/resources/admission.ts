// Admission on one node: a starting service reserves its requests (times its instances) and its
// units before it spawns anything. A start that does not fit either waits in the queue (the
// lifecycle holds it: lifecycle/inputs.ts serviceHeld) or, for an operator's start of a service
// whose `admission` is refuse, is refused with the resource, the need and what is free.
//
//   STARTING   fits and nothing queued orders before it -> RESERVED, else QUEUED
//   RUNNING    RESERVED -> COMMITTED (two-phase: reserve at start, commit when it runs)
//   STOPPED, DISABLED, BACKOFF, FAILED at rest -> released; the queue is then admitted in order
//
// The queue is strict: system services before user ones, then higher `priority`, then first
// come; a queued start never overtakes one ahead of it, so a large one cannot starve. It is a
// binary heap in fixed tables (queue.ts): joining, being admitted or leaving costs O(log n). An
// exclusive unit (`radio`) has one holder: a service holds it from admission until it is at
// rest, so two running services never hold it at once.
import { OK, E_RESOURCE_EXHAUSTED } from "../errors";
import { RESOURCE_UNITS_MAX } from "../limits";
import { fail, Detail } from "../util/detail";
import { serviceInstanceCount, sayService } from "../registry/services";
import { STATE_STARTING, STATE_RUNNING, STATE_STOPPED, STATE_DISABLED, STATE_BACKOFF } from "../registry/states";
import { serviceHeld } from "../lifecycle/inputs";
import { markDirty } from "../lifecycle/dirty";
import { RESOURCES, resourceName } from "./vector";
import { node, ADMIT_NONE, ADMIT_QUEUED, ADMIT_RESERVED, ADMIT_COMMITTED, ADMISSION_REFUSE } from "./tables";
import { queuePush, queueHead, queueRemove, queueRekey, queueAhead, queueAheadOf } from "./queue";
import { resourceEvent, RESOURCE_EVENT_QUEUED, RESOURCE_EVENT_ADMITTED, RESOURCE_EVENT_REFUSED, UNIT_BASE } from "./events";

/** What blocked the last fit test: a resource index, UNIT_BASE + unit, or -1 (it fits). */
let blocking: i32 = -1;

@inline function need(service: i32, r: i32, count: i32): u64 {
  return <u64>node.request[service * RESOURCES + r] * <u64>count;
}

@inline function free(r: i32): u64 {
  const capacity = <u64>node.capacity[r];
  return node.held[r] >= capacity ? 0 : capacity - node.held[r];
}

/** Whether `count` instances' requests and the units fit what is free; sets `blocking`. */
export function fits(service: i32, count: i32, units: u16): bool {
  for (let r = 0; r < RESOURCES; r++) {
    if (node.capacity[r] == 0) continue; // a dimension the node does not count
    if (need(service, r, count) > free(r)) { blocking = r; return false; }
  }
  for (let u = 0; u < RESOURCE_UNITS_MAX; u++) {
    if ((<i32>units & (1 << u)) == 0) continue;
    if (node.unitHeld[u] >= node.unitCapacity[u]) { blocking = UNIT_BASE + u; return false; }
  }
  blocking = -1;
  return true;
}

/** Holds `count` instances' requests and the service's units. */
function take(service: i32, count: i32): void {
  for (let r = 0; r < RESOURCES; r++) {
    const amount = need(service, r, count);
    node.holds[service * RESOURCES + r] = <u32>min<u64>(amount, u32.MAX_VALUE);
    node.held[r] += amount;
  }
  const units = node.units[service];
  node.holdsUnits[service] = units;
  for (let u = 0; u < RESOURCE_UNITS_MAX; u++) {
    if ((<i32>units & (1 << u)) == 0) continue;
    node.unitHeld[u]++;
    if (node.unitExclusive[u]) node.unitHolder[u] = service;
  }
}

/** Gives back what the service holds (the amounts it took, whatever its record says now). */
function giveBack(service: i32): void {
  for (let r = 0; r < RESOURCES; r++) {
    const amount = <u64>node.holds[service * RESOURCES + r];
    node.held[r] = node.held[r] >= amount ? node.held[r] - amount : 0;
    node.holds[service * RESOURCES + r] = 0;
  }
  const units = node.holdsUnits[service];
  for (let u = 0; u < RESOURCE_UNITS_MAX; u++) {
    if ((<i32>units & (1 << u)) == 0) continue;
    if (node.unitHeld[u] > 0) node.unitHeld[u]--;
    if (node.unitHolder[u] == service) node.unitHolder[u] = -1;
  }
  node.holdsUnits[service] = 0;
}

/** A running resize (resources/scale.ts): what an admitted service holds becomes `count` instances'
 *  requests (the caller checked that the added ones fit); a shrink gives back at once. */
export function admissionResize(service: i32, count: i32): void {
  const state = node.admit[service];
  if (state != ADMIT_RESERVED && state != ADMIT_COMMITTED) return;
  for (let r = 0; r < RESOURCES; r++) {
    const before = <u64>node.holds[service * RESOURCES + r];
    const amount = need(service, r, count);
    node.held[r] = (node.held[r] >= before ? node.held[r] - before : 0) + amount;
    node.holds[service * RESOURCES + r] = <u32>min<u64>(amount, u32.MAX_VALUE);
  }
  if (count < <i32>serviceInstanceCount[service]) admitQueued();
}

function reserve(service: i32): void {
  take(service, <i32>serviceInstanceCount[service]);
  node.admit[service] = ADMIT_RESERVED;
}

function enqueue(service: i32): void {
  node.admit[service] = ADMIT_QUEUED;
  queuePush(service);
  serviceHeld[service] = true;
  resourceEvent(service, RESOURCE_EVENT_QUEUED, blocking, 0);
}

/** Admits queued services in order while the head fits; returns how many. */
export function admitQueued(): i32 {
  let admitted = 0;
  for (let head = queueHead(); head >= 0; head = queueHead()) {
    if (!fits(head, <i32>serviceInstanceCount[head], node.units[head])) break;
    queueRemove(head);
    reserve(head);
    serviceHeld[head] = false;
    markDirty(head);
    resourceEvent(head, RESOURCE_EVENT_ADMITTED, -1, node.queuedCount);
    admitted++;
  }
  return admitted;
}

/** Gives back what a service holds or leaves the queue, then admits what now fits. */
export function admissionRelease(service: i32): void {
  const state = node.admit[service];
  if (state == ADMIT_NONE) return;
  if (state == ADMIT_QUEUED) {
    queueRemove(service);
    serviceHeld[service] = false;
  } else {
    giveBack(service);
  }
  node.admit[service] = ADMIT_NONE;
  admitQueued();
}

/** lifecycle (through wiring.ts): every service transition. */
export function admissionOnTransition(service: i32, to: u8): void {
  const state = node.admit[service];
  if (to == STATE_STARTING) {
    if (state != ADMIT_NONE) return; // a restart keeps what it holds
    if (!queueAhead(service) && fits(service, <i32>serviceInstanceCount[service], node.units[service])) reserve(service);
    else enqueue(service);
  } else if (to == STATE_RUNNING) {
    if (state == ADMIT_RESERVED) node.admit[service] = ADMIT_COMMITTED;
  } else if (to == STATE_STOPPED || to == STATE_DISABLED || to == STATE_BACKOFF) {
    admissionRelease(service);
  }
}

/** Appends what blocked the last fit test: the resource, its need and what is free, or the unit. */
export function sayBlocking(out: Detail, service: i32, count: i32): Detail {
  if (blocking >= UNIT_BASE) {
    const unit = blocking - UNIT_BASE;
    out.text("unit '").raw(node.unitNames.namePtr(unit), node.unitNames.nameLength(unit)).text("'");
    const holder = node.unitHolder[unit];
    if (holder >= 0) return sayService(out.text(" is exclusive and held by "), holder);
    return out.text(": needs 1, free ").int(<i32>node.unitCapacity[unit] - <i32>node.unitHeld[unit]).text(" of ").int(node.unitCapacity[unit]);
  }
  return out.text(resourceName(blocking)).text(": needs ").int(<i64>need(service, blocking, count)).text(" (")
    .int(count).text(" x ").int(node.request[service * RESOURCES + blocking]).text("), free ").int(<i64>free(blocking))
    .text(" of ").int(node.capacity[blocking]);
}

/**
 * An operator's start of a service whose admission is refuse: OK when it holds already, fits and
 * no queued start orders before it; otherwise the refusal naming the resource, need and free.
 */
export function admissionCheckStart(service: i32): i32 {
  if (node.admit[service] != ADMIT_NONE || node.admission[service] != ADMISSION_REFUSE) return OK;
  const count = <i32>serviceInstanceCount[service];
  if (fits(service, count, node.units[service])) {
    if (!queueAhead(service)) return OK;
    resourceEvent(service, RESOURCE_EVENT_REFUSED, -1, node.queuedCount);
    return sayService(fail(E_RESOURCE_EXHAUSTED).text("service "), service).text(" is refused: ").int(node.queuedCount)
      .text(" queued start(s) come before it").code();
  }
  resourceEvent(service, RESOURCE_EVENT_REFUSED, blocking, blocking >= 0 && blocking < UNIT_BASE ? <i32>min<u64>(need(service, blocking, count), i32.MAX_VALUE) : 1);
  return sayBlocking(sayService(fail(E_RESOURCE_EXHAUSTED).text("service "), service).text(" does not fit: "), service, count).code();
}

/** A service's admission state (ADMIT_*). */
export function admissionState(service: i32): i32 { return node.admit[service]; }

/** Services waiting in the queue. */
export function admissionQueued(): i32 { return node.queuedCount; }

/** The service's place in the queue (0: next), or -1 when it is not queued. */
export function admissionPosition(service: i32): i32 {
  return node.admit[service] == ADMIT_QUEUED ? queueAheadOf(service) : -1;
}

/** A service's type or priority changed (manifest/apply.ts, record.ts): a queued one keeps its place among equals. */
export function admissionRekey(service: i32): void {
  if (node.admit[service] == ADMIT_QUEUED) queueRekey(service);
}

/** A service leaves (unregistered): it holds nothing, its row goes back to the defaults. */
export function admissionForget(service: i32): void {
  admissionRelease(service);
  node.serviceClear(service);
}
