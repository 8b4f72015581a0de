// The files generated from the kernel's sources (targets/abi/generate.ts: the typed host
// exports, the error tables, the C API header) are what `npm run build` would write now, and
// the compiled modules export exactly what the description says, with the same types.
import { describe, expect, it } from "vitest";
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatedFiles, ROOT } from "../../targets/abi/generate.ts";
import { kernelAbi } from "../../targets/abi/abi.ts";
import { wasmType } from "../../targets/abi/exports.ts";
import { generateHostExports } from "../../targets/abi/gen-host.ts";
import { parseErrorTable, readErrorTable } from "../../targets/abi/errors.ts";
import { ERROR_CODES } from "../../host/kernel/error-codes.ts";
import { KERNEL_FUNCTIONS, KERNEL_CONSTANTS, kernelExports } from "../../host/kernel/exports.ts";
import { Kernel, VirtualHal } from "../../host/index.ts";
import { moduleExports } from "./wasm-signatures.ts";

const PROFILES = ["release", "mcu", "bench", "debug", "fleet", "tiny"] as const;

describe("generated files", () => {
  const files = generatedFiles();

  it.each([...files.keys()])("%s is up to date (else run `npm run build`)", (path) => {
    const text = readFileSync(join(ROOT, path), "utf8");
    expect(text.split("\n")[0]).toMatch(/Generated from assembly\/.* \(npm run build\)\. Do not edit\./);
    expect(text === files.get(path), `${path} differs from what targets/abi/generate.ts writes: run npm run build`).toBe(true);
  });

  it("covers the host types, both error tables and the C header", () => {
    expect([...files.keys()].sort()).toEqual([
      "host/kernel/error-codes.ts", "host/kernel/exports.ts",
      "targets/firmware/include/myco_api.h", "targets/firmware/include/myco_errors.h",
    ]);
  });

  it("a new export reaches the host types with its parameter names and types", () => {
    const dir = mkdtempSync(join(tmpdir(), "myco-generated-"));
    const index = join(dir, "index.ts");
    writeFileSync(index, [
      `export * from ${JSON.stringify(join(ROOT, "assembly/index"))};`,
      "/** Moves a widget. */",
      "export function widgetMove(id: i32, deadlineMs: i64, weight: f64): u64 { return 0; }",
    ].join("\n"));
    const text = generateHostExports(kernelAbi(index), "test");
    expect(text).toContain("  /** Moves a widget. */\n  widgetMove(id: number, deadlineMs: bigint, weight: number): bigint;");
    expect(text).toMatch(/^  .*"widgetMove",/m);
    expect(text).not.toBe(files.get("host/kernel/exports.ts"));
  });

  it("the error table refuses an ERROR_CODE_MIN that is not the lowest code, or a code without a message", () => {
    const table = readFileSync(join(ROOT, "assembly/errors.ts"), "utf8");
    expect(readErrorTable().length).toBe(Object.keys(ERROR_CODES).length);
    const lower = table.replace(/^(export const ERROR_CODE_MIN: i32 = .*)$/m, "export const E_NEW_THING: i32 = -999;\n$1");
    expect(() => parseErrorTable(lower)).toThrow(/no message: E_NEW_THING/);
    const withMessage = lower.replace(/^(\s+default: return out\.text\("UNKNOWN"\);)$/m, '    case E_NEW_THING: return out.text("new");\n$1');
    expect(() => parseErrorTable(withMessage)).toThrow(/ERROR_CODE_MIN is E_\w+, but the lowest code is E_NEW_THING/);
  });
});

describe.each(PROFILES)("build/%s.wasm exports what the description says", (profile) => {
  const abi = kernelAbi();
  const actual = moduleExports(new Uint8Array(readFileSync(join(ROOT, `build/${profile}.wasm`))));

  it("every function, with its parameter and result types", () => {
    const described = new Map(abi.functions.map((f) => [f.name, {
      params: f.params.map((p) => wasmType(p.type)),
      results: f.result === "void" ? [] : [wasmType(f.result)],
    }]));
    expect(new Map([...actual.functions].sort())).toEqual(new Map([...described].sort()));
    expect([...KERNEL_FUNCTIONS].sort()).toEqual([...described.keys()].sort());
  });

  it("every constant, with its value, and the memory", () => {
    const described = Object.fromEntries(abi.constants.map((c) => [c.name, c.value]));
    const globals = Object.fromEntries([...actual.globals].map(([name, g]) => [name, g.mutable ? "mutable" : g.value]));
    expect(globals).toEqual(described);
    expect(KERNEL_CONSTANTS).toEqual(described);
    expect(actual.memories).toEqual(["memory"]);
  });
});

it("kernelExports refuses a module that lacks the kernel's exports, naming them", () => {
  const empty = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0)));
  expect(() => kernelExports(empty)).toThrow(/lacks \d+ export\(s\) of assembly\/index.ts: memory, \w+/);
});

describe("the error table against the kernel", () => {
  it("every generated code reads back its message from the module", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
    const x = kernel.exports;
    const text = (length: number) => new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.ioBuffer(), length));
    for (const [name, { code, message }] of Object.entries(ERROR_CODES)) {
      expect(text(x.errorMessageOf(code)), name).toBe(message);
    }
    expect(text(x.errorMessageOf(Math.min(...Object.values(ERROR_CODES).map((e) => e.code)) - 1))).toBe("UNKNOWN");
  });
});
