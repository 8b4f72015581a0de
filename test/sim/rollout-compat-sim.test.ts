// Seeded simulation of rollouts under version constraints (the rollout simulation's companion,
// rollout-sim.test.ts): `db` (2..4 instances, rolling) and its running dependant `web`, loaded
// from a manifest that reloads change at random: db's `version:` (a reload that changes it
// rolls out a new revision, as the supervisor does), web's `compatible:` range on db, or both;
// with undo commands to any revision in db's history, crashes of db instances mid-rollout and
// new revisions that never get ready (rolled back). Invariants, after every kernel event and
// every command: a running web never has a running db instance on a version outside its range;
// a refused reload or undo changed nothing (manifest revision, db's history and rollout) and was
// refused for a reason (a range does not hold the new version, or web's new range does not hold
// a version db's instances or its stable revision run); an accepted undo lands on a
// revision whose version the range holds; the history stays within its bound and holds the
// stable revision; a rollback goes to a revision that completed before; without crashes the
// available db instances never drop below what max-unavailable allows. Then a liveness phase:
// the faults healed, db converges to one revision. A failure says `reproduce with seed=... step=...`.
import { describe, it, expect } from "vitest";
import { Simulation, Rollouts, Recovery, splitmix32 } from "../../host/index.ts";
import { KernelManifest } from "../../host/kernel/manifest.ts";
import { parseManifest } from "../../host/manifest/parse.ts";
import { encodeManifest } from "../../host/manifest/blob.ts";
import { parseRange, parseVersion, type Interval, type Version } from "../../host/manifest/versions.ts";

const HISTORY_MAX = 10;
const SEEDS = Array.from({ length: 120 }, (_, i) => i + 1);
const VERSIONS = ["1.0.0", "1.5.0", "2.0.0", "2.3.0", "2.7.0", "3.0.0"];
const RANGES = ["^1", "^2", ">=2.3 <3", ">=1.5 <2.5", "*", "~2.3", ">=2 <3 || ^1"];

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
function holds(range: string, version: string): boolean {
  const intervals = parseRange(range) as Interval[];
  const v = parseVersion(version) as Version;
  return intervals.some((i) => (!i.low || (i.lowInclusive ? compare(v, i.low) >= 0 : compare(v, i.low) > 0))
    && (!i.high || (i.highInclusive ? compare(v, i.high) <= 0 : compare(v, i.high) < 0)));
}

function manifest(dbCount: number, surge: number, unavailable: number, dbVersion: string, range: string): Uint8Array {
  const { manifest, diagnostics } = parseManifest(`
services:
  db:
    instances: { count: ${dbCount} }
    version: ${dbVersion}
    update: { strategy: rolling, max-surge: ${surge}, max-unavailable: ${unavailable}, progress-deadline: 3s, failures-max: 1 }
  web:
    instances: { count: 2 }
    version: 1.0.0
    requires: [db]
    compatible: { db: "${range}" }
`, "services.yaml");
  if (!manifest) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return encodeManifest(manifest);
}

