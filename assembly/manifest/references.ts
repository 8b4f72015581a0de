// The blob's references and graph, once every record is read: dependency targets exist, are not
// the service itself and not twice; weights and addresses fit the instance count; a recovery
// backup is another service of the blob; and no dependency cycle (Kahn's algorithm, a cycle
// reported with its whole path).
import { SERVICES_MAX, EDGES_MAX } from "../limits";
import {
  OK, E_MANIFEST_REFERENCE, E_SELF_DEPENDENCY, E_DUPLICATE_DEPENDENCY, E_DEPENDENCY_CYCLE, E_INVALID_ADDRESS,
  E_INVALID_WEIGHT, E_UNKNOWN_SERVICE,
} from "../errors";
import { fail } from "../util/detail";
import { RECORD_HEADER_BYTES, TAG_DEPENDENCY, TAG_ADDRESS, TAG_BALANCE, TAG_RECOVERY, TAG_RESOURCES } from "./format";
import { WITH_RESOURCES, WITH_SENTENCES, WITH_CONFIG_KEYS } from "../features";
import { sparseField } from "../util/record";
import { RES_SCALE_MAX } from "../resources/record";
import {
  blobServiceCount, blobServiceAt, blobServiceEnd, blobInstances, blobNames, depFrom, depTo, depCount, blobBase, at,
  sayBlobService, u16At,
} from "./blob-tables";
import { balanceWeightCount } from "./sections/balance";
import { blueGreenAddressable } from "./sections/update";
import { recoveryBackupIndex } from "./sections/recovery";
import { fillAll } from "../util/fill";
import { findRecord, nextRecord } from "./reader";

// Kahn's algorithm over blob indices.
const dependents = new StaticArray<u16>(EDGES_MAX);
const targetStart = new StaticArray<i32>(SERVICES_MAX + 1);
const pending = new StaticArray<i32>(SERVICES_MAX);
const queue = new StaticArray<u16>(SERVICES_MAX);

/** References: dependency targets exist, are not the service itself, not twice; weights, address
 *  ordinals and recovery backups. */
export function checkReferences(): i32 {
  // edge e came from the e-th DEPENDENCY record: each search starts past the one before
  let next = blobServiceAt[0];
  for (let e = 0; e < depCount; e++) {
    const from = <i32>depFrom[e], to = <i32>depTo[e];
    const offset = findRecord(blobBase, next, blobServiceEnd[from], TAG_DEPENDENCY);
    next = nextRecord(blobBase, offset);
    if (to >= blobServiceCount) {
      return at(sayBlobService(fail(E_MANIFEST_REFERENCE), from).text(" depends on service index ").int(to)
        .text("; the manifest has ").int(blobServiceCount).text(" services"), offset);
    }
    if (to == from) return at(sayBlobService(fail(E_SELF_DEPENDENCY), from).text(" depends on itself"), offset);
    for (let other = e - 1; other >= 0 && <i32>depFrom[other] == from; other--) {
      if (<i32>depTo[other] == to) {
        return at(sayBlobService(sayBlobService(fail(E_DUPLICATE_DEPENDENCY), from).text(" depends on "), to).text(" twice"), offset);
      }
    }
  }
  for (let s = 0; s < blobServiceCount; s++) {
    for (let offset = blobServiceAt[s]; offset < blobServiceEnd[s]; offset += RECORD_HEADER_BYTES + u16At(offset + 1)) {
      const tag = load<u8>(blobBase + <usize>offset);
      const payload = blobBase + <usize>(offset + RECORD_HEADER_BYTES);
      if (tag == TAG_BALANCE && balanceWeightCount(payload) > <i32>blobInstances[s]) {
        return at(sayBlobService(fail(E_INVALID_WEIGHT), s).text(": ").int(balanceWeightCount(payload))
          .text(" weights for ").int(blobInstances[s]).text(" instances"), offset);
      }
      if (tag == TAG_RECOVERY) {
        const backup = recoveryBackupIndex(payload);
        if (backup != -1 && (backup < 0 || backup >= blobServiceCount || backup == s)) {
          return at(sayBlobService(fail(E_UNKNOWN_SERVICE), s).text(": backup service index ").int(backup)
            .text(" is not another service of the manifest or -1"), offset);
        }
      }
      if (!WITH_CONFIG_KEYS || tag != TAG_ADDRESS) continue; // (tiny: an address record is an unknown tag)
      const ordinal = u16At(offset + 3);
      const addressable = max(max(<i32>blobInstances[s], scaleMaxOf(s)), blueGreenAddressable(s));
      if (ordinal >= addressable) {
        return at(sayBlobService(fail(E_INVALID_ADDRESS), s).text(": address for instance ").int(ordinal).text(", which is outside 0..")
          .int(addressable - 1), offset);
      }
    }
  }
  return OK;
}

