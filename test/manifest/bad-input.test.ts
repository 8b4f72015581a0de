// Bad input: every kind the issue lists, from YAML (file:line:col diagnostics, the real CLI as a
// child process) and from blobs (an error code and the offset; the kernel unchanged).
import { describe, it, expect } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseManifest } from "../../host/manifest/parse.ts";
import { formatDiagnostic } from "../../host/manifest/diagnostics.ts";
import { seal } from "../../host/manifest/blob.ts";
import { ManifestLoadError } from "../../host/kernel/manifest.ts";
import { ROOT, examples, compileFile, compileText, newKernel, SECRET_ENV } from "./helpers.ts";

const check = (text: string, options = {}) => parseManifest(text, "services.yaml", options).diagnostics.map(formatDiagnostic);

describe("manifest validation (YAML)", () => {
  it("unknown keys carry file:line:col and a did-you-mean", () => {
    expect(check("services:\n  a:\n    tpye: user\n")).toEqual([
      expect.stringMatching(/^services\.yaml:3:5: service 'a', field 'tpye': unknown key 'tpye' \(did you mean 'type'\?\)/),
    ]);
    expect(check("services:\n  a:\n    restart: { polcy: always }\n")[0]).toMatch(/3:16: .*unknown key 'polcy' in restart \(did you mean 'policy'\?\)/);
    expect(check("servcies: {}\n")[0]).toMatch(/did you mean 'services'/);
  });

  it("wrong types and values out of range", () => {
    expect(check("services:\n  a:\n    instances: lots\n")[0]).toMatch(/3:16: service 'a', field 'instances': expected an integer, got string "lots"/);
    expect(check("services:\n  a:\n    instances: 65\n")[0]).toMatch(/65 is out of range 0\.\.64/);
    expect(check("services:\n  a:\n    timeouts: { start: soon }\n")[0]).toMatch(/timeouts.start.*expected a duration/);
    expect(check("services:\n  a:\n    type: daemon\n")[0]).toMatch(/expected one of system, user/);
    expect(check("services:\n  a:\n    config:\n      port: { type: int, min: 1, max: 10, value: 11 }\n")[0])
      .toMatch(/4:\d+: service 'a', field 'config.port': value 11 from service is outside 1\.\.10/);
    expect(check("services:\n  a:\n    config:\n      mode: { type: enum, choices: [fast, slow], value: fsat }\n")[0])
      .toMatch(/is not one of fast, slow \(did you mean 'fast'\?\)/);
  });

  it("duplicate services", () => {
    expect(check("services:\n  a: {}\n  a: {}\n")[0]).toMatch(/^services\.yaml:3:3: .*declared twice/);
  });

  it("unknown dependency names the missing service and the one that asked; cycles show the whole path", () => {
    expect(check("services:\n  web:\n    requires: [dbb]\n  db: {}\n")[0])
      .toMatch(/3:16: service 'web', field 'requires': service 'web' requires 'dbb', which is not a service in this manifest \(did you mean 'db'\?\)/);
    expect(check("services:\n  a: { requires: [b] }\n  b: { wants: [c] }\n  c: { after: [a] }\n")[0])
      .toMatch(/dependency cycle: a -> b -> c -> a/);
  });

  it("templates that do not exist or inherit in a cycle", () => {
    expect(check("services:\n  a: { template: http-sever }\n")[0]).toMatch(/template 'http-sever' does not exist \(did you mean 'http-server'\?\)/);
    const cyclic = "templates:\n  t1: { template: t2 }\n  t2: { template: t1 }\nservices:\n  a: { template: t1 }\n";
    expect(check(cyclic)[0]).toMatch(/templates inherit in a cycle: t1 -> t2 -> t1/);
  });

  it("secrets given where they would be logged; a required secret with no source", () => {
    const text = "services:\n  a:\n    config:\n      token: { type: string, secret: true, value: hunter2hunter2 }\n";
    const out = check(text);
    expect(out[0]).toMatch(/4:\d+: .*secret 'token' is given in a manifest file.*MYCO_A_TOKEN/);
    expect(out.join("\n")).not.toContain("hunter2hunter2");
    expect(check("services:\n  a:\n    config:\n      token: { type: string, secret: true, required: true }\n")[0]).toMatch(/required and no source/);
    expect(check("services:\n  a:\n    config:\n      token: { type: string, secret: true, required: true }\n", { env: { MYCO_A_TOKEN: "x" } })).toEqual([]);
  });

  it("config precedence: default < template < service < environment < command line", () => {
    const yaml = "templates:\n  t: { config: { k: { type: int, default: 1, value: 2 } } }\nservices:\n  a: { template: t, config: { k: 3 } }\n";
    const value = (options = {}) => compileText(yaml, options).manifest.services[0].config[0].value;
    expect(value()).toBe(3);
    expect(value({ env: { MYCO_A_K: "4" } })).toBe(4);
    expect(value({ env: { MYCO_A_K: "4" }, overrides: ["a.k=5"] })).toBe(5);
    expect(compileText("services:\n  a: { config: { k: { type: int, default: 1 } } }\n").manifest.services[0].config[0].value).toBe(1);
    expect(check("services:\n  a: { config: { k: 1 } }\n", { overrides: ["a.kk=2"] })[0]).toMatch(/does not declare \(did you mean 'k'\?\)/);
  });
});

