// The COMPAT section (tag 0x89, FEATURE_COMPAT): a service's version and the versions of its
// dependencies it works with (`version:` and `compatible:` in services.yaml).
//
//   0 u8 flags (bit 0: the service declares a version) | 1 u16 major | 3 u16 minor | 5 u16 patch |
//   7 u8 n | then n rows of 15 bytes:
//     0 u16 dependency (blob service index) | 2 u8 bound flags (rollout/versions.ts) |
//     3 low: u16 major, minor, patch | 9 high: u16 major, minor, patch
//
// A service's rows on one dependency are alternatives (the manifest's `||`). Checked while the
// blob is validated (each interval non-empty), then against the whole blob and the running
// kernel before anything is applied (compatCheckBlob): a version change that would break a
// running dependant, a manifest whose own constraints are not met, more rows than the profile
// holds, a row naming no dependency are refused. Applied whole on every load.
import { OK, E_INVALID_CONSTRAINT, E_COMPAT_UNSATISFIED, E_CAPACITY_CONSTRAINTS, E_COMPAT_RUNNING } from "../../errors";
import { COMPAT_CONSTRAINTS_MAX, COMPAT_SERVICES } from "../../limits";
import { WITH_COMPAT } from "../../features";
import { fail, detail, Detail } from "../../util/detail";
import { rollout, revisionOf, PHASE_IDLE } from "../../rollout/tables";
import { serviceInstanceCount, instanceSlotOf } from "../../registry/services";
import {
  compat, compatRowAdd, brokenDependant, refuseBreak, isUp,
} from "../../rollout/compat";
import { historySetVersion, historyVersionOf } from "../../rollout/history";
import { NO_VERSION, versionAt, intervalHolds, intervalNonEmpty, sayVersion, sayInterval } from "../../rollout/versions";
import { TAG_COMPAT, RECORD_HEADER_BYTES } from "../format";
import { blobServiceCount, blobServiceAt, blobServiceEnd, sayBlobService, at } from "../blob-tables";
import { findRecord } from "../reader";
import { blobOldId, kept } from "../diff";

const HEAD_BYTES: i32 = 8;
const ROW_BYTES: i32 = 15;

@inline function rowAt(payload: usize, k: i32): usize { return payload + <usize>(HEAD_BYTES + k * ROW_BYTES); }
@inline function rowDependency(payload: usize, k: i32): i32 { return <i32>load<u16>(rowAt(payload, k)); }
@inline function rowFlags(payload: usize, k: i32): u8 { return load<u8>(rowAt(payload, k), 2); }
@inline function rowLow(payload: usize, k: i32): u64 { return versionAt(rowAt(payload, k) + 3); }
@inline function rowHigh(payload: usize, k: i32): u64 { return versionAt(rowAt(payload, k) + 9); }
@inline function rowCount(payload: usize): i32 { return payload == 0 ? 0 : <i32>load<u8>(payload, 7); }

export function compatFits(ptr: usize, size: i32): bool {
  return size >= HEAD_BYTES && load<u8>(ptr) <= 1 && size == HEAD_BYTES + ROW_BYTES * <i32>load<u8>(ptr, 7);
}

/** The payload (its size checked) of the blob service `current`: every interval holds some version. */
export function compatSectionValid(current: i32, ptr: usize): i32 {
  if (WITH_COMPAT) { // (its texts compile only with the feature: the mcu page has no byte to spare)
    const n = rowCount(ptr);
    for (let k = 0; k < n; k++) {
      if (intervalNonEmpty(rowFlags(ptr, k), rowLow(ptr, k), rowHigh(ptr, k))) continue;
      const d = sayBlobService(fail(E_INVALID_CONSTRAINT), current).text(": version constraint ").int(k).text(" (");
      return sayInterval(d, rowFlags(ptr, k), rowLow(ptr, k), rowHigh(ptr, k)).text(") holds no version").code();
    }
  }
  return OK;
}

/** The COMPAT payload of blob service `i` (0: none). */
function payloadOf(ptr: usize, i: i32): usize {
  const offset = findRecord(ptr, blobServiceAt[i], blobServiceEnd[i], TAG_COMPAT);
  return offset < 0 ? 0 : ptr + <usize>(offset + RECORD_HEADER_BYTES);
}

/** The version blob service `i` declares, or NO_VERSION. */
function blobVersion(ptr: usize, i: i32): u64 {
  const payload = payloadOf(ptr, i);
  return payload == 0 || load<u8>(payload) == 0 ? NO_VERSION : versionAt(payload + 1);
}

/** Blob service `i`'s rows on dependency `j` hold for `version` (rows of one dependency are alternatives). */
function blobConstraintHolds(payload: usize, j: i32, version: u64): bool {
  const n = rowCount(payload);
  for (let k = 0; k < n; k++) {
    if (rowDependency(payload, k) == j && intervalHolds(rowFlags(payload, k), rowLow(payload, k), rowHigh(payload, k), version)) return true;
  }
  return false;
}

function sayBlobConstraint(d: Detail, payload: usize, j: i32): Detail {
  const n = rowCount(payload);
  let first = true;
  for (let k = 0; k < n; k++) {
    if (rowDependency(payload, k) != j) continue;
    if (!first) d.text(" || ");
    sayInterval(d, rowFlags(payload, k), rowLow(payload, k), rowHigh(payload, k));
    first = false;
  }
  return d;
}

