// The kernel ABI as the targets read it (targets/abi): complete against the built module, with
// record layouts that match the kernel's, and refusing to guess how a new byte export travels.
import { describe, expect, it } from "vitest";
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kernelAbi, kebab } from "../../targets/abi/abi.ts";
import { RECORDS, FIELD_BYTES } from "../../targets/abi/bytes.ts";
import { generateWit } from "../../targets/wasi/tools/wit.ts";
import { generateApiHeader, generateApiSource, snake } from "../../targets/firmware/tools/gen-api.ts";
import { Fnv1a64, Xorshift32 } from "../../targets/conformance/determinism.ts";
import { loadScenario } from "../../targets/conformance/scenario.ts";
import { generateScenarioHeader } from "../../targets/firmware/tools/gen-scenario.ts";
import { MissingToolError } from "../../targets/tools/toolchain.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("kernel ABI (targets/abi)", () => {
  const abi = kernelAbi();

  it("lists exactly the function exports of build/release.wasm", () => {
    const module = new WebAssembly.Module(readFileSync(join(root, "build/release.wasm")));
    const wasm = WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name).sort();
    expect(abi.functions.map((f) => f.name).sort()).toEqual(wasm);
  });

  it("gives every export one WIT function and one C wrapper", () => {
    const wit = generateWit(abi);
    const header = generateApiHeader(abi);
    const source = generateApiSource(abi);
    for (const fn of abi.functions.filter((f) => !f.moduleOnly)) {
      expect(wit).toContain(`  ${fn.witName}: func(`);
      expect(header).toContain(`int32_t myco_${snake(fn.name)}(`);
      expect(source).toContain(`Z_kernelZ_${fn.name}(&myco_kernel`);
    }
    expect(wit).toContain("service-register: func(name: string, %type: s32, instances: s32) -> s32;");
    expect(wit).toContain("events-read: func(from-seq: u32) -> list<event>;");
    expect(wit).toContain("service-name: func(id: s32) -> result<string, s32>;");
  });

  it("describes records with canonical-ABI alignment; events have no gaps (the hash covers every byte)", () => {
    expect(RECORDS.event.bytes).toBe(32);
    expect(RECORDS.action.bytes).toBe(16);
    for (const layout of Object.values(RECORDS)) {
      let end = 0;
      for (const field of layout.fields) {
        expect(field.offset % FIELD_BYTES[field.type]).toBe(0); // canonical ABI alignment
        expect(field.offset).toBeGreaterThanOrEqual(end);
        end = field.offset + FIELD_BYTES[field.type];
      }
      expect(end).toBeLessThanOrEqual(layout.bytes);
      expect(layout.bytes % layout.align).toBe(0);
    }
    expect(RECORDS.event.fields.reduce((n, f) => n + FIELD_BYTES[f.type], 0)).toBe(RECORDS.event.bytes);
  });

  it("refuses a new export whose byte length parameter it does not know", () => {
    const dir = mkdtempSync(join(tmpdir(), "myco-abi-"));
    const index = join(dir, "index.ts");
    const real = `export * from ${JSON.stringify(join(root, "assembly/index"))};`;
    writeFileSync(index, `${real}\nexport function widgetAdd(id: i32, labelLength: i32): i32 { return 0; }\n`);
    expect(() => kernelAbi(index)).toThrow(/labelLength.*targets\/abi\/bytes\.ts/);
    writeFileSync(index, `${real}\n/** Writes the widget's label to the buffer. */\nexport function widgetLabel(id: i32): i32 { return 0; }\n`);
    expect(() => kernelAbi(index)).toThrow(/BYTES_OUT/);
  });

  it("names things the way each target expects", () => {
    expect(kebab("errorMessageOf")).toBe("error-message-of");
    expect(snake("eventsNextSeq")).toBe("events_next_seq");
  });
});

describe("the deterministic pieces every host shares", () => {
  it("FNV-1a 64 matches the published test vectors", () => {
    const hex = (text: string) => { const h = new Fnv1a64(); h.update(new TextEncoder().encode(text)); return h.hex(); };
    expect(hex("")).toBe("cbf29ce484222325");
    expect(hex("a")).toBe("af63dc4c8601ec8c");
    expect(hex("foobar")).toBe("85944171f73967e8");
  });

  it("xorshift32 (13, 17, 5) gives Marsaglia's sequence and never sticks at zero", () => {
    const random = new Xorshift32(1);
    expect([random.next(), random.next(), random.next()]).toEqual([270369, 67634689, 2647435461]);
    expect(new Xorshift32(0).next()).not.toBe(0);
  });
});

describe("the conformance scenario", () => {
  it("compiles to an op list with services, faults and expected errors", () => {
    const scenario = loadScenario();
    expect(scenario.services.length).toBeGreaterThanOrEqual(6);
    const ops = scenario.ops.map((o) => o.op);
    for (const op of ["register", "depend", "hang", "startAll", "run", "exit", "stop", "stopAll"] as const) expect(ops).toContain(op);
    expect(scenario.ops.some((o) => o.expect !== null && o.expect < 0)).toBe(true);
    const header = generateScenarioHeader(scenario);
    expect(header).toContain(`#define SCENARIO_OP_COUNT ${scenario.ops.length}`);
    expect(header).toContain("{SCENARIO_OP_START_ALL, -1, -1, 0, 0, \"\", 0, false},");
  });

  it("rejects a step that names an unknown service", () => {
    const dir = mkdtempSync(join(tmpdir(), "myco-scenario-"));
    const path = join(dir, "scenario.json");
    writeFileSync(path, JSON.stringify({ description: "", seed: 1, services: {}, steps: [["start", "nope"]] }));
    expect(() => loadScenario(path)).toThrow(/no service 'nope'/);
  });
});

it("a missing tool names the Debian package to install", () => {
  expect(new MissingToolError("wasm2c").message).toMatch(/Debian package wabt/);
  expect(new MissingToolError("qemu-system-arm").message).toMatch(/Debian package qemu-system-arm/);
  expect(new MissingToolError("arm-none-eabi-gcc").message).toMatch(/Debian package gcc-arm-none-eabi/);
});
