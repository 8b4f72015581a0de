// Generates the TypeScript side of the ABI for the Node host (host/kernel/): the typed raw
// exports of the kernel module (exports.ts, grouped by the assembly/ file that defines them)
// and the error table (error-codes.ts). Written by `npm run build` (targets/abi/generate.ts).
import type { KernelAbi } from "./abi.ts";
import type { ExportedFunction, ScalarType } from "./exports.ts";
import type { ErrorEntry } from "./errors.ts";

const TS_TYPE: Record<ScalarType, string> = {
  i8: "number", u8: "number", i16: "number", u16: "number", i32: "number", u32: "number", usize: "number",
  f32: "number", f64: "number", bool: "number", i64: "bigint", u64: "bigint", void: "void",
};

/** "index" -> CoreExports, "balance/abi" -> BalanceExports, "fleet/placement" -> FleetPlacementExports. */
export function groupName(module: string): string {
  if (module === "index") return "CoreExports";
  const words = module.split(/[/_-]/).filter((w) => w !== "abi");
  return `${words.map((w) => w[0].toUpperCase() + w.slice(1)).join("")}Exports`;
}

function method(fn: ExportedFunction): string[] {
  const params = fn.params.map((p) => `${p.name}: ${TS_TYPE[p.type]}`).join(", ");
  const doc = fn.doc ? [`  /** ${fn.doc.replace(/\*\//g, "* /")} */`] : [];
  return [...doc, `  ${fn.name}(${params}): ${TS_TYPE[fn.result]};`];
}

/** Items joined into lines of at most 100 characters, indented by two. */
function wrap(items: string[]): string[] {
  const lines: string[] = [];
  for (const item of items) {
    if (lines.length > 0 && lines[lines.length - 1].length + 1 + item.length <= 100) lines[lines.length - 1] += ` ${item}`;
    else lines.push(`  ${item}`);
  }
  return lines;
}

export function generateHostExports(abi: KernelAbi, header: string): string {
  const modules = [...new Set([...abi.functions.map((f) => f.module), ...abi.constants.map((c) => c.module)])];
  const groups = modules.map((module) => [
    `/** The exports of assembly/${module}.ts. */`,
    `export interface ${groupName(module)} {`,
    ...abi.functions.filter((f) => f.module === module).flatMap(method),
    ...abi.constants.filter((c) => c.module === module).map((c) => `  readonly ${c.name}: WebAssembly.Global;`),
    "}",
    "",
  ]);
  const names = wrap(abi.functions.map((f) => `${JSON.stringify(f.name)},`));
  const constants = abi.constants.map((c) => `  ${c.name}: ${c.value},`);
  return [
    `// ${header}`,
    "// The raw exports of the kernel module, as the host calls them: one method per export of",
    "// assembly/index.ts and the files it re-exports, in their parameter names and types.",
    "",
    ...groups.flat(),
    "/** Everything the kernel module exports. */",
    `export interface KernelExports extends ${modules.map(groupName).join(", ")} {`,
    "  readonly memory: WebAssembly.Memory;",
    "}",
    "",
    "export type KernelFunctionName = (typeof KERNEL_FUNCTIONS)[number];",
    "",
    "/** The exported functions' names, in the order of the description. */",
    "export const KERNEL_FUNCTIONS = [",
    ...names,
    "] as const;",
    "",
    "/** The exported constants' values (also readable as globals of the module). */",
    "export const KERNEL_CONSTANTS = {",
    ...constants,
    "} as const;",
    "",
    "/**",
    " * The typed exports of an instance of the kernel module: refuses a module that lacks an export",
    " * the description has (a stale build, or another module), naming what is missing.",
    " */",
    "export function kernelExports(instance: WebAssembly.Instance): KernelExports {",
    "  const exports = instance.exports;",
    "  const missing: string[] = KERNEL_FUNCTIONS.filter((name) => typeof exports[name] !== \"function\");",
    "  if (!(exports.memory instanceof WebAssembly.Memory)) missing.unshift(\"memory\");",
    "  if (missing.length > 0) throw new Error(`the kernel module lacks ${missing.length} export(s) of assembly/index.ts: ${missing.slice(0, 8).join(\", \")} (run npm run build)`);",
    "  return exports as unknown as KernelExports;",
    "}",
    "",
    "/** Calls an exported function by name with scalar arguments (fuzzers, generic tools). */",
    "export function callExport(exports: KernelExports, name: KernelFunctionName, ...args: (number | bigint)[]): number | bigint | void {",
    "  return (exports[name] as (...values: (number | bigint)[]) => number | bigint | void)(...args);",
    "}",
    "",
  ].join("\n");
}

export function generateErrorCodes(entries: ErrorEntry[], header: string): string {
  const lines = entries.map((e) => `  ${e.name}: { code: ${e.code}, message: ${JSON.stringify(e.message)} },`);
  return `// ${header}\nexport const ERROR_CODES = {\n${lines.join("\n")}\n} as const;\n\nexport type ErrorName = keyof typeof ERROR_CODES;\n`;
}
