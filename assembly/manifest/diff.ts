// The diff between the running kernel and a validated blob, and the capacity check of applying
// it. Nothing here changes the kernel: it only fills scratch tables that apply.ts then follows.
//
//   per blob service:   oldId (its kernel id, -1: added), change bits (CHANGE_*)
//   per kernel service: kept (in the new blob), freeable (removed and can go now)
import { SERVICES_MAX, INSTANCES_MAX, EDGES_MAX, TAGS_MAX, OUTBOX_CAPACITY, HASH_TABLES_MAX } from "../limits";
import { OK, E_CAPACITY_SERVICES, E_CAPACITY_INSTANCES, E_CAPACITY_EDGES, E_CAPACITY_TAGS, E_OUTBOX_FULL } from "../errors";
import {
  serviceNames, serviceUsed, serviceInstanceCount, serviceTags, servicesRegistered, SERVICE_SUBJECT,
} from "../registry/services";
import { instancesFree } from "../registry/instances";
import { tagNames } from "../registry/tags";
import { edgeFind, edgeKind, edgeCondition, dependencyCount, firstDependent, edgeNextIn, edgeFrom, NO_EDGE } from "../graph/edges";
import { isAtRest } from "../lifecycle/jobs";
import { outboxCount } from "../log/outbox";
import { fail, detail } from "../util/detail";
import { serviceCheckCount, checksFree, checksFull } from "../health/checks";
import { strategyOf, STRATEGY_CONSISTENT_HASH } from "../balance/tables";
import { hashTablesTaken } from "../balance/config";
import { TAG_CONFIG, TAG_HEALTH, TAG_BALANCE, TAG_PLACEMENT, RECORD_HEADER_BYTES } from "./format";
import { WITH_PLACEMENT, WITH_CONFIG_KEYS, WITH_MANIFEST_RELOAD, WITH_ALL_STRATEGIES } from "../features";
import {
  blobServiceCount, blobServiceAt, blobServiceEnd, blobInstances, blobNames, depFrom, depTo, depKind, depCondition,
  depCount, blobTags, blobTagCount, at, blobSubject,
} from "./blob-tables";
import { nextRecord, findRecord, findConfig } from "./reader";
import { healthRoom } from "./sections/health";
import { balanceHashes } from "./sections/balance";
import { parseConfig, cfgValueAt, cfgFlags, FLAG_HOT } from "../config/schema";
import { sectionStart, sectionEnd } from "../config/store";
import { fillAll } from "../util/fill";

export const CHANGE_ADDED: u8 = 1;
/** Something only a restart applies: instances, dependencies, a cold config key. */
export const CHANGE_COLD: u8 = 2;
export const CHANGE_DEPENDENCIES: u8 = 4;
export const CHANGE_INSTANCES: u8 = 8;
/** A layer section (HEALTH, RECOVERY, BALANCE) was added, removed or changed: it is applied anew
 *  (hot: the layers take it on a running service; sections/ says how each does). */
export const CHANGE_HEALTH: u8 = 16;
export const CHANGE_RECOVERY: u8 = 32;
export const CHANGE_BALANCE: u8 = 64;
/** The PLACEMENT section (0x84) was added, removed or changed (applied anew: sections/placement.ts). */
export const CHANGE_PLACEMENT: u8 = 128;

export const blobOldId = new StaticArray<i32>(SERVICES_MAX);
/** Blob service i's kernel id before this load (blobOldId), -1 when it is added: always without reload (tiny), into an empty kernel. */
@inline export function oldIdOf(i: i32): i32 { return WITH_MANIFEST_RELOAD ? blobOldId[i] : -1; }
export const blobChange = new StaticArray<u8>(SERVICES_MAX);
export const kept = new StaticArray<bool>(SERVICES_MAX);
export const freeable = new StaticArray<bool>(SERVICES_MAX);
export let hotChanges: i32 = 0;

export const CONFIG_SAME: i32 = 0;
export const CONFIG_HOT: i32 = 1;
const CONFIG_COLD: i32 = 2;

