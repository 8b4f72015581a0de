// rollout/versions.ts and rollout/compat.ts with manifest/sections/compat.ts: the range matcher,
// and the kernel refusing a version change (a reload, an undo) that would break a running
// dependant, or a manifest whose own constraints do not hold, before anything starts.
import {
  serviceStart, serviceState, manifestRevision, rolloutNew, rolloutUndo, rolloutStatus, tick,
} from "../index";
import { OK, E_COMPAT_BREAKS, E_COMPAT_UNSATISFIED, E_CAPACITY_CONSTRAINTS, E_INVALID_CONSTRAINT, E_COMPAT_RUNNING } from "../errors";
import { STATE_RUNNING } from "../registry/states";
import { COMPAT_CONSTRAINTS_MAX } from "../limits";
import { TAG_COMPAT } from "../manifest/format";
import { fail } from "../util/detail";
import {
  versionKey, intervalHolds, intervalNonEmpty, sayInterval, NO_VERSION, BOUND_LOW, BOUND_LOW_INCLUSIVE, BOUND_HIGH,
  BOUND_HIGH_INCLUSIVE,
} from "../rollout/versions";
import { BlobWriter, loadBlob } from "./support/blob";
import { freshKernel, lookup, answerAll, drain, detailText } from "./support/kernel";
import { advanceMs } from "./support/hal";

const RANGE: u8 = BOUND_LOW | BOUND_LOW_INCLUSIVE | BOUND_HIGH; // ">=a <b"

function v(major: i32, minor: i32, patch: i32): u64 { return versionKey(<u32>major, <u32>minor, <u32>patch); }

function pushVersion(out: u8[], major: i32, minor: i32, patch: i32): void {
  const parts = [major, minor, patch];
  for (let i = 0; i < 3; i++) { out.push(<u8>(parts[i] & 0xff)); out.push(<u8>(parts[i] >> 8)); }
}

/** One constraint row on blob service `dependency`: flags, low and high as [major, minor, patch]. */
function row(dependency: i32, flags: u8, low: i32[], high: i32[]): u8[] {
  const out: u8[] = [<u8>dependency, <u8>(dependency >> 8), flags];
  pushVersion(out, low[0], low[1], low[2]);
  pushVersion(out, high[0], high[1], high[2]);
  return out;
}

/** The COMPAT payload: the version (major < 0: none) and `rows` (each from row()). */
function compatPayload(major: i32, minor: i32, patch: i32, rows: u8[][]): u8[] {
  const out: u8[] = [major < 0 ? 0 : 1];
  pushVersion(out, max(major, 0), minor, patch);
  out.push(<u8>rows.length);
  for (let r = 0; r < rows.length; r++) for (let i = 0; i < rows[r].length; i++) out.push(rows[r][i]);
  return out;
}

/** db (index 0) at dbVersion; web (index 1, requires db) at webMajor.0.0 working with db `rows`. */
function dbAndWeb(dbMajor: i32, dbMinor: i32, webMajor: i32, rows: u8[][]): u8[] {
  const w = new BlobWriter();
  w.service("db").record(TAG_COMPAT, compatPayload(dbMajor, dbMinor, 0, []));
  w.service("web").requires(0).record(TAG_COMPAT, compatPayload(webMajor, 0, 0, rows));
  return w.finish();
}

function db2to3(): u8[][] { return [row(0, RANGE, [2, 0, 0], [3, 0, 0])]; }

function startAll(): void {
  expect<i32>(serviceStart(lookup("web"))).toBe(OK);
  answerAll();
  expect<i32>(serviceState(lookup("web"))).toBe(STATE_RUNNING);
  expect<i32>(serviceState(lookup("db"))).toBe(STATE_RUNNING);
}

function contains(text: string, part: string): bool { return text.indexOf(part) >= 0; }

