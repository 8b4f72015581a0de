// The RUN DIGEST section (tag 0x8A): the digest of a service's run spec. Whether a reload that changes
// it makes a new revision, and how that revision goes out, is the kernel's decision
// (assembly/rollout/reload.ts): up -> rolled out, in a rollout -> superseded, paused -> stays
// paused, at rest -> stable at once (step `adopt`), unchanged -> nothing.
import { describe, it, expect } from "vitest";
import { Simulation } from "../../host/executors/simulation.ts";
import { KernelManifest, ManifestLoadError } from "../../host/kernel/manifest.ts";
import { Rollouts, ROLLOUT_STEPS } from "../../host/kernel/rollout.ts";
import { encodeManifest, decodeManifest, seal, TAG } from "../../host/manifest/blob.ts";
import { parseHostManifest } from "../../host/supervisor/host-manifest.ts";
import { compileText } from "./helpers.ts";

const ADOPT = ROLLOUT_STEPS.indexOf("adopt");
const YAML = `services:\n  web:\n    instances: 3\n    update: { max-surge: 0, max-unavailable: 1, batch-interval: 2s }\n`;

/** The manifest with web's run-spec digest `digest` (undefined: no RUN DIGEST section). */
function blob(digest: number | undefined, yaml = YAML): Uint8Array {
  const { manifest } = compileText(yaml);
  manifest.services[0].runDigest = digest;
  return encodeManifest(manifest);
}

function device(digest: number | undefined) {
  const sim = new Simulation({ profile: "debug", startDelayMs: 100, stopDelayMs: 10 });
  const m = new KernelManifest(sim.kernel);
  m.load(blob(digest));
  return { sim, m, rollouts: new Rollouts(sim.kernel) };
}

const revisions = (d: ReturnType<typeof device>) => d.sim.kernel.instances("web").map((h) => d.rollouts.revisionOf(h));

describe("RUN DIGEST section: the kernel decides what a changed run spec means", () => {
  it("round-trips through the blob and a kernel dump; the host's digest covers run: and version:, not where they are written", () => {
    expect(decodeManifest(blob(0x1234567)).services[0].runDigest).toBe(0x1234567);
    const d = device(0x1234567);
    expect(d.m.dump().services[0].runDigest).toBe(0x1234567);
    const digest = (text: string) => parseHostManifest(text, "services.yaml", "/tmp").hostManifest!.manifest.services[0].runDigest;
    const base = `services:\n  web:\n    type: system\n    run: { command: /bin/sleep, args: ["60"] }\n`;
    expect(digest(base)).toBe(digest(`\n\n${base}`));
    expect(digest(base)).not.toBe(digest(base.replace('"60"', '"61"')));
    expect(digest(base)).not.toBe(digest(base.replace("services:\n  web:\n", "services:\n  web:\n    version: 1.2.0\n")));
    expect(digest(base)).toBeGreaterThan(0);
    expect(digest(base)).toBeLessThan(2 ** 31);
  });

  it("a running service: a new revision rolled out by its strategy; each revision keeps its digest", () => {
    const d = device(101);
    d.sim.kernel.startAll();
    d.sim.runFor(2_000);
    d.m.load(blob(101)); // unchanged: nothing
    expect(d.rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
    d.m.load(blob(202));
    expect(d.rollouts.status("web")).toMatchObject({ phase: "rolling", target: 2, stable: 1 });
    d.sim.runFor(30_000);
    expect(d.rollouts.status("web")).toMatchObject({ phase: "idle", stable: 2 });
    expect(revisions(d)).toEqual([2, 2, 2]);
    expect(d.rollouts.revisionDigest("web", 1)).toBe(101);
    expect(d.rollouts.revisionDigest("web", 2)).toBe(202);
    expect(() => d.rollouts.revisionDigest("web", 9)).toThrow(/web.*revision 9 is not in its history/);
    d.rollouts.undo("web", 1); // an undo goes back to revision 1's own spec
    d.sim.runFor(30_000);
    expect(revisions(d)).toEqual([1, 1, 1]);
    expect(d.rollouts.revisionDigest("web", 1)).toBe(101);
  });

  it("a change in a rollout supersedes it: the target moves, no instance stays on the superseded revision", () => {
    const d = device(101);
    d.sim.kernel.startAll();
    d.sim.runFor(2_000);
    d.m.load(blob(202));
    d.sim.runFor(1_000); // one batch replaced; the next waits the batch interval
    expect(revisions(d)).toContain(2);
    d.m.load(blob(303));
    expect(d.rollouts.status("web")).toMatchObject({ phase: "rolling", target: 3, stable: 1 });
    d.sim.runFor(30_000);
    expect(d.rollouts.status("web")).toMatchObject({ phase: "idle", stable: 3 });
    expect(revisions(d)).toEqual([3, 3, 3]);
    expect(d.rollouts.history("web").map((h) => `${h.revision} ${h.outcome}`)).toEqual(["1 good", "2 superseded", "3 good"]);
  });

  it("a paused rollout stays paused on a change; resumed, it goes to the newest revision", () => {
    const d = device(101);
    d.sim.kernel.startAll();
    d.sim.runFor(2_000);
    d.m.load(blob(202));
    d.rollouts.pause("web");
    const before = revisions(d).join();
    d.m.load(blob(303));
    d.sim.runFor(10_000);
    expect(d.rollouts.status("web")).toMatchObject({ phase: "paused", target: 3 });
    expect(revisions(d).join()).toBe(before);
    d.rollouts.resume("web");
    d.sim.runFor(30_000);
    expect(revisions(d)).toEqual([3, 3, 3]);
  });

  it("a service at rest: the new revision is stable at once (step adopt), and its next start runs it", () => {
    const d = device(101);
    const from = d.sim.events.length;
    d.m.load(blob(202));
    expect(d.rollouts.status("web")).toMatchObject({ phase: "idle", stable: 2, target: 2 });
    d.sim.runFor(1);
    expect(d.sim.events.slice(from).some((e) => e.kind === "rollout" && e.fromCode === ADOPT && e.value === 2)).toBe(true);
    d.sim.kernel.startAll();
    d.sim.runFor(2_000);
    expect(revisions(d)).toEqual([2, 2, 2]);
    expect(d.rollouts.history("web")).toEqual([{ revision: 1, outcome: "good" }, { revision: 2, outcome: "good" }]);
  });

  it("no digest before (an older blob) or after: no revision; a blob's first digest labels the stable revision", () => {
    const d = device(undefined);
    d.sim.kernel.startAll();
    d.sim.runFor(2_000);
    d.m.load(blob(101));
    expect(d.rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
    expect(d.rollouts.revisionDigest("web", 1)).toBe(101);
    d.m.load(blob(undefined));
    expect(d.rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
  });

  it("a RUN record that is not 4 bytes of 31 bits is refused, naming the service; nothing changes", () => {
    const d = device(101);
    const bad = blob(101);
    const at = bad.length - 7; // the RUN record (tag, u16 length, u32) is the blob's last
    expect(bad[at]).toBe(TAG.runDigest);
    new DataView(bad.buffer).setUint32(at + 3, 0x8000_0001, true);
    expect(() => d.m.load(seal(bad))).toThrow(ManifestLoadError);
    expect(() => d.m.load(seal(bad))).toThrow(/web/);
    expect(d.rollouts.revisionDigest("web", 1)).toBe(101);
  });
});
