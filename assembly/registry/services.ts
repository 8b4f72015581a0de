// The service table: one row per registered service, stored column by column (fixed arrays
// reserved at init). Registration validates everything that crosses in from the host.
import {
  SERVICES_MAX, NAME_INDEX_SLOTS, INSTANCES_PER_SERVICE_MAX,
} from "../limits";
import { START_TIMEOUT_MS_DEFAULT, STOP_TIMEOUT_MS_DEFAULT } from "../defaults";
import {
  OK, E_DUPLICATE_NAME, E_UNKNOWN_SERVICE, E_CAPACITY_SERVICES, E_CAPACITY_INSTANCES, E_INVALID_TYPE,
  E_INVALID_COUNT, E_CAPACITY_TAGS, E_DUPLICATE_TAG,
} from "../errors";
import { NameTable, validateName } from "./names";
import { instanceAllocate, instanceRelease, instancesFree } from "./instances";
import { tagAcquire, tagRelease, tagFind } from "./tags";
import { STATE_STOPPED } from "./states";
import { fail, Detail } from "../util/detail";
import { IdPool } from "../util/id-pool";
import { registryChanged } from "./generation";
import { onInstanceCountChanged } from "../hooks";
import { fillAll } from "../util/fill";
import { WITH_SENTENCES } from "../features";

export const SERVICE_TYPE_SYSTEM: u8 = 0;
export const SERVICE_TYPE_USER: u8 = 1;

export const serviceNames = new NameTable(SERVICES_MAX, NAME_INDEX_SLOTS);
export const serviceUsed = new StaticArray<bool>(SERVICES_MAX);
export const serviceType = new StaticArray<u8>(SERVICES_MAX);
export const serviceState = new StaticArray<u8>(SERVICES_MAX);
export const serviceTags = new StaticArray<u64>(SERVICES_MAX);
export const serviceStartTimeoutMs = new StaticArray<i32>(SERVICES_MAX);
export const serviceStopTimeoutMs = new StaticArray<i32>(SERVICES_MAX);
/** Instance slots of each service, a row of INSTANCES_PER_SERVICE_MAX, the first `count` used. */
export const serviceInstanceSlots = new StaticArray<u16>(SERVICES_MAX * INSTANCES_PER_SERVICE_MAX);
export const serviceInstanceCount = new StaticArray<u8>(SERVICES_MAX);

const ids = new IdPool(SERVICES_MAX);
let registeredCount: i32 = 0;

@inline export function servicesRegistered(): i32 { return registeredCount; }

export function isService(id: i32): bool {
  return id >= 0 && id < SERVICES_MAX && unchecked(serviceUsed[id]);
}

/** OK when `id` names a registered service; otherwise the error (with detail). */
export function checkService(id: i32): i32 {
  if (isService(id)) return OK;
  return fail(E_UNKNOWN_SERVICE).text("service id ").int(id).text(" is not registered").code();
}

/**
 * A service that is not registered yet, named by the caller (the manifest's validation passes it
 * to the layers' checks, so their errors name the blob's service): see serviceSubject.
 */
export const SERVICE_SUBJECT: i32 = -2;
let subjectPtr: usize = 0;
let subjectLength: i32 = 0;

/** The name sayService(SERVICE_SUBJECT) prints (the bytes must outlive the check). */
export function serviceSubject(ptr: usize, len: i32): void { subjectPtr = ptr; subjectLength = len; }

/** Appends `'name'` of a service to an error detail. */
export function sayService(detail: Detail, id: i32): Detail {
  if (!WITH_SENTENCES) return detail; // without sentences (tiny) the name is not read: its loads would stay in every error path
  const subject = id == SERVICE_SUBJECT;
  return detail.text("'").raw(subject ? subjectPtr : serviceNames.namePtr(id), subject ? subjectLength : serviceNames.nameLength(id))
    .text("'");
}

export function instanceSlotOf(service: i32, ordinal: i32): i32 {
  return serviceInstanceSlots[service * INSTANCES_PER_SERVICE_MAX + ordinal];
}

export function serviceFind(ptr: usize, len: i32): i32 {
  const invalid = validateName(ptr, len, "service name");
  if (invalid < 0) return invalid;
  const id = serviceNames.find(ptr, len);
  if (id < 0) return fail(E_UNKNOWN_SERVICE).text("service '").raw(ptr, len).text("' is not registered").code();
  return id;
}

function checkInstanceCount(ptr: usize, len: i32, count: i32): i32 {
  if (count < 0 || count > INSTANCES_PER_SERVICE_MAX) {
    return fail(E_INVALID_COUNT).text("service '").raw(ptr, len).text("': instances ").int(count)
      .text(" is outside 0..").int(INSTANCES_PER_SERVICE_MAX).code();
  }
  if (count > instancesFree()) {
    return fail(E_CAPACITY_INSTANCES).text("service '").raw(ptr, len).text("': ").int(count)
      .text(" instances do not fit; ").int(instancesFree()).text(" instance slots are free").code();
  }
  return OK;
}

