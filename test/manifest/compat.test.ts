// `version:` and `compatible:` (manifest tag 0x89): npm-style ranges read into canonical
// intervals with file:line:col errors, compiled into the blob and read back, refused by the
// kernel when the manifest's own constraints do not hold, and skipped by the mcu profile.
import { describe, it, expect } from "vitest";
import { Kernel } from "../../host/kernel/kernel.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";
import { KernelManifest } from "../../host/kernel/manifest.ts";
import { parseManifest } from "../../host/manifest/parse.ts";
import { encodeManifest, decodeManifest } from "../../host/manifest/blob.ts";
import { parseRange, parseVersion, formatRange } from "../../host/manifest/versions.ts";
import { compileText, newKernel } from "./helpers.ts";

const two = (db: string, range: string) => `
services:
  db:
    version: ${db}
  web:
    version: 1.0.0
    requires: [db]
    compatible: { db: "${range}" }
`;

const canonical = (range: string) => {
  const parsed = parseRange(range);
  return typeof parsed === "string" ? parsed : formatRange(parsed);
};

describe("version ranges", () => {
  it.each([
    [">=2 <3", ">=2.0.0 <3.0.0"],
    ["2.x", ">=2.0.0 <3.0.0"],
    ["2", ">=2.0.0 <3.0.0"],
    ["2.4.x", ">=2.4.0 <2.5.0"],
    ["^2.4.1", ">=2.4.1 <3.0.0"],
    ["^0.3.1", ">=0.3.1 <0.4.0"],
    ["^0.0.3", ">=0.0.3 <0.0.4"],
    ["~2.4.1", ">=2.4.1 <2.5.0"],
    ["~2", ">=2.0.0 <3.0.0"],
    ["=1.2.3", ">=1.2.3 <=1.2.3"],
    [">1.2", ">=1.3.0"],
    ["<=1.2", "<1.3.0"],
    ["<= 1.2.3", "<=1.2.3"],
    ["*", "*"],
    [">=1 <2 || ^3.1", ">=1.0.0 <2.0.0 || >=3.1.0 <4.0.0"],
  ])("%s is %s", (range, expected) => expect(canonical(range)).toBe(expected));

  it("refuses what is not a range", () => {
    expect(canonical(">=3 <2")).toMatch(/holds no version/);
    expect(canonical("2.4.1-beta")).toMatch(/pre-release/);
    expect(canonical("banana")).toMatch(/not a version/);
    expect(canonical(">=1 ||")).toMatch(/empty alternative/);
    expect(parseVersion("70000.0.0")).toMatch(/larger than 65535/);
    expect(parseVersion(2.4)).toEqual([2, 4, 0]);
  });
});

describe("version: and compatible: in services.yaml", () => {
  it("compile into the blob and read back in canonical form", () => {
    const { manifest, blob } = compileText(two("2.4", "^2.1"));
    expect(manifest.services.find((s) => s.name === "web")).toMatchObject({ version: "1.0.0", compatible: [{ name: "db", range: ">=2.1.0 <3.0.0" }] });
    expect(decodeManifest(blob)).toEqual(manifest);
    expect(blob.includes(0x89)).toBe(true);
  });

  it("report bad versions, bad ranges and a range on a service that is no dependency at file:line:col", () => {
    const { manifest, diagnostics } = parseManifest(`
services:
  db:
    version: 2.x
  cache: {}
  web:
    requires: [db]
    compatible:
      db: ">=3 <2"
      cache: "1.x"
`, "services.yaml");
    expect(manifest).toBeNull();
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.field}: ${d.message}`)).toEqual([
      "4:14 version: service 'db': version '2.x' is a range; a service's version is one version (e.g. 2.4.1)",
      "9:11 compatible.db: service 'web': compatible.db '>=3 <2' holds no version (its lower bound is above its upper bound)",
      "10:7 compatible.cache: service 'web' declares versions of 'cache', which is not one of its dependencies (requires, wants, after)",
    ]);
  });

  it("the kernel refuses a manifest whose own constraints are not met, naming both services and versions", () => {
    const { m } = newKernel();
    expect(() => m.load(compileText(two("3.0.0", ">=2 <3")).blob))
      .toThrow("service 'web' 1.0.0 works with service 'db' >=2.0.0 <3.0.0, and the manifest gives service 'db' 3.0.0");
    expect(m.load(compileText(two("2.9.9", ">=2 <3")).blob)).toBe(1);
  });

  it("the mcu profile skips the section (no constraint tables there)", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "mcu" });
    expect(new KernelManifest(kernel).load(compileText(two("3.0.0", ">=2 <3")).blob)).toBe(1);
  });
});