/** Compares two CONFIG records: same, a hot value change, or a cold change. */
export function compareConfig(oldPtr: usize, oldOffset: i32, newPtr: usize, newOffset: i32): i32 {
  const oldLength = <i32>load<u16>(oldPtr + <usize>(oldOffset + 1));
  const newLength = <i32>load<u16>(newPtr + <usize>(newOffset + 1));
  const a = oldPtr + <usize>(oldOffset + RECORD_HEADER_BYTES);
  const b = newPtr + <usize>(newOffset + RECORD_HEADER_BYTES);
  if (oldLength == newLength && memory.compare(a, b, <usize>oldLength) == 0) return CONFIG_SAME;
  parseConfig(a, oldLength);
  const oldSchemaEnd = cfgValueAt;
  const oldHot = (cfgFlags & FLAG_HOT) != 0;
  parseConfig(b, newLength);
  if (oldSchemaEnd != cfgValueAt || !oldHot || (cfgFlags & FLAG_HOT) == 0) return CONFIG_COLD;
  return memory.compare(a, b, <usize>cfgValueAt) == 0 ? CONFIG_HOT : CONFIG_COLD;
}

/** Compares a kept service's config: counts hot changes, returns true on any cold one. */
function configDiff(id: i32, oldPtr: usize, newPtr: usize, index: i32): bool {
  let matched = 0;
  let cold = false;
  for (let offset = blobServiceAt[index]; offset < blobServiceEnd[index]; offset = nextRecord(newPtr, offset)) {
    if (load<u8>(newPtr + <usize>offset) != TAG_CONFIG) continue;
    const keyLength = <i32>load<u8>(newPtr + <usize>(offset + 5));
    const old = sectionStart[id] < 0 || oldPtr == 0 ? -1
      : findConfig(oldPtr, sectionStart[id], sectionEnd[id], newPtr + <usize>(offset + 6), keyLength);
    if (old < 0) { cold = true; continue; }
    matched++;
    const verdict = compareConfig(oldPtr, old, newPtr, offset);
    if (verdict == CONFIG_HOT) hotChanges++;
    else if (verdict == CONFIG_COLD) cold = true;
  }
  return cold || matched != oldConfigCount(id, oldPtr);
}

function oldConfigCount(id: i32, oldPtr: usize): i32 {
  if (sectionStart[id] < 0 || oldPtr == 0) return 0;
  let n = 0;
  for (let offset = sectionStart[id]; offset < sectionEnd[id]; offset = nextRecord(oldPtr, offset)) {
    if (load<u8>(oldPtr + <usize>offset) == TAG_CONFIG) n++;
  }
  return n;
}

/** Do the kernel's dependencies of `id` equal the blob's of `index`? */
function sameDependencies(id: i32, index: i32): bool {
  let count = 0;
  for (let e = 0; e < depCount; e++) {
    if (<i32>depFrom[e] != index) continue;
    count++;
    const target = <i32>depTo[e];
    const to = serviceNames.find(blobNames.namePtr(target), blobNames.nameLength(target));
    if (to < 0) return false;
    const edge = edgeFind(id, to);
    if (edge == NO_EDGE || edgeKind[edge] != depKind[e] || edgeCondition[edge] != depCondition[e]) return false;
  }
  return count == dependencyCount[id];
}

/** Fills the diff tables; `oldPtr` is the current blob (0 when none). */
export function computeDiff(newPtr: usize, oldPtr: usize): void {
  hotChanges = 0;
  if (WITH_MANIFEST_RELOAD) fillAll(kept, false); // (tiny: read only by the reload's steps)
  for (let i = 0; i < blobServiceCount; i++) {
    const id = WITH_MANIFEST_RELOAD ? serviceNames.find(blobNames.namePtr(i), blobNames.nameLength(i)) : -1; // tiny: an empty kernel
    if (WITH_MANIFEST_RELOAD) blobOldId[i] = id; // (tiny: oldIdOf)
    if (id < 0) { blobChange[i] = CHANGE_ADDED | sectionsDiff(-1, oldPtr, newPtr, i); continue; }
    kept[id] = true;
    let change: u8 = 0;
    if (!sameDependencies(id, i)) change |= CHANGE_DEPENDENCIES | CHANGE_COLD;
    if (<i32>serviceInstanceCount[id] != <i32>blobInstances[i]) change |= CHANGE_INSTANCES | CHANGE_COLD;
    if (WITH_CONFIG_KEYS && configDiff(id, oldPtr, newPtr, i)) change |= CHANGE_COLD;
    blobChange[i] = change | sectionsDiff(id, oldPtr, newPtr, i);
  }
  if (WITH_MANIFEST_RELOAD) markFreeable(); // (tiny: no service to free, `freeable` stays all false)
}