/** A scaling service's `scale.max` (its RESOURCES record): instances up to it may join while it runs, so they may have addresses. */
function scaleMaxOf(service: i32): i32 {
  if (!WITH_RESOURCES) return 0;
  for (let offset = blobServiceAt[service]; offset < blobServiceEnd[service]; offset += RECORD_HEADER_BYTES + u16At(offset + 1)) {
    if (load<u8>(blobBase + <usize>offset) != TAG_RESOURCES) continue;
    return sparseField(blobBase + <usize>(offset + RECORD_HEADER_BYTES), RES_SCALE_MAX, 0);
  }
  return 0;
}

/** Kahn's algorithm on blob indices; a cycle is reported with its whole path. */
export function checkAcyclic(): i32 {
  // each service's dependents, by a counting sort of the edges on their target: those of s are
  // dependents[targetStart[s] .. targetStart[s + 1])
  fillAll(targetStart, 0);
  fillAll(pending, 0);
  for (let e = 0; e < depCount; e++) {
    targetStart[<i32>depTo[e]]++;
    pending[<i32>depFrom[e]]++;
  }
  for (let s = 1; s <= blobServiceCount; s++) targetStart[s] += targetStart[s - 1];
  for (let e = 0; e < depCount; e++) dependents[--targetStart[<i32>depTo[e]]] = depFrom[e];
  let head = 0, tail = 0;
  for (let s = 0; s < blobServiceCount; s++) if (pending[s] == 0) queue[tail++] = <u16>s;
  while (head < tail) {
    const s = <i32>queue[head++];
    for (let i = targetStart[s]; i < targetStart[s + 1]; i++) {
      const dependent = <i32>dependents[i];
      if (--pending[dependent] == 0) queue[tail++] = <u16>dependent;
    }
  }
  if (tail == blobServiceCount) return OK;
  return reportCycle();
}

/**
 * Follows unmet dependencies from the first leftover service until one repeats: that loop is a
 * cycle. A leftover's pending count (> 0) is negated once the walk passed it: still unmet, seen.
 */
function reportCycle(): i32 {
  let first = 0;
  while (pending[first] == 0) first++;
  while (pending[first] > 0) {
    pending[first] = -pending[first];
    first = unmetDependency(first);
  }
  const d = fail(E_DEPENDENCY_CYCLE).text("dependency cycle: ");
  let atService = first;
  // the cycle's names (without sentences, tiny, only its first service's offset is reported)
  for (let n = 0; WITH_SENTENCES && n <= blobServiceCount; n++) {
    d.raw(blobNames.namePtr(atService), blobNames.nameLength(atService)).text(" -> ");
    atService = unmetDependency(atService);
    if (atService == first) break;
  }
  d.raw(blobNames.namePtr(first), blobNames.nameLength(first));
  return at(d, blobServiceAt[first]);
}

function unmetDependency(service: i32): i32 {
  for (let e = 0; e < depCount; e++) {
    if (<i32>depFrom[e] == service && pending[<i32>depTo[e]] != 0) return <i32>depTo[e];
  }
  return service;
}

