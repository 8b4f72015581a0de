// Compatibility of versions (FEATURE_COMPAT): each service's version, the version ranges its
// dependants work with (rows: dependant, dependency, interval; a dependant's rows on one
// dependency are alternatives); the version each revision ran is a column of the revision
// history (rollout/history.ts). The manifest loader fills them (manifest/sections/compat.ts);
// `undo` and a reload ask here whether a version change would break a running dependant before
// anything starts.
import { COMPAT_CONSTRAINTS_MAX, COMPAT_SERVICES } from "../limits";
import { WITH_COMPAT } from "../features";
import { OK, E_COMPAT_BREAKS } from "../errors";
import { Detail, fail } from "../util/detail";
import { sayService, serviceState } from "../registry/services";
import { STATE_RUNNING, STATE_STARTING } from "../registry/states";
import { NO_VERSION, intervalHolds, sayVersion, sayInterval } from "./versions";

class CompatTables {
  /** Each service's declared version (NO_VERSION: none). */
  readonly version: StaticArray<u64> = new StaticArray<u64>(COMPAT_SERVICES);
  readonly rowFrom: StaticArray<u16> = new StaticArray<u16>(COMPAT_CONSTRAINTS_MAX);
  readonly rowTo: StaticArray<u16> = new StaticArray<u16>(COMPAT_CONSTRAINTS_MAX);
  readonly rowFlags: StaticArray<u8> = new StaticArray<u8>(COMPAT_CONSTRAINTS_MAX);
  readonly rowLow: StaticArray<u64> = new StaticArray<u64>(COMPAT_CONSTRAINTS_MAX);
  readonly rowHigh: StaticArray<u64> = new StaticArray<u64>(COMPAT_CONSTRAINTS_MAX);
  rowCount: i32 = 0;
  /** Scratch of a load's check: the dependants left out (removed, or changing version themselves). */
  readonly changing: StaticArray<bool> = new StaticArray<bool>(COMPAT_SERVICES);
  constructor() { for (let s = 0; s < COMPAT_SERVICES; s++) this.version[s] = NO_VERSION; }
}

export const compat: CompatTables = WITH_COMPAT ? new CompatTables() : changetype<CompatTables>(0);

/** A service id was just taken: no version, no constraints from or on it (its history starts anew: historyStart). */
export function compatServiceReset(service: i32): void {
  compat.version[service] = NO_VERSION;
  compatRowsDrop(service);
}

/** Drops every row from or on `service` (order kept). */
export function compatRowsDrop(service: i32): void {
  let kept = 0;
  for (let r = 0; r < compat.rowCount; r++) {
    if (<i32>compat.rowFrom[r] == service || <i32>compat.rowTo[r] == service) continue;
    compat.rowFrom[kept] = compat.rowFrom[r];
    compat.rowTo[kept] = compat.rowTo[r];
    compat.rowFlags[kept] = compat.rowFlags[r];
    compat.rowLow[kept] = compat.rowLow[r];
    compat.rowHigh[kept] = compat.rowHigh[r];
    kept++;
  }
  compat.rowCount = kept;
}

/** Appends a row; the caller checked the capacity (the loader counts the blob's rows first). */
export function compatRowAdd(from: i32, to: i32, flags: u8, low: u64, high: u64): void {
  const r = compat.rowCount;
  assert(r < COMPAT_CONSTRAINTS_MAX, "the loader checks the constraint capacity before it applies");
  compat.rowFrom[r] = <u16>from;
  compat.rowTo[r] = <u16>to;
  compat.rowFlags[r] = flags;
  compat.rowLow[r] = low;
  compat.rowHigh[r] = high;
  compat.rowCount = r + 1;
}

/** `from`'s constraint on `to` holds for `version` (no row: it holds). */
export function constraintHolds(from: i32, to: i32, version: u64): bool {
  let any = false;
  for (let r = 0; r < compat.rowCount; r++) {
    if (<i32>compat.rowFrom[r] != from || <i32>compat.rowTo[r] != to) continue;
    if (intervalHolds(compat.rowFlags[r], compat.rowLow[r], compat.rowHigh[r], version)) return true;
    any = true;
  }
  return !any;
}

/** Writes `from`'s constraint on `to` (its intervals joined by " || "). */
export function sayConstraint(d: Detail, from: i32, to: i32): Detail {
  let first = true;
  for (let r = 0; r < compat.rowCount; r++) {
    if (<i32>compat.rowFrom[r] != from || <i32>compat.rowTo[r] != to) continue;
    if (!first) d.text(" || ");
    sayInterval(d, compat.rowFlags[r], compat.rowLow[r], compat.rowHigh[r]);
    first = false;
  }
  return d;
}

@inline export function isUp(service: i32): bool {
  const state = serviceState[service];
  return state == STATE_RUNNING || state == STATE_STARTING;
}

/**
 * A running (or starting) dependant of `service` whose constraint `version` would break, or -1.
 * `skip(dependant)` true: that one is left out (it changes version itself in the same load).
 */
export function brokenDependant(service: i32, version: u64, skipping: StaticArray<bool> | null): i32 {
  for (let r = 0; r < compat.rowCount; r++) {
    if (<i32>compat.rowTo[r] != service) continue;
    const from = <i32>compat.rowFrom[r];
    if (!isUp(from) || (skipping != null && skipping[from])) continue;
    if (!constraintHolds(from, service, version)) return from;
  }
  return -1;
}

/** The refusal: "moving 'db' from 2.4.0 to 3.0.0 would break running 'web' 1.2.0, which works with 'db' >=2.0.0 <3.0.0". */
export function refuseBreak(what: string, service: i32, to: u64, dependant: i32): i32 {
  const d = sayService(fail(E_COMPAT_BREAKS).text(what).text(" "), service).text(" from ");
  sayVersion(d, compat.version[service]).text(" to ");
  sayVersion(d, to).text(" would break running ");
  sayVersion(sayService(d, dependant).text(" "), compat.version[dependant]).text(", which works with ");
  return sayConstraint(sayService(d, service).text(" "), dependant, service).code();
}

/**
 * `undo` of `service` to a revision that ran `version` (rollout/history.ts keeps it for every
 * revision listed): OK (the service's version is that one now), or E_COMPAT_BREAKS naming the
 * running dependant it would break.
 */
export function compatUndoCheck(service: i32, version: u64): i32 {
  if (!WITH_COMPAT || version == compat.version[service]) return OK;
  const broken = brokenDependant(service, version, null);
  if (broken >= 0) return refuseBreak("undo of", service, version, broken);
  compat.version[service] = version; // the instances go back to it
  return OK;
}