/** Rows name a dependency in the blob (not the service itself) and fit the profile's table. */
function rowsValid(ptr: usize): i32 {
  let total = 0;
  for (let i = 0; i < blobServiceCount; i++) {
    const payload = payloadOf(ptr, i);
    const n = rowCount(payload);
    total += n;
    for (let k = 0; k < n; k++) {
      const j = rowDependency(payload, k);
      if (j < blobServiceCount && j != i) continue;
      return at(sayBlobService(fail(E_INVALID_CONSTRAINT), i).text(": version constraint ").int(k).text(" names service index ").int(j)
        .text(", which is not another service of the manifest"), blobServiceAt[i]);
    }
  }
  if (total <= COMPAT_CONSTRAINTS_MAX) return OK;
  return fail(E_CAPACITY_CONSTRAINTS).text("manifest has ").int(total).text(" version constraints; this profile holds ")
    .int(COMPAT_CONSTRAINTS_MAX).code();
}

/** A kept service whose version the blob changes breaks no running dependant (by the constraints in force). */
function breaksNoRunning(ptr: usize): i32 {
  for (let id = 0; id < COMPAT_SERVICES; id++) compat.changing[id] = !kept[id];
  for (let j = 0; j < blobServiceCount; j++) {
    const id = blobOldId[j];
    if (id >= 0 && blobVersion(ptr, j) != compat.version[id]) compat.changing[id] = true;
  }
  for (let j = 0; j < blobServiceCount; j++) {
    const id = blobOldId[j];
    if (id < 0) continue;
    const version = blobVersion(ptr, j);
    if (version == compat.version[id]) continue;
    const broken = brokenDependant(id, version, compat.changing);
    if (broken < 0) continue;
    refuseBreak("reload moving", id, version, broken);
    return at(detail, blobServiceAt[j]);
  }
  return OK;
}

/** Every service's constraints hold for the versions the blob gives its dependencies. */
function constraintsMet(ptr: usize): i32 {
  for (let i = 0; i < blobServiceCount; i++) {
    const payload = payloadOf(ptr, i);
    const n = rowCount(payload);
    for (let k = 0; k < n; k++) {
      const j = rowDependency(payload, k);
      const version = blobVersion(ptr, j);
      if (blobConstraintHolds(payload, j, version)) continue;
      const d = sayVersion(sayBlobService(fail(E_COMPAT_UNSATISFIED), i).text(" "), blobVersion(ptr, i)).text(" works with ");
      sayBlobConstraint(sayBlobService(d, j).text(" "), payload, j).text(", and the manifest gives ");
      return at(sayVersion(sayBlobService(d, j).text(" "), version), blobServiceAt[i]);
    }
  }
  return OK;
}

/** A version `dependency` runs (on an instance, or its stable revision: where a rollback goes) that `payload`'s rows on blob service `j` do not hold, or NO_VERSION. */
function runningOutside(payload: usize, j: i32, dependency: i32): u64 {
  const stable = historyVersionOf(dependency, <i32>rollout.stable[dependency]);
  if (stable != NO_VERSION && !blobConstraintHolds(payload, j, stable)) return stable;
  const count = <i32>serviceInstanceCount[dependency];
  for (let k = 0; k < count; k++) {
    const runs = historyVersionOf(dependency, revisionOf(dependency, instanceSlotOf(dependency, k)));
    if (runs != NO_VERSION && !blobConstraintHolds(payload, j, runs)) return runs;
  }
  return NO_VERSION;
}

/**
 * A running dependant that keeps its version gets constraints that hold for what its running
 * dependencies run now: each instance's revision's version and the stable revision's (a version
 * the history does not know, NO_VERSION, is not judged).
 */
function rangesHoldRunning(ptr: usize): i32 {
  for (let i = 0; i < blobServiceCount; i++) {
    const id = blobOldId[i];
    if (id < 0 || !isUp(id) || blobVersion(ptr, i) != compat.version[id]) continue;
    const payload = payloadOf(ptr, i);
    const n = rowCount(payload);
    for (let k = 0; k < n; k++) {
      const j = rowDependency(payload, k);
      const dependency = blobOldId[j];
      if (dependency < 0) continue; // up or not (mid-rollout it may be stopping an instance): what its instances run
      const runs = runningOutside(payload, j, dependency);
      if (runs == NO_VERSION) continue;
      const d = sayVersion(sayBlobService(fail(E_COMPAT_RUNNING).text("reload giving "), i).text(" "), compat.version[id]).text(" the range ");
      sayBlobConstraint(d, payload, j).text(" on ");
      return at(sayVersion(sayBlobService(d, j).text(" would leave it on running "), runs).text(" (roll that out first)"), blobServiceAt[i]);
    }
  }
  return OK;
}

/** After validateBlob and computeDiff, before anything applies: OK or the refusal. */
export function compatCheckBlob(ptr: usize): i32 {
  let bad = rowsValid(ptr);
  if (bad == OK) bad = breaksNoRunning(ptr);
  if (bad == OK) bad = constraintsMet(ptr);
  if (bad == OK) bad = rangesHoldRunning(ptr);
  return bad;
}

/** Applies the blob's versions and constraints (`kernelId`: blob index to kernel id; the capacity was checked). */
export function compatApplyBlob(ptr: usize, kernelId: StaticArray<i32>): void {
  compat.rowCount = 0; // every row comes from the manifest: the blob's rows replace them all
  for (let i = 0; i < blobServiceCount; i++) {
    const id = kernelId[i];
    const version = blobVersion(ptr, i);
    if (version != compat.version[id]) {
      compat.version[id] = version; // the next new revision runs it (rollout/history.ts)
      if (!isUp(id) && rollout.phase[id] == PHASE_IDLE) historySetVersion(id, <i32>rollout.stable[id], version); // at rest: its next start is this version
    }
    const payload = payloadOf(ptr, i);
    const n = rowCount(payload);
    for (let k = 0; k < n; k++) {
      compatRowAdd(id, kernelId[rowDependency(payload, k)], rowFlags(payload, k), rowLow(payload, k), rowHigh(payload, k));
    }
  }
}