/** The HEALTH/RECOVERY/BALANCE/PLACEMENT records of blob service i that differ from the kernel's (`id`, -1: added). */
function sectionsDiff(id: i32, oldPtr: usize, newPtr: usize, i: i32): u8 {
  let change: u8 = 0;
  for (let tag = TAG_HEALTH; tag <= TAG_BALANCE; tag++) {
    if (sectionChanged(id, oldPtr, newPtr, i, tag)) change |= CHANGE_HEALTH << (tag - TAG_HEALTH);
  }
  if (WITH_PLACEMENT && sectionChanged(id, oldPtr, newPtr, i, TAG_PLACEMENT)) change |= CHANGE_PLACEMENT;
  return change;
}

function sectionChanged(id: i32, oldPtr: usize, newPtr: usize, i: i32, tag: u8): bool {
  const now = findRecord(newPtr, blobServiceAt[i], blobServiceEnd[i], tag);
  if (!WITH_MANIFEST_RELOAD) return now >= 0;
  const was = id < 0 || oldPtr == 0 || sectionStart[id] < 0 ? -1 : findRecord(oldPtr, sectionStart[id], sectionEnd[id], tag);
  if (now < 0 && was < 0) return false;
  if (now >= 0 && was >= 0) {
    const size = RECORD_HEADER_BYTES + <i32>load<u16>(newPtr + <usize>(now + 1));
    if (size == RECORD_HEADER_BYTES + <i32>load<u16>(oldPtr + <usize>(was + 1))
      && memory.compare(newPtr + <usize>now, oldPtr + <usize>was, <usize>size) == 0) return false;
  }
  return true;
}

/** The payload of blob service i's record with `tag` (0: none) and its offset (recordAt). */
export let recordAt: i32 = -1;
export function sectionPayload(ptr: usize, i: i32, tag: u8): usize {
  recordAt = findRecord(ptr, blobServiceAt[i], blobServiceEnd[i], tag);
  return recordAt < 0 ? 0 : ptr + <usize>(recordAt + RECORD_HEADER_BYTES);
}

/** Removed services at rest whose dependents can all go now too (a fixpoint, bounded). */
function markFreeable(): void {
  for (let id = 0; id < SERVICES_MAX; id++) freeable[id] = serviceUsed[id] && !kept[id] && isAtRest(id);
  for (let round = 0; round < SERVICES_MAX; round++) {
    let changed = false;
    for (let id = 0; id < SERVICES_MAX; id++) {
      if (!freeable[id]) continue;
      for (let e = firstDependent[id]; e != NO_EDGE; e = edgeNextIn[e]) {
        const dependent = <i32>edgeFrom[e];
        if (!kept[dependent] && !freeable[dependent]) { freeable[id] = false; changed = true; break; }
      }
    }
    if (!changed) return;
  }
}

