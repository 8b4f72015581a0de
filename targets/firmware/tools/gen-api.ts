// Generates the C API's per-export half (myco_api.h, myco_api.c) from the kernel ABI
// (targets/abi): one guarded wrapper per export, record structs and decoders for the I/O
// buffer's records; and the error header (myco_errors.h) from assembly/errors.ts. A new kernel
// export appears here by rebuilding; nothing to edit. The headers are checked in
// (targets/firmware/include/, written by `npm run build`: targets/abi/generate.ts); myco_api.c is
// written into the firmware build.
//
//   i32 result         int32_t myco_<name>(args)            the kernel's status, or a guard error
//   other result       int32_t myco_<name>(args, T* out)    MYCO_OK (value in *out) or a guard error
//   bytes in           (..., const char* name, uint32_t name_length, ...) copied into the I/O
//                      buffer (several inputs back to back, in parameter order)
//   bytes out          the length or count is returned; the bytes are at myco_io(), records
//                      decoded by myco_<record>_at(index)
import type { AbiFunction, KernelAbi } from "../../abi/abi.ts";
import { RECORDS, type FieldType, type RecordName } from "../../abi/bytes.ts";
import type { ScalarType } from "../../abi/exports.ts";
import type { ErrorEntry } from "../../abi/errors.ts";

const HEADER = "Generated from assembly/index.ts by targets/firmware/tools/gen-api.ts (npm run build). Do not edit.";

const C_TYPE: Record<ScalarType, string> = {
  i8: "int8_t", u8: "uint8_t", i16: "int16_t", u16: "uint16_t", i32: "int32_t", u32: "uint32_t",
  i64: "int64_t", u64: "uint64_t", f32: "float", f64: "double", bool: "bool", usize: "uint32_t", void: "void",
};
/** How wasm2c 1.0.32 types the value on its side of the call. */
const W2C_TYPE: Record<ScalarType, string> = {
  i8: "u32", u8: "u32", i16: "u32", u16: "u32", i32: "u32", u32: "u32", i64: "u64", u64: "u64",
  f32: "f32", f64: "f64", bool: "u32", usize: "u32", void: "void",
};
const FIELD_C_TYPE: Record<FieldType, string> = { u8: "uint8_t", u16: "uint16_t", s32: "int32_t", u32: "uint32_t", s64: "int64_t" };

export const snake = (camel: string) => camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
const cIdent = (kebab: string) => kebab.replace(/-/g, "_");

const inputOf = (fn: AbiFunction, index: number) => fn.bytesIn.find((b) => b.index === index);

function params(fn: AbiFunction): string[] {
  const list = fn.params.flatMap((p, i) => {
    const input = inputOf(fn, i);
    if (!input) return [`${C_TYPE[p.type]} ${snake(p.name)}`];
    const pointer = input.kind === "string" ? "const char*" : "const uint8_t*";
    return [`${pointer} ${cIdent(input.name)}`, `uint32_t ${cIdent(input.name)}_length`];
  });
  if (fn.result !== "i32" && fn.result !== "void") list.push(`${C_TYPE[fn.result]}* out`);
  return list.length ? list : ["void"];
}

function prototype(fn: AbiFunction): string {
  return `int32_t myco_${snake(fn.name)}(${params(fn).join(", ")})`;
}

function wrapper(fn: AbiFunction): string {
  const args = ["&myco_kernel", ...fn.params.map((p, i) => {
    const input = inputOf(fn, i);
    return input ? `(u32)${cIdent(input.name)}_length` : `(${W2C_TYPE[p.type]})${snake(p.name)}`;
  })];
  const call = `Z_kernelZ_${fn.name}(${args.join(", ")})`;
  const lines = [`${prototype(fn)} {`];
  if (fn.result !== "i32" && fn.result !== "void") lines.push("  if (out == NULL) return MYCO_E_INVALID_ARGUMENT;");
  const inputs = fn.bytesIn.map((b) => cIdent(b.name));
  for (const input of inputs) lines.push(`  if (${input} == NULL && ${input}_length > 0) return MYCO_E_INVALID_ARGUMENT;`);
  lines.push("  MYCO_GUARD_BEGIN();");
  if (inputs.length > 0) {
    // The inputs go into the I/O buffer back to back, in parameter order, as the kernel reads them.
    lines.push(
      `  if ((uint64_t)${inputs.map((i) => `${i}_length`).join(" + (uint64_t)")} > myco_io_bytes()) {`,
      "    MYCO_GUARD_END();", "    return MYCO_E_IO_LENGTH;", "  }",
      "  uint32_t at = 0;",
      ...inputs.flatMap((i) => [`  if (${i}_length > 0) memcpy(myco_io_mut() + at, ${i}, ${i}_length);`, `  at += ${i}_length;`]),
      "  (void)at;",
    );
  }
  if (fn.result === "i32") lines.push(`  int32_t result = (int32_t)${call};`);
  else if (fn.result === "void") lines.push(`  ${call};`);
  else lines.push(`  *out = (${C_TYPE[fn.result]})${call};`);
  lines.push("  MYCO_GUARD_END();", `  return ${fn.result === "i32" ? "result" : "MYCO_OK"};`, "}");
  return lines.join("\n");
}

