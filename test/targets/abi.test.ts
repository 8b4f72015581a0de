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
import { Fnv1a64, ReplayHal, WAKE_NONE } from "../../targets/conformance/determinism.ts";
import { decodeProgram, encodeProgram, programExports, ProgramError, type Program } from "../../targets/conformance/program.ts";
import { generateDispatchSource } from "../../targets/firmware/tools/gen-dispatch.ts";
import { generateProgramSource } from "../../targets/firmware/tools/gen-scenario.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";
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

  it("the replay HAL draws splitmix32 seeded like host/hal's VirtualHal, and sleeps alike", () => {
    const replayHal = new ReplayHal(1);
    expect([replayHal.randomU32(), replayHal.randomU32(), replayHal.randomU32()]).toEqual(SPLITMIX32_SEED_1);
    const simulator = new VirtualHal(0xdeadbeef);
    const twin = new ReplayHal(0xdeadbeef);
    for (let i = 0; i < 1000; i++) expect(twin.randomU32()).toBe(simulator.randomU32());
    // A sleep past the host's next input stops there (returns 1); otherwise it runs its full time.
    simulator.at(250, () => {});
    twin.wakeMs = 250n;
    expect([twin.sleep(100), twin.nowMs]).toEqual([simulator.sleepMs(100) ? 1 : 0, BigInt(simulator.timeMs)]);
    expect([twin.sleep(500), twin.nowMs]).toEqual([simulator.sleepMs(500) ? 1 : 0, BigInt(simulator.timeMs)]);
    simulator.runDue();
    twin.wakeMs = WAKE_NONE;
    expect([twin.sleep(40), twin.nowMs]).toEqual([simulator.sleepMs(40) ? 1 : 0, BigInt(simulator.timeMs)]);
    expect(twin.nowMs).toBe(290n);
  });
});

/** splitmix32 from state 1: the first three outputs (the C and Python twins are checked by the conformance run). */
const SPLITMIX32_SEED_1 = [2527132011, 314344336, 2535364964];

describe("the conformance program (targets/conformance/program.ts)", () => {
  const exports = programExports(kernelAbi());
  const at = (name: string) => exports.findIndex((e) => e.name === name);

  it("describes every export by signature letters, output unit and the event-log flag", () => {
    const byName = new Map(exports.map((e) => [e.name, e]));
    expect(byName.get("serviceRegister")).toMatchObject({ signature: "sii>i", outUnit: 0 });
    expect(byName.get("balanceRequestFinished")).toMatchObject({ signature: "iFi>i" });
    expect(byName.get("serviceTagMask")).toMatchObject({ signature: "i>I" });
    expect(byName.get("discoveryPatternTest")).toMatchObject({ signature: "ss>i" });
    expect(byName.get("manifestStage")).toMatchObject({ signature: "ib>i" });
    expect(byName.get("reset")).toMatchObject({ signature: ">v" });
    expect(byName.get("eventsRead")).toMatchObject({ outUnit: RECORDS.event.bytes, flags: 1 });
    expect(byName.get("discoveryQuery")).toMatchObject({ outUnit: 2, flags: 0 });
    expect(byName.has("ioBuffer")).toBe(false); // module-only: a pointer means nothing to a component
  });

  it("round-trips, and refuses a truncated program or an unknown step", () => {
    const program: Program = {
      seed: 0x9e3779b9, exports, steps: [
        { kind: "clock", ms: 25n }, { kind: "wake", ms: -1n }, { kind: "io", bytes: new TextEncoder().encode("db") },
        { kind: "call", index: at("serviceRegister"), args: [2n, 0n, 1n] },
        { kind: "call", index: at("balanceRequestFinished"), args: [131072n, 4616752568008179712n, 1n] },
      ],
    };
    const bytes = encodeProgram(program);
    expect(decodeProgram(bytes)).toEqual(program);
    expect(() => decodeProgram(bytes.subarray(0, bytes.length - 3))).toThrow(ProgramError);
    const unknown = bytes.slice();
    unknown[bytes.length - 1 - 3 * 8 - 2] = 9; // the last step's kind
    expect(() => decodeProgram(unknown)).toThrow(/unknown step kind 9/);
    expect(() => encodeProgram({ ...program, steps: [{ kind: "call", index: at("reset"), args: [1n] }] })).toThrow(/takes 0 arguments/);
  });

  it("generates a C dispatch case per export and the program as a C array", () => {
    const dispatch = generateDispatchSource(kernelAbi());
    exports.forEach((_, i) => expect(dispatch).toContain(`    case ${i}: `));
    expect(dispatch).toContain(`{"balanceRequestFinished", "iFi>i"},`);
    expect(dispatch).toContain("Z_kernelZ_balanceRequestFinished(&myco_kernel, (u32)(int32_t)args[0], slot_f64(args[1]), (u32)(int32_t)args[2])");
    expect(generateProgramSource(Uint8Array.of(77, 89))).toContain("const uint8_t CONFORMANCE_PROGRAM[2] = {\n  77,89,\n};");
  });
});

it("a missing tool names the Debian package to install", () => {
  expect(new MissingToolError("wasm2c").message).toMatch(/Debian package wabt/);
  expect(new MissingToolError("qemu-system-arm").message).toMatch(/Debian package qemu-system-arm/);
  expect(new MissingToolError("arm-none-eabi-gcc").message).toMatch(/Debian package gcc-arm-none-eabi/);
});