describe("myco CLI", () => {
  const cli = join(ROOT, "host/cli/myco.js");
  const dir = mkdtempSync(join(tmpdir(), "myco-cli-"));

  it("check: exit 0 and a one-line summary for every example", () => {
    for (const file of examples()) {
      const out = execFileSync(process.execPath, [cli, "check", file], { encoding: "utf8" });
      expect(out.trim().split("\n")).toHaveLength(1);
      expect(out).toMatch(/ok: \d+ services/);
    }
  });

  it("check: exit 1 and FILE:LINE:COL lines for a bad manifest", () => {
    const bad = join(dir, "services.yaml");
    writeFileSync(bad, "services:\n  a:\n    requires: [ghost]\n    instancs: 2\n");
    const run = spawnSync(process.execPath, [cli, "check", bad], { encoding: "utf8" });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:3:16: .*'ghost'`));
    expect(lines[1]).toMatch(/:4:5: .*did you mean 'instances'/);
  });

  it("compile: writes the blob the kernel loads; usage errors exit 2", () => {
    const out = join(dir, "services.myco");
    const file = examples().find((f) => f.includes("sensor-node"))!;
    execFileSync(process.execPath, [cli, "compile", file, "-o", out], { encoding: "utf8" });
    expect(existsSync(out)).toBe(true);
    const { m } = newKernel();
    expect(m.load(new Uint8Array(readFileSync(out)))).toBe(1);
    expect(spawnSync(process.execPath, [cli, "compile", file], { encoding: "utf8" }).status).toBe(2);
  });
});

describe("manifest validation (blob, in the kernel)", () => {
  const { blob } = compileFile(examples()[0], { env: SECRET_ENV });

  function rejects(bytes: Uint8Array, code: string, offset?: number): void {
    const { m, kernel } = newKernel();
    m.load(blob);
    const before = JSON.stringify(m.dump());
    const events = kernel.readEvents().length;
    let error: unknown;
    try { m.load(bytes); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ManifestLoadError);
    expect((error as ManifestLoadError).codeName).toBe(code);
    expect((error as ManifestLoadError).message).toMatch(/at offset \d+/);
    if (offset !== undefined) expect((error as ManifestLoadError).offset).toBe(offset);
    expect(JSON.stringify(m.dump())).toBe(before);
    expect(m.revision).toBe(1);
    expect(kernel.readEvents().map((e) => e.kind)).toEqual(["manifest-rejected"]);
    void events;
  }

  it("truncated, oversized, future version, bad checksum, bad magic", () => {
    rejects(blob.subarray(0, 10), "E_MANIFEST_TRUNCATED", 0);
    rejects(blob.subarray(0, blob.length - 5), "E_MANIFEST_TRUNCATED", 8);
    const { m, kernel } = newKernel();
    expect(() => m.load(new Uint8Array(m.x.manifestCapacity() + 1))).toThrow(/past the manifest limit/); // staging refuses it
    expect(kernel.exports.lastError === undefined || m.x.manifestLoad(m.x.manifestCapacity() + 1)).toBe(-201); // E_MANIFEST_TOO_LARGE
    const future = blob.slice(); future[4] = 3; rejects(seal(future), "E_MANIFEST_VERSION", 4); // this kernel reads version 2
    const flipped = blob.slice(); flipped[100] ^= 0x10; rejects(flipped, "E_MANIFEST_CHECKSUM", 12);
    const magic = blob.slice(); magic[0] = 0x4e; rejects(magic, "E_MANIFEST_MAGIC", 0);
  });

  it("an unknown critical record is refused; an unknown ancillary one is skipped (and kept)", () => {
    const withRecord = (tag: number) => {
      const extra = Uint8Array.of(tag, 2, 0, 0xab, 0xcd);
      const out = new Uint8Array(blob.length + extra.length);
      out.set(blob); out.set(extra, blob.length);
      return seal(out);
    };
    rejects(withRecord(0x3f), "E_MANIFEST_UNKNOWN_SECTION", blob.length);
    const { m } = newKernel();
    expect(m.load(withRecord(0xf0))).toBe(1);
    expect(Array.from(m.dumpBlob().subarray(-5))).toEqual([0xf0, 2, 0, 0xab, 0xcd]);
  });

  it("names the service and field of a bad value inside the blob", () => {
    const { blob: bad } = compileText("services:\n  svc-a:\n    config:\n      port: { type: int, min: 1, max: 9, value: 5 }\n");
    const at = bad.indexOf(5, bad.length - 9); // the value's low byte is the last i64's first byte
    const patched = bad.slice(); patched[at] = 50;
    const { m } = newKernel();
    expect(() => m.load(seal(patched))).toThrow(/service 'svc-a': config 'port' value 50 is outside 1\.\.9 \(at offset \d+\)/);
  });
});
