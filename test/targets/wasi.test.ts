// The component target: built from build/release.wasm with jco's API, transpiled, and run by
// jco's runtime with a TypeScript HAL. It must replay the conformance program exactly like the core module,
// report a trap, refuse calls after it, and come back clean on restart.
import { beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildComponent, type ComponentBuild } from "../../targets/wasi/tools/build.ts";
import { ComponentKernel } from "../../targets/wasi/host/component-port.ts";
import { interfaceId } from "../../targets/wasi/tools/wit.ts";
import { VirtualHal } from "../../targets/node/hal.ts";
import { KernelTrap } from "../../targets/node/trap.ts";
import { buildProgram } from "../../targets/conformance/build-program.ts";
import { replay } from "../../targets/conformance/replay.ts";
import { replayOnLoader } from "../../targets/node/host.ts";
import { FAULT_ROUNDS } from "../../targets/conformance/faults.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { program } = buildProgram();
let built: ComponentBuild;

beforeAll(async () => { built = await buildComponent(); }, 300_000);

async function component(): Promise<ComponentKernel> {
  return ComponentKernel.create(new VirtualHal(program.seed));
}

describe("component (targets/wasi)", () => {
  it("has a WIT package with an imported hal and an exported kernel", async () => {
    const wit = await readFile(built.wit, "utf8");
    expect(wit).toContain("package myco:kernel@0.1.0;");
    expect(wit).toMatch(/interface hal \{[^}]*now-ms: func\(\) -> s64;[^}]*random-u32: func\(\) -> u32;[^}]*sleep-ms: func\(ms: u32\) -> u32;/s);
    expect(wit).toMatch(/world myco \{\s*import hal;\s*export kernel;\s*\}/);
  });

  it("renames only names: the core module imports the WIT hal and exports the WIT kernel", async () => {
    const core = new WebAssembly.Module(await readFile(built.core));
    const imports = WebAssembly.Module.imports(core);
    expect(new Set(imports.map((i) => i.module))).toEqual(new Set([interfaceId("hal")]));
    const exports = WebAssembly.Module.exports(core).map((e) => e.name);
    expect(exports).toContain("cabi_realloc");
    expect(exports).toContain("memory");
    expect(exports.filter((e) => e.startsWith(`${interfaceId("kernel")}#`)).length).toBe(exports.length - 2);
  });

  it("replays the conformance program with the same hashes as the core module under the loader", async () => {
    const kernel = await component();
    const viaComponent = replay(kernel, kernel.hal, program);
    const { result: viaLoader } = await replayOnLoader(join(root, "build/release.wasm"), program);
    expect(viaComponent.events).toBeGreaterThan(100);
    expect(viaComponent).toEqual(viaLoader);
  });

  it("passes names as strings and returns records, and error results as ComponentError payloads", async () => {
    const kernel = await component();
    const api = kernel.call((k) => k);
    const db = api.serviceRegister("db", 0, 2);
    const web = api.serviceRegister("web", 1, 1);
    expect(api.dependencyAddByName(web, "db", 1)).toBe(0);
    expect(api.serviceLookup("web")).toBe(web);
    expect(api.serviceName(db)).toBe("db");
    expect(api.order()).toEqual([{ id: db, wave: 0 }, { id: web, wave: 1 }]);
    expect(api.dependencyAddByName(web, "nope", 1)).toBeLessThan(0);
    expect(api.errorDetail()).toMatch(/nope/);
    const E_UNKNOWN_SERVICE = -6;
    expect(() => api.serviceName(9999)).toThrow(expect.objectContaining({ payload: E_UNKNOWN_SERVICE }));
    expect(api.startAll()).toBe(2);
    expect(api.actionsDrain().map((a) => [a.kind, a.service, a.arg])).toEqual([[1, db, 0], [1, db, 1]]);
  });

  it("lowers several inputs of one call back to back into the I/O buffer", async () => {
    const kernel = await component();
    const api = kernel.call((k) => k) as unknown as { discoveryPatternTest(pattern: string, text: string): number };
    expect(api.discoveryPatternTest("web-*", "web-1")).toBe(1);
    expect(api.discoveryPatternTest("web-*", "db")).toBe(0);
    expect(api.discoveryPatternTest("", "")).toBeGreaterThanOrEqual(0);
  });

  it("catches a trap with its kind, refuses calls after it, and restarts clean", async () => {
    const kernel = await component();
    // A name longer than the I/O buffer: cabi_realloc traps (no allocation, no silent truncation).
    const tooLong = "x".repeat(kernel.call((k) => k.ioCapacity()) + 1);
    let trap: unknown;
    try { kernel.call((k) => k.serviceRegister(tooLong, 0, 1)); } catch (error) { trap = error; }
    expect(trap).toBeInstanceOf(KernelTrap);
    expect((trap as KernelTrap).kind).toBe("unreachable");
    expect(() => kernel.call((k) => k.tick())).toThrow(KernelTrap);
    kernel.hal.reset();
    await kernel.restart();
    expect(kernel.trapped).toBeNull();
    const { result: viaLoader } = await replayOnLoader(join(root, "build/release.wasm"), program);
    expect(replay(kernel, kernel.hal, program)).toEqual(viaLoader);
  });

  it("routes the kernel's abort through the WIT hal with the strings as UTF-16 lists", async () => {
    // The core module alone, with the corruption of the fault rounds: the abort adapter must
    // measure the AssemblyScript strings and pass (pointer, units) pairs.
    const core = new WebAssembly.Module(await readFile(built.core));
    let now = 0n;
    let aborted: string[] = [];
    let memory!: WebAssembly.Memory;
    const text = (ptr: number, units: number) => String.fromCharCode(...new Uint16Array(memory.buffer, ptr, units));
    const hal = {
      "now-ms": () => now, "random-u32": () => 4, "sleep-ms": (ms: number) => { now += BigInt(ms); return 0; },
      abort: (m: number, mUnits: number, f: number, fUnits: number, line: number, column: number) => {
        aborted = [text(m, mUnits), text(f, fUnits), `${line}:${column}`];
      },
    };
    const instance = new WebAssembly.Instance(core, { [interfaceId("hal")]: hal });
    const call = (name: string, ...args: number[]) => (instance.exports[`${interfaceId("kernel")}#${name}`] as (...a: number[]) => number)(...args);
    memory = instance.exports.memory as WebAssembly.Memory;
    const ioPtr = (instance.exports.cabi_realloc as (...a: number[]) => number)(0, 0, 1, 4);
    new Uint8Array(memory.buffer, ioPtr, 3).set(new TextEncoder().encode("svc"));
    expect(call("service-register", ioPtr, 3, 0, 1)).toBe(0);
    const round = FAULT_ROUNDS[0];
    new Uint8Array(memory.buffer).fill(round.fill, ioPtr + call("io-capacity"), call("heap-high-water"));
    expect(() => call("service-stop", 0)).toThrow(WebAssembly.RuntimeError);
    expect(aborted[0]).toBe("Index out of range");
    expect(aborted[1]).toMatch(/staticarray\.ts$/);
  });

  it("reports its size next to the core module's", () => {
    expect(built.bytes.component).toBeGreaterThan(built.bytes.core);
    expect(built.bytes.core).toBeGreaterThan(built.bytes.release * 0.9);
  });
});