/** Can the diff be applied with the kernel's capacities? OK, or the capacity error. */
export function checkCapacity(newBlob: usize): i32 {
  let added = 0, addedInstances = 0, grow = 0, totalInstances = 0;
  for (let i = 0; i < blobServiceCount; i++) {
    totalInstances += <i32>blobInstances[i];
    const id = oldIdOf(i);
    if (id < 0) { added++; addedInstances += <i32>blobInstances[i]; continue; }
    grow += max(0, <i32>blobInstances[i] - <i32>serviceInstanceCount[id]);
  }
  let freed = 0, freedInstances = 0, lingeringEdges = 0, shrink = 0;
  let lingeringTags: u64 = 0;
  if (WITH_MANIFEST_RELOAD) { // (tiny: an empty kernel, nothing freed, lingering or shrinking)
    for (let id = 0; id < SERVICES_MAX; id++) {
      if (!serviceUsed[id]) continue;
      if (freeable[id]) { freed++; freedInstances += <i32>serviceInstanceCount[id]; continue; }
      if (!kept[id]) { lingeringEdges += dependencyCount[id]; lingeringTags |= serviceTags[id]; }
    }
    for (let i = 0; i < blobServiceCount; i++) {
      const id = oldIdOf(i);
      if (id >= 0) shrink += max(0, <i32>serviceInstanceCount[id] - <i32>blobInstances[i]);
    }
  }
  // Without reload (tiny) the kernel is empty: the walk's own limits (services, dependencies,
  // distinct tags) are the capacities, and only the instance total is left to check here.
  if (WITH_MANIFEST_RELOAD && added > SERVICES_MAX - servicesRegistered() + freed) {
    return fail(E_CAPACITY_SERVICES).text("the manifest adds ").int(added).text(" services; ")
      .int(SERVICES_MAX - servicesRegistered() + freed).text(" service slots can be free").code();
  }
  if (totalInstances > INSTANCES_MAX || (WITH_MANIFEST_RELOAD && addedInstances + grow > instancesFree() + freedInstances + shrink)) {
    return fail(E_CAPACITY_INSTANCES).text("the manifest needs ").int(totalInstances).text(" instances (")
      .int(addedInstances + grow).text(" more); ").int(instancesFree() + freedInstances + shrink).text(" slots can be free").code();
  }
  if (WITH_MANIFEST_RELOAD && depCount + lingeringEdges > EDGES_MAX) {
    return fail(E_CAPACITY_EDGES).text("the manifest declares ").int(depCount).text(" dependencies; ")
      .int(EDGES_MAX - lingeringEdges).text(" fit while removed services stop").code();
  }
  const tagsNeeded = blobTagCount + (WITH_MANIFEST_RELOAD ? lingeringTagsNotInBlob(lingeringTags) : 0);
  if (WITH_MANIFEST_RELOAD && tagsNeeded > TAGS_MAX) {
    return fail(E_CAPACITY_TAGS).text("the manifest uses ").int(blobTagCount).text(" tags; with the tags of removed services still stopping that is ")
      .int(tagsNeeded).text(", over the limit of ").int(TAGS_MAX).code();
  }
  const sections = sectionsCapacity(newBlob);
  if (sections < 0) return sections;
  if (WITH_CONFIG_KEYS && outboxCount() + hotChanges > OUTBOX_CAPACITY) { // (hot changes are config keys')
    return fail(E_OUTBOX_FULL).text("the reload changes ").int(hotChanges).text(" hot config keys; the outbox has room for ")
      .int(OUTBOX_CAPACITY - outboxCount()).text(": drain actions, then reload").code();
  }
  return OK;
}

/**
 * Health checks and consistent-hash tables the changed sections need, against what is free once
 * the services that go now are gone (conservative: a check a section drops is not counted free).
 */
function sectionsCapacity(ptr: usize): i32 {
  let checks = 0, checksFreed = 0, tables = 0;
  if (WITH_MANIFEST_RELOAD) { // (tiny: an empty kernel)
    for (let id = 0; id < SERVICES_MAX; id++) {
      if (freeable[id]) checksFreed += <i32>serviceCheckCount[id];
      else if (serviceUsed[id] && !kept[id] && strategyOf(id) == STRATEGY_CONSISTENT_HASH) tables++; // goes later
    }
  }
  for (let i = 0; i < blobServiceCount; i++) {
    const id = oldIdOf(i);
    const change = blobChange[i];
    if ((change & CHANGE_HEALTH) != 0) {
      const health = sectionPayload(ptr, i, TAG_HEALTH);
      if (health != 0) {
        const need = healthRoom(id, health);
        if (need < 0) return at(detail, recordAt);
        checks += need;
        if (checks > checksFree() + checksFreed) {
          blobSubject(i);
          checksFull(SERVICE_SUBJECT, 1);
          return at(detail, recordAt);
        }
      }
    }
    if (!WITH_ALL_STRATEGIES) continue; // (tiny: no consistent hashing, no hash table to count)
    const balance = (change & CHANGE_BALANCE) != 0 ? sectionPayload(ptr, i, TAG_BALANCE) : 0;
    const hashes = (change & CHANGE_BALANCE) != 0 ? balanceHashes(balance) : id >= 0 && strategyOf(id) == STRATEGY_CONSISTENT_HASH;
    if (hashes && ++tables > HASH_TABLES_MAX) {
      blobSubject(i);
      hashTablesTaken(SERVICE_SUBJECT);
      return at(detail, balance != 0 ? recordAt : blobServiceAt[i]);
    }
  }
  return OK;
}

function lingeringTagsNotInBlob(tags: u64): i32 {
  let n = 0;
  while (tags != 0) {
    const tag = <i32>ctz(tags);
    tags &= tags - 1;
    if (blobTags.find(tagNames.namePtr(tag), tagNames.nameLength(tag)) < 0) n++;
  }
  return n;
}
