// Compile-time features: a profile that leaves the discovery layer out (`--use
// FEATURE_DISCOVERY=0`, assembly/features.ts) has none of that layer's exports (not stubs: the
// names are gone), a smaller module and a smaller RAM bill, and is still a working kernel.
// The profiles of asconfig.json keep every layer: build/mcu.wasm is the reference.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { compile } from "../../host/tools/build.ts";
import { KERNEL } from "./layering.ts";

/** The exported functions and constants of one kernel source file. */
function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(KERNEL, file), "utf8"), ts.ScriptTarget.Latest, false);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.canHaveModifiers(statement) || !ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) names.push(statement.name.text);
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) names.push(d.name.getText(source));
  }
  return names;
}

const exportsOf = (bytes: Uint8Array): string[] => WebAssembly.Module.exports(new WebAssembly.Module(new Uint8Array(bytes))).map((e) => e.name);

function instantiate(bytes: Uint8Array): Record<string, any> {
  let nowMs = 0n;
  const hal = {
    now_ms: () => nowMs, random_u32: () => 7, sleep_ms: (ms: number) => { nowMs += BigInt(ms); return 0; },
    abort: () => { throw new Error("kernel abort"); },
  };
  return new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), { hal }).exports as Record<string, any>;
}

describe("compile-time features", () => {
  const full = readFileSync(new URL("../../build/mcu.wasm", import.meta.url));
  let lean: Buffer;
  beforeAll(async () => {
    const out = join(mkdtempSync(join(tmpdir(), "myco-features-")), "mcu-no-discovery.wasm");
    await compile("mcu", ["--use", "FEATURE_DISCOVERY=0", "-o", out]);
    lean = readFileSync(out);
  });

  it("leaves out every export of the discovery layer, and nothing else", () => {
    const discovery = exportedNames("discovery/abi.ts");
    expect(discovery.length).toBeGreaterThan(10);
    const fullNames = exportsOf(full), leanNames = new Set(exportsOf(lean));
    for (const name of discovery) {
      expect(fullNames, name).toContain(name);
      expect(leanNames.has(name), `${name} is still exported`).toBe(false);
    }
    expect(fullNames.filter((name) => !leanNames.has(name)).sort()).toEqual([...discovery].sort());
  });

  it("makes the module and its memory smaller, and still runs services", () => {
    expect(lean.length).toBeLessThan(full.length - 2_000);
    const kernel = instantiate(lean), reference = instantiate(full);
    expect(kernel.heapHighWater()).toBeLessThan(reference.heapHighWater() - 256);
    const name = new TextEncoder().encode("sensor");
    new Uint8Array(kernel.memory.buffer, kernel.ioBuffer(), name.length).set(name);
    const id = kernel.serviceRegister(name.length, 0, 1);
    expect(id).toBe(0);
    expect(kernel.serviceStart(id)).toBe(0);
    expect(kernel.actionsPending()).toBe(1); // the spawn
    expect(kernel.serviceTagAdd(id, 0)).toBeLessThan(0); // an empty tag is refused, as in the full kernel
  });
});

describe("FEATURE_PLACEMENT=0", () => {
  it("removes every export of the placement layer from a release module, and nothing else", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "myco-features-")), "release-no-placement.wasm");
    await compile("release", ["--use", "FEATURE_PLACEMENT=0", "-o", out]);
    const placement = exportedNames("placement/abi.ts");
    expect(placement.length).toBeGreaterThan(15);
    const fullNames = exportsOf(readFileSync(new URL("../../build/release.wasm", import.meta.url))), leanNames = new Set(exportsOf(readFileSync(out)));
    expect(fullNames.filter((name) => !leanNames.has(name)).sort()).toEqual([...placement].sort());
    const kernel = instantiate(readFileSync(out)), reference = instantiate(readFileSync(new URL("../../build/release.wasm", import.meta.url)));
    expect(kernel.heapHighWater()).toBeLessThan(reference.heapHighWater() - 16_000); // its tables are not reserved
  }, 120_000);
});
