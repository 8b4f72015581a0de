// A service's revision history: the last ROLLOUT_HISTORY revisions, oldest first, each with its
// outcome (pending, good, rolled back) and, with FEATURE_COMPAT, the version it ran (the
// service's version when the revision was made; rollout/compat.ts checks an `undo` by it). When
// it is full the oldest entry goes that is neither the stable revision (where a rollback goes)
// nor the rollout's target, so a rollback always finds a good revision and `undo` reaches any
// revision still listed.
import { ROLLOUT_HISTORY } from "../limits";
import { WITH_COMPAT } from "../features";
import { rollout, OUTCOME_GOOD } from "./tables";
import { compat } from "./compat";
import { NO_VERSION } from "./versions";

@inline function rowOf(service: i32): i32 { return service * ROLLOUT_HISTORY; }

/** The entry index of `revision`, or -1. */
export function historyFind(service: i32, revision: i32): i32 {
  const row = rowOf(service);
  const count = <i32>rollout.historyCount[service];
  for (let i = 0; i < count; i++) if (<i32>rollout.historyRevision[row + i] == revision) return i;
  return -1;
}

function historyDrop(service: i32, index: i32): void {
  const row = rowOf(service);
  const count = <i32>rollout.historyCount[service];
  for (let i = index; i + 1 < count; i++) {
    rollout.historyRevision[row + i] = rollout.historyRevision[row + i + 1];
    rollout.historyOutcome[row + i] = rollout.historyOutcome[row + i + 1];
    if (WITH_COMPAT) rollout.historyVersion[row + i] = rollout.historyVersion[row + i + 1];
    rollout.historyDigest[row + i] = rollout.historyDigest[row + i + 1];
  }
  rollout.historyCount[service] = <u8>(count - 1);
}

/**
 * Appends `revision` (newest); drops the oldest entry that is neither stable nor the target when
 * full. A new revision runs the service's version and run spec now; one already listed keeps its own.
 */
export function historyAppend(service: i32, revision: i32, outcome: u8): void {
  const existing = historyFind(service, revision);
  let version = WITH_COMPAT ? compat.version[service] : NO_VERSION;
  let digest = rollout.runDigest[service];
  if (existing >= 0) { // an undo or a rollback moves it to the end
    if (WITH_COMPAT) version = rollout.historyVersion[rowOf(service) + existing];
    digest = rollout.historyDigest[rowOf(service) + existing];
    historyDrop(service, existing);
  }
  if (<i32>rollout.historyCount[service] == ROLLOUT_HISTORY) {
    const row = rowOf(service);
    let victim = 0;
    while (victim < ROLLOUT_HISTORY) {
      const r = <i32>rollout.historyRevision[row + victim];
      if (r != <i32>rollout.stable[service] && r != <i32>rollout.target[service]) break;
      victim++;
    }
    assert(victim < ROLLOUT_HISTORY, "a history of two or more always has an entry to drop");
    historyDrop(service, victim);
  }
  const at = rowOf(service) + <i32>rollout.historyCount[service];
  rollout.historyRevision[at] = <u16>revision;
  rollout.historyOutcome[at] = outcome;
  if (WITH_COMPAT) rollout.historyVersion[at] = version;
  rollout.historyDigest[at] = digest;
  rollout.historyCount[service]++;
}

/** The run-spec digest `revision` runs (0: none given, or not in the history). */
export function historyDigestOf(service: i32, revision: i32): u32 {
  const index = historyFind(service, revision);
  return index < 0 ? 0 : rollout.historyDigest[rowOf(service) + index];
}

/** `revision` runs the spec with `digest` (the manifest gave the first digest of a service). */
export function historySetDigest(service: i32, revision: i32, digest: u32): void {
  const index = historyFind(service, revision);
  if (index >= 0) rollout.historyDigest[rowOf(service) + index] = digest;
}

/** The version `revision` ran (NO_VERSION: none declared, or not in the history). */
export function historyVersionOf(service: i32, revision: i32): u64 {
  const index = historyFind(service, revision);
  return !WITH_COMPAT || index < 0 ? NO_VERSION : rollout.historyVersion[rowOf(service) + index];
}

/** `revision`'s instances run `version` from their next start (a reload changed it at rest). */
export function historySetVersion(service: i32, revision: i32, version: u64): void {
  const index = historyFind(service, revision);
  if (WITH_COMPAT && index >= 0) rollout.historyVersion[rowOf(service) + index] = version;
}

export function historyMark(service: i32, revision: i32, outcome: u8): void {
  const index = historyFind(service, revision);
  if (index >= 0) rollout.historyOutcome[rowOf(service) + index] = outcome;
}

/** Writes (u16 revision, u8 outcome, u8 0) per entry, oldest first; returns the count. */
export function historyCopy(service: i32, out: usize): i32 {
  const row = rowOf(service);
  const count = <i32>rollout.historyCount[service];
  for (let i = 0; i < count; i++) {
    store<u16>(out + <usize>(i * 4), rollout.historyRevision[row + i]);
    store<u8>(out + <usize>(i * 4 + 2), rollout.historyOutcome[row + i]);
    store<u8>(out + <usize>(i * 4 + 3), 0);
  }
  return count;
}

/** The newest good revision other than `except`, or -1. */
export function historyNewestGood(service: i32, except: i32): i32 {
  const row = rowOf(service);
  for (let i = <i32>rollout.historyCount[service] - 1; i >= 0; i--) {
    const r = <i32>rollout.historyRevision[row + i];
    if (r != except && rollout.historyOutcome[row + i] == OUTCOME_GOOD) return r;
  }
  return -1;
}

/** A fresh service: revision 1, good, stable, no version or run spec yet (the manifest's load sets them). */
export function historyStart(service: i32): void {
  rollout.historyCount[service] = 0;
  rollout.runDigest[service] = 0;
  historyAppend(service, 1, OUTCOME_GOOD);
  historySetVersion(service, 1, NO_VERSION);
}
