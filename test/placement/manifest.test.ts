// The `placement:` section of services.yaml (issue 13): parsed with file:line:col errors,
// compiled into the blob (tag 0x84), decoded back, applied by the kernel's manifest loader
// through the ABI's setters, shown by `myco check`; a malformed section rejects the whole blob
// and changes nothing.
import { describe, expect, it } from "vitest";
import { Kernel, VirtualHal, Fleet, KernelManifest, ManifestLoadError } from "../../host/index.ts";
import { parseManifest } from "../../host/manifest/parse.ts";
import { encodeManifest, decodeManifest, seal, HEADER_BYTES, TAG } from "../../host/manifest/blob.ts";
import { placementSummaries, placementLine } from "../../host/cli/commands/check-placement.ts";

const YAML = `services:
  db:
    placement:
      class: critical
      requests: { cpu: 500, memory: 1GiB }
      rules:
        - { zone: eu-west, action: prefer, priority: 80 }
        - { label: disk=ssd, action: require }
        - { trust-at-least: 60, action: require }
        - { load-above: 85, action: avoid }
      spread: zone
      migration: { strategy: live, downtime: 200ms }
      deployment: { model: replicated, backups: 2 }
  plc:
    placement:
      class: client
      assignment: direct
      nodes: [gw-1, gw-2]
      migration: { strategy: blue-green, health-gate: 30s }
  kv:
    placement:
      class: distributed
      max-per-node: 1
      scoring: spread
      deployment: { model: auto, traits: [own-consensus], shards: 16, rebalance: 2 }
  web: {}
`;

function compile(text: string) {
  const { manifest, diagnostics } = parseManifest(text, "services.yaml");
  if (!manifest) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join("\n"));
  return { manifest, blob: encodeManifest(manifest) };
}

