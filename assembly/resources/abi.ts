// One node's resources as the ABI offers them (FEATURE_RESOURCES; not in the mcu and tiny
// profiles, whose exports answer E_RESOURCES_ABSENT and hold none of the layer).
import { OK, E_INVALID_RESOURCE, E_INVALID_ARGUMENT, E_RESOURCES_ABSENT } from "../errors";
import { fail } from "../util/detail";
import { ioPtr } from "../io";
import { clockRefresh } from "../clock";
import { WITH_RESOURCES } from "../features";
import { checkService } from "../registry/services";
import { recordLengthValid } from "../util/record";
import { RESOURCES } from "./vector";
import { node } from "./tables";
import { resourcesResolve, resourcesValid, resourcesApplyRecord, resourcesReadRecord, RESOURCES_RECORD_BYTES } from "./record";
import { admitQueued, admissionState, admissionPosition, admissionQueued } from "./admission";
import { unitDeclare, unitField } from "./units";
import { usageSample, usageActions } from "./usage";
import { reservationReserve, reservationCommit, reservationRelease } from "./reservations";
import { scaleReport as scaleDecide } from "./scale";

function absent(): i32 { return E_RESOURCES_ABSENT; }

function capacityNow(resource: i32, amount: i64): i32 {
  if (resource < 0 || resource >= RESOURCES) {
    return fail(E_INVALID_RESOURCE).text("node capacity: resource ").int(resource).text(" is outside 0..").int(RESOURCES - 1).code();
  }
  if (amount < 0 || amount > <i64>u32.MAX_VALUE) {
    return fail(E_INVALID_ARGUMENT).text("node capacity: ").int(amount).text(" is outside 0..").int(u32.MAX_VALUE).code();
  }
  node.capacity[resource] = <u32>amount;
  admitQueued();
  return OK;
}

/** Sets this node's capacity of a resource (resources/vector.ts order; 0: not counted). Queued starts that now fit are admitted. */
export function resourceCapacity(resource: i32, amount: i64): i32 {
  if (WITH_RESOURCES) { clockRefresh(); return capacityNow(resource, amount); }
  return absent();
}

function nodeNow(resource: i32, which: i32): i64 {
  if (resource < 0 || resource >= RESOURCES) return fail(E_INVALID_RESOURCE).text("node: resource ").int(resource).text(" is outside 0..").int(RESOURCES - 1).code();
  const capacity = <i64>node.capacity[resource];
  const held = <i64>node.held[resource];
  if (which == 0) return capacity;
  if (which == 1) return held;
  if (which == 2) return capacity > held ? capacity - held : 0;
  return fail(E_INVALID_ARGUMENT).text("node: field ").int(which).text(" is not capacity (0), held (1) or free (2)").code();
}

/** This node's capacity (which 0), what is held (1) or free (2) of a resource. */
export function resourceNode(resource: i32, which: i32): i64 {
  if (WITH_RESOURCES) return nodeNow(resource, which);
  return <i64>absent();
}

/** Declares unit `name` (I/O buffer): how many the node has, exclusive (1: one holder). Returns its id. */
export function resourceUnit(nameLength: i32, capacity: i32, exclusive: i32): i32 {
  if (WITH_RESOURCES) return unitDeclare(ioPtr(), nameLength, capacity, exclusive != 0);
  return absent();
}

/** A unit's field: 0 capacity, 1 held, 2 exclusive, 3 the service holding it exclusively (-1 none). */
export function resourceUnitField(unit: i32, which: i32): i32 {
  if (WITH_RESOURCES) return unitField(unit, which);
  return absent();
}

function applyNow(service: i32, length: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  const size = recordLengthValid("resources", length, RESOURCES_RECORD_BYTES);
  if (size < 0) return size;
  const scratch = changetype<usize>(node.scratch);
  resourcesResolve(ioPtr(), scratch);
  const bad = resourcesValid(service, scratch);
  if (bad < 0) return bad;
  resourcesApplyRecord(service, scratch);
  return OK;
}

/** Applies the RESOURCES record in the I/O buffer (resources/record.ts; -1: the default). What a running service holds stays as reserved. */
export function resourceApply(service: i32, length: i32): i32 {
  if (WITH_RESOURCES) return applyNow(service, length);
  return absent();
}

function readNow(service: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  resourcesReadRecord(service, ioPtr());
  return RESOURCES_RECORD_BYTES;
}

/** Writes the service's effective RESOURCES record to the I/O buffer; returns its length. */
export function resourceRead(service: i32): i32 {
  if (WITH_RESOURCES) return readNow(service);
  return absent();
}

function stateNow(service: i32, which: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  if (which == 0) return admissionState(service);
  if (which == 1) return admissionPosition(service);
  return fail(E_INVALID_ARGUMENT).text("admission: field ").int(which).text(" is not state (0) or queue position (1)").code();
}

/** A service's admission: which 0 its state (0 none, 1 queued, 2 reserved, 3 committed), 1 its queue position (-1 not queued). */
export function resourceAdmission(service: i32, which: i32): i32 {
  if (WITH_RESOURCES) return stateNow(service, which);
  return absent();
}

/** Starts waiting in the admission queue. */
export function resourceQueued(): i32 {
  if (WITH_RESOURCES) return admissionQueued();
  return absent();
}

/** A usage sample of an instance: `value` of `resource` (vector.ts units). 1 when it took the service's over-limit action. */
export function usageReport(handle: i32, resource: i32, value: i64): i32 {
  if (WITH_RESOURCES) { clockRefresh(); return usageSample(handle, resource, value); }
  return absent();
}

/** Samples that took an over-limit action since init. */
export function usageActionsTaken(): i32 {
  if (WITH_RESOURCES) return <i32>usageActions();
  return absent();
}

/** Reserves `count` instances' requests of a service for `ttlMs` (expires uncommitted); returns the reservation id. */
export function resourceReserve(service: i32, count: i32, ttlMs: i32): i32 {
  if (!WITH_RESOURCES) return absent();
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  clockRefresh();
  return reservationReserve(service, count, ttlMs);
}

/** Commits a reservation: held until released. */
export function resourceCommit(reservation: i32): i32 {
  if (WITH_RESOURCES) return reservationCommit(reservation);
  return absent();
}

/** Releases a reservation; queued starts that now fit are admitted. */
export function resourceRelease(reservation: i32): i32 {
  if (WITH_RESOURCES) return reservationRelease(reservation);
  return absent();
}

/** The scaling metric of a service now (its `scale.metric`, per instance); returns the instance count it should have. */
export function scaleReport(service: i32, value: i32): i32 {
  if (!WITH_RESOURCES) return absent();
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  clockRefresh();
  return scaleDecide(service, value);
}