describe("the range matcher", () => {
  it("holds for versions inside the interval, by each bound's inclusiveness", () => {
    expect<bool>(intervalHolds(RANGE, v(2, 0, 0), v(3, 0, 0), v(2, 0, 0))).toBe(true);
    expect<bool>(intervalHolds(RANGE, v(2, 0, 0), v(3, 0, 0), v(2, 65535, 9))).toBe(true);
    expect<bool>(intervalHolds(RANGE, v(2, 0, 0), v(3, 0, 0), v(3, 0, 0))).toBe(false);
    expect<bool>(intervalHolds(RANGE, v(2, 0, 0), v(3, 0, 0), v(1, 9, 9))).toBe(false);
    expect<bool>(intervalHolds(BOUND_LOW, v(2, 0, 0), 0, v(2, 0, 0))).toBe(false); // ">2.0.0"
    expect<bool>(intervalHolds(BOUND_LOW, v(2, 0, 0), 0, v(2, 0, 1))).toBe(true);
    expect<bool>(intervalHolds(BOUND_HIGH | BOUND_HIGH_INCLUSIVE, 0, v(1, 2, 3), v(1, 2, 3))).toBe(true); // "<=1.2.3"
    expect<bool>(intervalHolds(0, 0, 0, v(7, 7, 7))).toBe(true); // "*"
    expect<bool>(intervalHolds(0, 0, 0, NO_VERSION)).toBe(false); // no version meets any constraint
  });

  it("knows an empty interval", () => {
    expect<bool>(intervalNonEmpty(RANGE, v(3, 0, 0), v(2, 0, 0))).toBe(false);
    expect<bool>(intervalNonEmpty(RANGE, v(2, 0, 0), v(2, 0, 0))).toBe(false);
    expect<bool>(intervalNonEmpty(RANGE | BOUND_HIGH_INCLUSIVE, v(2, 0, 0), v(2, 0, 0))).toBe(true);
    expect<bool>(intervalNonEmpty(BOUND_LOW | BOUND_HIGH, v(2, 0, 0), v(2, 0, 1))).toBe(false);
    expect<bool>(intervalNonEmpty(BOUND_HIGH, 0, 0)).toBe(false); // "<0.0.0"
    expect<bool>(intervalNonEmpty(0x10, 0, 0)).toBe(false); // an unknown flag bit
  });

  it("prints an interval as comparators", () => {
    sayInterval(fail(-1), RANGE, v(2, 0, 0), v(3, 0, 0));
    expect<string>(detailText()).toBe(">=2.0.0 <3.0.0");
    sayInterval(fail(-1), 0, 0, 0);
    expect<string>(detailText()).toBe("*");
  });
});

describe("a reload that changes a version", () => {
  beforeEach(() => { freshKernel(); });

  it("is refused when it would break a running dependant, before anything starts", () => {
    expect<i32>(loadBlob(dbAndWeb(2, 4, 1, db2to3()))).toBeGreaterThan(0);
    startAll();
    const revision = manifestRevision();
    expect<i32>(loadBlob(dbAndWeb(3, 0, 1, db2to3()))).toBe(E_COMPAT_BREAKS);
    const text = detailText();
    expect<bool>(contains(text, "'db' from 2.4.0 to 3.0.0 would break running 'web' 1.0.0")).toBe(true);
    expect<bool>(contains(text, "works with 'db' >=2.0.0 <3.0.0")).toBe(true);
    expect<u32>(manifestRevision()).toBe(revision);
    expect<i32>(drain().length).toBe(0); // no action: nothing stopped, nothing started
  });

  it("is taken when it stays inside the range, or when the dependant moves with it", () => {
    expect<i32>(loadBlob(dbAndWeb(2, 4, 1, db2to3()))).toBeGreaterThan(0);
    startAll();
    expect<i32>(loadBlob(dbAndWeb(2, 9, 1, db2to3()))).toBeGreaterThan(0);
    expect<i32>(loadBlob(dbAndWeb(3, 0, 2, [row(0, RANGE, [3, 0, 0], [4, 0, 0])]))).toBeGreaterThan(0);
  });

  it("refuses a manifest whose own constraints do not hold (alternatives: any one)", () => {
    expect<i32>(loadBlob(dbAndWeb(3, 0, 1, db2to3()))).toBe(E_COMPAT_UNSATISFIED);
    expect<string>(detailText()).toBe("service 'web' 1.0.0 works with service 'db' >=2.0.0 <3.0.0, and the manifest gives service 'db' 3.0.0 (at offset 41)");
    const either = [row(0, RANGE, [1, 0, 0], [2, 0, 0]), row(0, RANGE, [3, 0, 0], [4, 0, 0])];
    expect<i32>(loadBlob(dbAndWeb(3, 1, 1, either))).toBeGreaterThan(0);
    expect<i32>(loadBlob(dbAndWeb(-1, 0, 1, db2to3()))).toBe(E_COMPAT_UNSATISFIED); // db declares no version
  });

  it("refuses rows that name no other service, hold no version, or exceed the profile", () => {
    expect<i32>(loadBlob(dbAndWeb(2, 0, 1, [row(1, RANGE, [2, 0, 0], [3, 0, 0])]))).toBe(E_INVALID_CONSTRAINT);
    expect<i32>(loadBlob(dbAndWeb(2, 0, 1, [row(0, RANGE, [3, 0, 0], [2, 0, 0])]))).toBe(E_INVALID_CONSTRAINT);
    const many: u8[][] = [];
    for (let k = 0; k <= COMPAT_CONSTRAINTS_MAX; k++) many.push(row(0, RANGE, [2, 0, 0], [3, 0, 0]));
    expect<i32>(loadBlob(dbAndWeb(2, 0, 1, many))).toBe(E_CAPACITY_CONSTRAINTS);
    expect<i32>(manifestRevision()).toBe(0);
  });
});