function recordStruct(name: RecordName): string {
  const layout = RECORDS[name];
  return [
    `/* ${layout.doc} (${layout.bytes} bytes in the I/O buffer) */`,
    "typedef struct {",
    ...layout.fields.map((f) => `  ${FIELD_C_TYPE[f.type]} ${cIdent(f.name)};`),
    `} myco_${cIdent(name)}_t;`,
    `#define MYCO_${cIdent(name).toUpperCase()}_BYTES ${layout.bytes}u`,
    `/* Record \`index\` of the last call that wrote ${name} records (no bounds check beyond the buffer). */`,
    `myco_${cIdent(name)}_t myco_${cIdent(name)}_at(uint32_t index);`,
  ].join("\n");
}

function recordDecoder(name: RecordName): string {
  const layout = RECORDS[name];
  const type = `myco_${cIdent(name)}_t`;
  return [
    `${type} myco_${cIdent(name)}_at(uint32_t index) {`,
    `  ${type} record;`,
    "  memset(&record, 0, sizeof record);",
    `  if ((uint64_t)(index + 1) * ${layout.bytes}u > myco_io_bytes()) return record;`,
    `  const uint8_t* at = myco_io() + (size_t)index * ${layout.bytes}u;`,
    ...layout.fields.map((f) => `  memcpy(&record.${cIdent(f.name)}, at + ${f.offset}, sizeof record.${cIdent(f.name)});`),
    "  return record;",
    "}",
  ].join("\n");
}

function recordsUsed(abi: KernelAbi): RecordName[] {
  return [...new Set(abi.functions.flatMap((f) => (f.bytesOut && f.bytesOut.element in RECORDS ? [f.bytesOut.element as RecordName] : [])))];
}

function constants(abi: KernelAbi): string[] {
  return abi.constants.map((c) => `#define MYCO_${c.name} (${c.value})`);
}

export function generateApiHeader(abi: KernelAbi): string {
  const exported = abi.functions.filter((f) => !f.moduleOnly);
  return [
    `/* ${HEADER} */`,
    "#ifndef MYCO_API_H",
    "#define MYCO_API_H",
    "",
    "#include <stdbool.h>",
    "#include <stdint.h>",
    "",
    "/* Little-endian hosts only: the records are read with memcpy from the kernel's memory. */",
    "#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__",
    "#error \"myco: records are decoded for little-endian hosts\"",
    "#endif",
    "",
    ...constants(abi),
    "",
    ...recordsUsed(abi).map(recordStruct),
    "",
    ...exported.flatMap((f) => [...(f.doc ? [`/* ${f.doc.replace(/\*\//g, "* /")} */`] : []), `${prototype(f)};`]),
    "",
    "#endif",
    "",
  ].join("\n");
}

export function generateApiSource(abi: KernelAbi): string {
  const exported = abi.functions.filter((f) => !f.moduleOnly);
  return [
    `/* ${HEADER} */`,
    "#include <stddef.h>",
    "#include <string.h>",
    "",
    "#include \"myco_internal.h\"",
    "",
    ...recordsUsed(abi).map(recordDecoder),
    "",
    ...exported.map(wrapper).join("\n\n").split("\n"),
    "",
  ].join("\n");
}

export function generateErrorHeader(entries: ErrorEntry[], header: string): string {
  const defines = entries.map((e) => `#define MYCO_${e.name} (${e.code}) /* ${e.message.replace(/\*\//g, "* /")} */`);
  return `/* ${header} */\n#ifndef MYCO_ERRORS_H\n#define MYCO_ERRORS_H\n\n#define MYCO_OK (0)\n${defines.join("\n")}\n\n#endif\n`;
}