function duplicate(ptr: usize, len: i32): i32 {
  return fail(E_DUPLICATE_NAME).text("service '").raw(ptr, len).text("' is already registered").code();
}

/** Registers a service; returns its id or an error. Nothing changes on error. */
export function serviceRegister(ptr: usize, len: i32, type: i32, instances: i32): i32 {
  const invalid = validateName(ptr, len, "service name");
  if (invalid < 0) return invalid;
  if (type != SERVICE_TYPE_SYSTEM && type != SERVICE_TYPE_USER) {
    return fail(E_INVALID_TYPE).text("service '").raw(ptr, len).text("': type ").int(type)
      .text(" is not system (0) or user (1)").code();
  }
  const badCount = checkInstanceCount(ptr, len, instances);
  if (badCount < 0) return badCount;
  const id = ids.peek();
  if (id < 0) {
    if (serviceNames.find(ptr, len) >= 0) return duplicate(ptr, len);
    return fail(E_CAPACITY_SERVICES).text("service '").raw(ptr, len).text("' does not fit: all ")
      .int(SERVICES_MAX).text(" service slots are in use").code();
  }
  if (serviceNames.insertUnique(id, ptr, len) >= 0) return duplicate(ptr, len);
  ids.take();
  // `id` came from the pool, so it is in range: the row is written without bounds checks.
  unchecked(serviceUsed[id] = true);
  unchecked(serviceType[id] = <u8>type);
  unchecked(serviceState[id] = STATE_STOPPED);
  unchecked(serviceTags[id] = 0);
  unchecked(serviceStartTimeoutMs[id] = START_TIMEOUT_MS_DEFAULT);
  unchecked(serviceStopTimeoutMs[id] = STOP_TIMEOUT_MS_DEFAULT);
  unchecked(serviceInstanceCount[id] = 0);
  setInstanceCount(id, instances, true);
  registeredCount++;
  registryChanged();
  return id;
}

/** Grows or shrinks the service's instances to `count` (`fresh`: registered just now); the caller validated the count. */
function setInstanceCount(id: i32, count: i32, fresh: bool = false): void {
  const row = id * INSTANCES_PER_SERVICE_MAX;
  let current = <i32>serviceInstanceCount[id];
  while (current < count) serviceInstanceSlots[row + current++] = <u16>instanceAllocate(id);
  while (current > count) instanceRelease(<i32>serviceInstanceSlots[row + --current]);
  serviceInstanceCount[id] = <u8>count;
  onInstanceCountChanged(id, fresh);
}

/** Changes the instance count of a stopped service (the caller checked it is stopped). */
export function serviceResize(id: i32, count: i32): i32 {
  const current = <i32>serviceInstanceCount[id];
  const ptr = serviceNames.namePtr(id), len = serviceNames.nameLength(id);
  if (count < 0 || count > INSTANCES_PER_SERVICE_MAX) return checkInstanceCount(ptr, len, count);
  if (count > current) {
    const bad = checkInstanceCount(ptr, len, count - current);
    if (bad < 0) return bad;
  }
  setInstanceCount(id, count);
  registryChanged();
  return OK;
}

/** Frees the row; the caller checked the service is inactive and has no dependents. */
export function serviceRemove(id: i32): void {
  setInstanceCount(id, 0);
  let tags = serviceTags[id];
  while (tags != 0) {
    const tag = <i32>ctz(tags);
    tagRelease(tag);
    tags &= tags - 1;
  }
  serviceTags[id] = 0;
  serviceNames.remove(id);
  serviceUsed[id] = false;
  ids.give(id);
  registeredCount--;
  registryChanged();
}

export function serviceTagAdd(id: i32, ptr: usize, len: i32): i32 {
  const existing = tagFind(ptr, len);
  if (existing >= 0 && (serviceTags[id] & (<u64>1 << <u64>existing)) != 0) {
    return sayService(fail(E_DUPLICATE_TAG).text("service "), id).text(" already has tag '").raw(ptr, len).text("'").code();
  }
  const tag = tagAcquire(ptr, len);
  if (tag < 0) {
    if (tag == E_CAPACITY_TAGS) sayService(fail(E_CAPACITY_TAGS).text("service "), id).text(": tag '").raw(ptr, len)
      .text("' does not fit in the tag table");
    return tag;
  }
  serviceTags[id] |= <u64>1 << <u64>tag;
  registryChanged();
  return tag;
}

export function servicesReset(): void {
  serviceNames.clear();
  fillAll(serviceUsed, false);
  ids.reset();
  registeredCount = 0;
  registryChanged();
}

servicesReset();