function run(seed: number, trace = false): string[] {
  const random = splitmix32(seed);
  const pick = (n: number) => Math.floor((random() / 4294967296) * n);
  const crashes = seed % 2 === 0;
  const sim = new Simulation({ profile: "debug", startDelayMs: 40, stopDelayMs: 10, jitterMs: 20, worldSeed: seed });
  const k = sim.kernel;
  const m = new KernelManifest(k);
  const rollouts = new Rollouts(k);
  const dbCount = 2 + pick(3);
  const surge = pick(3), unavailable = surge === 0 ? 1 + pick(2) : pick(3);
  let dbVersion = VERSIONS[2 + pick(3)]; // a 2.x: "^2" holds it
  let range = "^2";
  const versionOf = new Map<number, string>([[1, dbVersion]]); // what each db revision's instances run (the host spawns by revision)
  const load = (version: string, r: string) => m.load(manifest(dbCount, surge, unavailable, version, r));
  load(dbVersion, range);
  new Recovery(k).configure("db", { restart: "on-failure", restartsMax: 8, windowMs: 100, backoff: { kind: "fixed", baseMs: 50 } });
  k.start("web");
  sim.runFor(1000);
  const problems: string[] = [];
  let step = -1;
  const fail = (what: string) => { if (problems.length < 5) problems.push(`${what} at t=${sim.hal.nowMs()} (reproduce with seed=${seed} step=${step}: SEED=${seed} npx vitest run test/sim/rollout-compat-sim.test.ts -t traced)`); };
  const good = new Set<number>([1]);
  let lastStep = 0;
  const check = () => {
    const history = rollouts.history("db");
    const status = rollouts.status("db");
    if (history.length > HISTORY_MAX) fail(`db's history holds ${history.length} revisions`);
    if (!history.some((h) => h.revision === status.stable)) fail(`db's history lost the stable revision ${status.stable}`);
    if (k.state("web") !== "running") return;
    for (const h of k.instances("db")) {
      const v = versionOf.get(rollouts.revisionOf(h));
      if (k.instanceState(h) === "running" && v !== undefined && !holds(range, v)) {
        fail(`running web (works with db ${range}) has db instance ${h & 0xffff} running ${v} (revision ${rollouts.revisionOf(h)})`);
      }
    }
  };
  sim.onEvent((e) => {
    if (e.serviceName !== "db") return;
    check();
    if (e.kind === "rollout") {
      if (e.fromCode === 4) good.add(e.value); // complete
      if (lastStep === 5 && e.fromCode === 1 && !good.has(e.value)) fail(`rollback went to revision ${e.value}, never good`);
      lastStep = e.fromCode;
    }
    const status = rollouts.status("db");
    if (!crashes && e.kind === "instance-state" && status.phase !== "idle" && k.state("db") === "running" && status.available < status.desired - unavailable) {
      fail(`${status.available} db instances available < ${status.desired} - ${unavailable}`);
    }
  });
  const snapshot = () => JSON.stringify([k.exports.manifestRevision(), rollouts.history("db"), rollouts.status("db")]);
  for (step = 0; step < 30; step++) {
    const action = pick(10);
    if (trace) console.log(step, action, sim.hal.nowMs(), dbVersion, range, JSON.stringify(rollouts.status("db")), [...versionOf].join(" "), k.instances("db").map((h) => rollouts.revisionOf(h)).join(","));
    if (action < 4) { // a reload: db's version, web's range, or both
      const version = action === 2 ? dbVersion : VERSIONS[pick(VERSIONS.length)];
      const r = action === 1 ? range : RANGES[pick(RANGES.length)];
      const before = snapshot();
      let refused = "";
      try { load(version, r); } catch (error) { refused = String(error); }
      if (trace) console.log("  load", version, r, refused, k.state("db"));
      if (refused) {
        if (snapshot() !== before) fail(`a refused reload (${refused}) changed the kernel`);
        const runs = [rollouts.status("db").stable, ...k.instances("db").map((h) => rollouts.revisionOf(h))].map((rev) => versionOf.get(rev)!);
        if (holds(r, version) && holds(range, version) && (r === range || runs.every((v) => holds(r, v)))) {
          fail(`reload of db ${version}, web on db ${r} (db runs ${runs.join(",")}) refused though every range holds: ${refused}`);
        }
      } else {
        const changed = version !== dbVersion;
        range = r;
        dbVersion = version;
        const up = k.state("db") === "running" || k.state("db") === "starting" || rollouts.status("db").phase !== "idle"; // not at rest (manifest/sections/compat.ts)
        if (changed && up) {
          if (pick(3) === 0) sim.executor.hangOnStart("db", 1); // this revision's first instance never gets ready
          versionOf.set(rollouts.newRevision("db"), version);
        } else if (changed) versionOf.set(rollouts.status("db").stable, version); // at rest: its next start runs it
      }
    } else if (action < 6 && crashes) {
      const handles = k.instances("db").filter((h) => k.instanceState(h) === "running");
      if (handles.length > 0) sim.executor.crash("db", k.instances("db").indexOf(handles[pick(handles.length)]));
    } else if (action < 8) {
      const history = rollouts.history("db");
      const to = history[pick(history.length)].revision;
      const before = snapshot();
      try {
        rollouts.undo("db", to);
        if (trace) console.log("  undo", to);
        if (k.state("web") === "running" && !holds(range, versionOf.get(to)!)) fail(`undo to revision ${to} (db ${versionOf.get(to)}) taken though web works with db ${range}`);
      } catch (error) {
        if (snapshot() !== before) fail(`a refused undo (${String(error)}) changed the kernel`);
        if (/would break/.test(String(error)) && holds(range, versionOf.get(to)!)) fail(`undo to revision ${to} (db ${versionOf.get(to)}) refused though web works with db ${range}: ${String(error)}`);
      }
    }
    check();
    sim.runFor(50 + pick(700));
  }
  step = -1;
  sim.executor.heal?.();
  sim.runUntil(() => rollouts.status("db").phase === "idle" && k.instances("db").every((h) => k.instanceState(h) === "running"), 30_000);
  sim.runFor(1000);
  const status = rollouts.status("db");
  const revs = k.instances("db").map((h) => rollouts.revisionOf(h));
  if (status.phase !== "idle") fail(`db's rollout still ${status.phase} after the liveness phase`);
  if (revs.length !== dbCount || revs.some((r) => r !== status.stable)) fail(`db instances on ${revs.join(",")}, stable ${status.stable}`);
  if (k.state("web") !== "running") fail(`web ${k.state("web")} after the liveness phase`);
  check();
  return problems;
}

if (process.env.SEED) it("one seed, traced", () => { expect(run(Number(process.env.SEED), true)).toEqual([]); });

describe("seeded rollout simulation under version constraints", () => {
  it.each(SEEDS)("seed %i: reloads that change versions and ranges, undo, crashes keep the invariants", (seed) => {
    expect(run(seed)).toEqual([]);
  });
});
