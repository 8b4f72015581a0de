// The WIT package of the component, generated from the kernel ABI (targets/abi): an imported
// `hal` interface and an exported `kernel` interface with one function per kernel export.
// Scalars keep their types; names travel as `string`; results written to the I/O buffer come
// back as `string` or `list<record>` (wrapped in `result<_, s32>` when they can fail).
import type { AbiFunction, KernelAbi } from "../../abi/abi.ts";
import { RECORDS, type BytesOut, type RecordName } from "../../abi/bytes.ts";
import { HAL_IMPORTS } from "../../abi/hal.ts";
import type { ScalarType } from "../../abi/exports.ts";

export const WIT_NAMESPACE = "myco";
export const WIT_PACKAGE = "kernel";
export const WIT_VERSION = "0.1.0";
export const WIT_WORLD = "myco";

/** `myco:kernel/<iface>@0.1.0`: the name of an interface in imports and export prefixes. */
export function interfaceId(iface: "hal" | "kernel"): string {
  return `${WIT_NAMESPACE}:${WIT_PACKAGE}/${iface}@${WIT_VERSION}`;
}

// Identifiers that are WIT keywords must be written with a leading `%`.
const KEYWORDS = new Set([
  "as", "async", "bool", "borrow", "char", "constructor", "enum", "export", "f32", "f64", "flags", "from",
  "func", "future", "import", "include", "interface", "list", "option", "own", "package", "record", "resource",
  "result", "s8", "s16", "s32", "s64", "static", "stream", "string", "tuple", "type", "u8", "u16", "u32",
  "u64", "use", "variant", "with", "world",
]);

export function witIdent(name: string): string {
  const kebab = name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
  return KEYWORDS.has(kebab) ? `%${kebab}` : kebab;
}

const WIT_SCALAR: Record<ScalarType, string> = {
  i8: "s8", u8: "u8", i16: "s16", u16: "u16", i32: "s32", u32: "u32", i64: "s64", u64: "u64",
  f32: "f32", f64: "f64", bool: "bool", usize: "u32", void: "",
};

function outputType(out: BytesOut): string {
  const payload = out.element === "string" ? "string" : out.element === "bytes" ? "list<u8>" : `list<${out.element}>`;
  return out.fallible ? `result<${payload}, s32>` : payload;
}

function signature(fn: AbiFunction): string {
  const params = fn.params.map((p, i) => {
    const input = fn.bytesIn.find((b) => b.index === i);
    return input ? `${witIdent(input.name)}: ${input.kind === "string" ? "string" : "list<u8>"}` : `${witIdent(p.name)}: ${WIT_SCALAR[p.type]}`;
  });
  const result = fn.bytesOut ? outputType(fn.bytesOut) : WIT_SCALAR[fn.result];
  return `func(${params.join(", ")})${result ? ` -> ${result}` : ""}`;
}

function docLines(doc: string, indent: string): string[] {
  return doc ? [`${indent}/// ${doc}`] : [];
}

/** `limit(which)` lists the LIMIT_* constants, `counter(which)` the COUNTER_* ones. */
function constantsDoc(fn: AbiFunction, abi: KernelAbi): string {
  const prefix = `${fn.name.toUpperCase()}_`;
  const values = abi.constants.filter((c) => c.name.startsWith(prefix)).map((c) => `${c.name}=${c.value}`);
  return values.length ? `which: ${values.join(", ")}.` : "";
}

function recordWit(name: RecordName): string[] {
  const layout = RECORDS[name];
  return [
    `  /// ${layout.doc} ${layout.bytes} bytes, the kernel's layout.`,
    `  record ${name} {`,
    ...layout.fields.map((f) => `    ${witIdent(f.name)}: ${f.type},`),
    "  }",
  ];
}

/** The WIT text of the package: interfaces `hal` and `kernel`, world `myco`. */
export function generateWit(abi: KernelAbi): string {
  const exported = abi.functions.filter((f) => !f.moduleOnly);
  const records = [...new Set(exported.flatMap((f) => (f.bytesOut && f.bytesOut.element in RECORDS ? [f.bytesOut.element as RecordName] : [])))];
  const lines = [
    "// Generated from assembly/index.ts by targets/wasi/tools/wit.ts. Do not edit.",
    `package ${WIT_NAMESPACE}:${WIT_PACKAGE}@${WIT_VERSION};`,
    "",
    "/// What the kernel needs from its host: a clock, randomness, and a way to sleep.",
    "interface hal {",
    ...HAL_IMPORTS.flatMap((h) => [...docLines(h.doc, "  "), `  ${h.wit}: func${h.signature};`]),
    "}",
    "",
    "/// The kernel's public ABI. Statuses: >= 0 a result, < 0 an error code (error-message-of).",
    "/// A call's strings and byte lists together must fit the kernel's I/O buffer (io-capacity",
    "/// bytes): they are lowered into it, and a larger total traps in cabi_realloc.",
    "interface kernel {",
    ...records.flatMap((r) => recordWit(r)),
    "",
    ...exported.flatMap((f) => [
      ...docLines([f.doc, constantsDoc(f, abi)].filter(Boolean).join(" "), "  "),
      `  ${f.witName}: ${signature(f)};`,
    ]),
    "}",
    "",
    `world ${WIT_WORLD} {`,
    "  import hal;",
    "  export kernel;",
    "}",
    "",
  ];
  return lines.join("\n");
}