describe("a reload that narrows a running dependant's range", () => {
  beforeEach(() => { freshKernel(); });

  it("is refused while its dependency still runs (or would roll back to) a version outside it", () => {
    expect<i32>(loadBlob(dbAndWeb(2, 4, 1, db2to3()))).toBeGreaterThan(0);
    startAll();
    expect<i32>(loadBlob(dbAndWeb(2, 5, 1, db2to3()))).toBeGreaterThan(0);
    const db = lookup("db");
    expect<i32>(rolloutNew(db)).toBe(2); // 2.5.0 rolling out: 2.4.0 still runs, and a rollback goes to it
    const revision = manifestRevision();
    expect<i32>(loadBlob(dbAndWeb(2, 5, 1, [row(0, RANGE, [2, 5, 0], [3, 0, 0])]))).toBe(E_COMPAT_RUNNING);
    expect<string>(detailText()).toBe("reload giving service 'web' 1.0.0 the range >=2.5.0 <3.0.0 on service 'db' would leave it on running 2.4.0 (roll that out first) (at offset 41)");
    expect<u32>(manifestRevision()).toBe(revision);
    for (let round = 0; round < 20; round++) { answerAll(); advanceMs(1000); tick(); }
    expect<i32>(rolloutStatus(db, 0)).toBe(0); // complete: 2.5.0 everywhere, and stable
    expect<i32>(loadBlob(dbAndWeb(2, 5, 1, [row(0, RANGE, [2, 5, 0], [3, 0, 0])]))).toBeGreaterThan(0);
  });
});

/** db 2.4.0 (revision 1) rolled out to 2.5.0 (revision 2) under web, then web given `rows`. */
function rolledOut(rows: u8[][]): i32 {
  expect<i32>(loadBlob(dbAndWeb(2, 4, 1, db2to3()))).toBeGreaterThan(0);
  startAll();
  expect<i32>(loadBlob(dbAndWeb(2, 5, 1, db2to3()))).toBeGreaterThan(0);
  const db = lookup("db");
  expect<i32>(rolloutNew(db)).toBe(2);
  for (let round = 0; round < 20; round++) { answerAll(); advanceMs(1000); tick(); }
  expect<i32>(rolloutStatus(db, 0)).toBe(0); // idle: complete
  expect<i32>(rolloutStatus(db, 2)).toBe(2);
  expect<i32>(loadBlob(dbAndWeb(2, 5, 1, rows))).toBeGreaterThan(0); // 2.5.0 runs everywhere: a narrower range is taken
  return db;
}

describe("undo to an older revision", () => {
  beforeEach(() => { freshKernel(); });

  it("is refused when the older version breaks a running dependant", () => {
    const db = rolledOut([row(0, RANGE, [2, 5, 0], [3, 0, 0])]);
    expect<i32>(rolloutUndo(db, 1)).toBe(E_COMPAT_BREAKS);
    expect<bool>(contains(detailText(), "undo of 'db' from 2.5.0 to 2.4.0 would break running 'web' 1.0.0, which works with 'db' >=2.5.0 <3.0.0")).toBe(true);
    expect<i32>(drain().length).toBe(0);
    expect<i32>(rolloutStatus(db, 0)).toBe(0);
  });

  it("goes ahead when the dependant works with it", () => {
    const db = rolledOut(db2to3());
    expect<i32>(rolloutUndo(db, 1)).toBe(1);
    expect<i32>(rolloutStatus(db, 1)).toBe(1);
  });

  it("is refused for a revision long past: every revision in the history keeps its version", () => {
    // 15 more versioned services with 9 new revisions each: 135 revisions held in histories, more
    // than a shared ring of 128 remembered versions held (an undo to db's revision 1 went unchecked)
    const fillers = 15;
    expect<i32>(loadBlob(withFillers(4, db2to3(), fillers))).toBeGreaterThan(0);
    startAll();
    const strict = [row(0, RANGE, [2, 5, 0], [3, 0, 0])];
    expect<i32>(loadBlob(withFillers(5, db2to3(), fillers))).toBeGreaterThan(0);
    const db = lookup("db");
    expect<i32>(rolloutNew(db)).toBe(2);
    for (let round = 0; round < 20; round++) { answerAll(); advanceMs(1000); tick(); }
    expect<i32>(rolloutStatus(db, 2)).toBe(2);
    expect<i32>(loadBlob(withFillers(5, strict, fillers))).toBeGreaterThan(0);
    for (let f = 0; f < fillers; f++) {
      const id = lookup("filler-" + f.toString());
      for (let k = 0; k < 9; k++) expect<i32>(rolloutNew(id)).toBe(k + 2);
    }
    expect<i32>(rolloutUndo(db, 1)).toBe(E_COMPAT_BREAKS);
    expect<bool>(contains(detailText(), "undo of 'db' from 2.5.0 to 2.4.0 would break running 'web' 1.0.0")).toBe(true);
    expect<i32>(rolloutStatus(db, 0)).toBe(0);
  });
});

/** db 2.`dbMinor`.0, web 1.0.0 working with db `rows`, and `fillers` services filler-N at 1.0.0. */
function withFillers(dbMinor: i32, rows: u8[][], fillers: i32): u8[] {
  const w = new BlobWriter();
  w.service("db").record(TAG_COMPAT, compatPayload(2, dbMinor, 0, []));
  w.service("web").requires(0).record(TAG_COMPAT, compatPayload(1, 0, 0, rows));
  for (let f = 0; f < fillers; f++) w.service("filler-" + f.toString()).record(TAG_COMPAT, compatPayload(1, 0, 0, []));
  return w.finish();
}