function problems(text: string): string[] {
  return parseManifest(text, "services.yaml").diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.field}: ${d.message}`);
}

/** The offset of a service's record with `tag`. */
function recordOffset(blob: Uint8Array, tag: number, nth = 0): number {
  const view = new DataView(blob.buffer, blob.byteOffset);
  for (let at = HEADER_BYTES, seen = 0; at < blob.length; at += 3 + view.getUint16(at + 1, true)) {
    if (blob[at] === tag && seen++ === nth) return at;
  }
  throw new Error(`no record ${tag}`);
}

describe("the placement: section", () => {
  it("is normalized, and a blob decodes back to the same manifest", () => {
    const { manifest, blob } = compile(YAML);
    const db = manifest.services.find((s) => s.name === "db")!.placement!;
    expect(db.requests).toEqual({ cpu: 500, memory: 1024 });
    expect(db.rules).toEqual([
      { condition: "label", value: "zone=eu-west", action: "prefer", priority: 80 },
      { condition: "label", value: "disk=ssd", action: "require", priority: 50 },
      { condition: "trust-at-least", value: 60, action: "require", priority: 50 },
      { condition: "load-above", value: 85, action: "avoid", priority: 50 },
    ]);
    expect(db.migration).toEqual({ strategy: "live", batch: 1, ms: 200 });
    expect(manifest.services.find((s) => s.name === "web")!.placement).toBeUndefined();
    expect(decodeManifest(blob)).toEqual(manifest);
    expect(recordOffset(blob, TAG.placement)).toBeGreaterThan(HEADER_BYTES);
  });

  it("is applied by the kernel's loader: the spec, the rules, the direct nodes, auto's choice", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
    new KernelManifest(kernel).load(compile(YAML).blob);
    const fleet = new Fleet(kernel);
    expect(fleet.specOf("db")).toMatchObject({ class: "critical", spreadZone: true, migration: { strategy: "live", ms: 200 }, backups: 2, conditionRules: 3 });
    expect(fleet.specOf("kv").deployment).toMatchObject({ declared: "auto", model: "native" });
    expect(fleet.specOf("web")).toMatchObject({ class: "client", assignment: "automatic" });
    // the direct nodes are the operator's, in order: the placement follows them
    for (const name of ["other", "gw-2", "gw-1"]) fleet.addNode(name, { tier: "rhizomorph", capacity: { cpu: 1000 } });
    fleet.place("plc", 1);
    expect(fleet.count("plc", "gw-1")).toBe(1);
    // the rules hold: only a node with disk=ssd and trust >= 60 takes db
    fleet.addNode("s1", { tier: "sclerotia", capacity: { cpu: 4000, memory: 4096 }, labels: ["disk=ssd"], trust: 50 });
    fleet.addNode("s2", { tier: "sclerotia", capacity: { cpu: 4000, memory: 4096 }, labels: ["disk=ssd"], trust: 70 });
    fleet.addNode("s3", { tier: "sclerotia", capacity: { cpu: 4000, memory: 4096 }, trust: 90 });
    fleet.place("db", 1);
    expect(fleet.count("db", "s2")).toBe(1);
    expect(fleet.used("s2")).toMatchObject({ cpu: 500, memory: 1024 });
  });

  it("a reload that drops the section restores the defaults", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
    const m = new KernelManifest(kernel);
    m.load(compile(YAML).blob);
    m.load(compile(YAML.replace(/  kv:\n    placement:\n(      .*\n)+/, "  kv: {}\n")).blob);
    expect(new Fleet(kernel).specOf("kv")).toMatchObject({ class: "client", maxPerNode: 0, deployment: { declared: "standard" } });
  });

  it("reports bad input at file:line:col, naming the field and the value", () => {
    const bad = (section: string) => problems(`services:\n  svc:\n    placement:\n${section}`);
    expect(bad("      clas: critical\n")).toEqual([expect.stringMatching(/^services.yaml:4:7: clas: unknown key 'clas' in placement \(did you mean 'class'\?\)/)]);
    expect(bad("      class: vip\n")).toEqual([expect.stringMatching(/^services.yaml:4:14: placement.class: expected one of critical, user, client, distributed, got/)]);
    expect(bad("      rules:\n        - { tier: sclerotia, zone: eu, action: require }\n")).toEqual([expect.stringMatching(/services.yaml:5:11: placement.rules\[0\]: a rule needs exactly one condition .* got tier, zone/)]);
    expect(bad("      rules:\n        - { label: nolabel, action: require }\n")).toEqual([expect.stringMatching(/:5:\d+: placement.rules\[0\].label: expected a key=value label/)]);
    expect(bad("      assignment: direct\n")).toEqual([expect.stringMatching(/:4:19: placement.assignment: direct needs nodes/)]);
    expect(bad("      migration: { strategy: blue-green, interval: 5s }\n")).toEqual([expect.stringMatching(/placement.migration.interval: 'interval' is not a setting of blue-green \(it takes health-gate\)/)]);
    expect(bad("      deployment: { model: native, shards: 8 }\n")).toEqual([expect.stringMatching(/:4:19: placement.deployment: native needs shards .* and rebalance/)]);
    expect(bad("      rules:\n        - { label: a=b, action: require }\n        - { label: a=b, action: forbid }\n")).toEqual([expect.stringMatching(/label 'a=b' is both required and forbidden/)]);
  });

  it("a malformed section in a blob is rejected whole, naming the service, and changes nothing", () => {
    const { blob } = compile(YAML);
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
    const m = new KernelManifest(kernel);
    const at = recordOffset(blob, TAG.placement);
    const cases: [string, (b: Uint8Array) => void, RegExp][] = [
      ["class 9", (b) => { b[at + 3] = 9; }, /'db': placement class 9 is not critical, user, client or distributed/],
      ["deployment 7", (b) => { b[at + 3 + 13] = 7; }, /'db': placement deployment 7 is not standard/],
      ["a request for resource 12", (b) => { b[at + 3 + 21] = 12; }, /'db': placement request resource 12 is outside 0..9/],
      ["a cut record", (b) => { new DataView(b.buffer).setUint16(at + 1, 10, true); }, /'db': record \(tag 132\) of 10 bytes does not hold its fields/],
    ];
    for (const [name, edit, text] of cases) {
      const bad = blob.slice();
      edit(bad);
      expect(() => m.load(seal(bad)), name).toThrow(ManifestLoadError);
      expect(() => m.load(seal(bad)), name).toThrow(text);
      expect(m.revision, name).toBe(0);
      expect(kernel.exports.serviceCount(), name).toBe(0);
    }
    expect(m.load(blob)).toBe(1); // still usable
  });

  it("loads on every build profile (a profile without placement skips the section)", () => {
    const { blob } = compile(YAML);
    for (const profile of ["release", "mcu", "bench", "debug"] as const) {
      expect(new KernelManifest(new Kernel({ hal: new VirtualHal(1), profile })).load(blob), profile).toBe(1);
    }
  });

  it("`myco check` shows each section as the kernel holds it, with auto's rationale", () => {
    const lines = placementSummaries(compile(YAML).manifest).map(placementLine);
    expect(lines).toEqual([
      "  db: placement critical, automatic, binpack; deployment replicated, 2 backups per instance; migration live",
      "  plc: placement client, direct, binpack; deployment standard; migration blue-green",
      "  kv: placement distributed, automatic, spread; deployment auto -> native (natively distributed with its own consensus: native shards), 16 shards, 2 per step; migration rolling",
    ]);
  });
});
