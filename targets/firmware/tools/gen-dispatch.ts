// Generates build/gen/myco_dispatch.c: every export the component shows (the ABI minus the
// module-only ones), in the order of the conformance program's export table, callable by
// number with 64-bit argument slots (src/dispatch.h). The replay resolves a program's exports
// by name and checks their signatures against this table, so a program recorded from another
// ABI is refused by name, never misrouted.
import type { AbiFunction, KernelAbi } from "../../abi/abi.ts";
import { paramsOf, resultOf, signatureOf } from "../../conformance/program.ts";

const HEADER = "Generated from assembly/index.ts by targets/firmware/tools/gen-dispatch.ts. Do not edit.";

/** A slot as the wasm2c parameter of letter `l`. */
function argument(l: string, k: number): string {
  switch (l) {
    case "I": return `(u64)args[${k}]`;
    case "F": return `slot_f64(args[${k}])`;
    case "f": return `(f32)slot_f64(args[${k}])`;
    default: return `(u32)(int32_t)args[${k}]`;
  }
}

function dispatchCase(fn: AbiFunction, index: number): string[] {
  const signature = signatureOf(fn);
  const call = `Z_kernelZ_${fn.name}(${["&myco_kernel", ...[...paramsOf(signature)].map(argument)].join(", ")})`;
  let body: string;
  switch (resultOf(signature)) {
    case "v": body = `${call}; *result = 0;`; break;
    case "I": body = `*result = (int64_t)${call};`; break;
    case "F": body = `*result = f64_slot(${call});`; break;
    case "f": body = `*result = f64_slot((double)${call});`; break;
    default: body = `*result = (int64_t)(int32_t)${call};`; break;
  }
  return [`    case ${index}: ${body} break;`];
}

export function generateDispatchSource(abi: KernelAbi): string {
  const exported = abi.functions.filter((f) => !f.moduleOnly);
  return [
    `/* ${HEADER} */`,
    "#include <string.h>",
    "",
    "#include \"dispatch.h\"",
    "#include \"myco_internal.h\"",
    "",
    "static double slot_f64(int64_t slot) { double value; memcpy(&value, &slot, sizeof value); return value; }",
    "static int64_t f64_slot(double value) { int64_t slot; memcpy(&slot, &value, sizeof slot); return slot; }",
    "",
    `const uint32_t MYCO_EXPORT_COUNT = ${exported.length}u;`,
    "const myco_export_t MYCO_EXPORTS[] = {",
    ...exported.map((f) => `  {"${f.name}", "${signatureOf(f)}"},`),
    "};",
    "",
    "int32_t myco_call_export(uint32_t index, const int64_t* args, int64_t* result) {",
    "  if (index >= MYCO_EXPORT_COUNT || result == NULL) return MYCO_E_INVALID_ARGUMENT;",
    "  MYCO_GUARD_BEGIN();",
    "  switch (index) {",
    ...exported.flatMap(dispatchCase),
    "    default: break;",
    "  }",
    "  (void)args;",
    "  MYCO_GUARD_END();",
    "  return MYCO_OK;",
    "}",
    "",
    "int32_t myco_io_write(const uint8_t* bytes, uint32_t length) {",
    "  if (!myco_running()) return MYCO_E_NOT_RUNNING;",
    "  if (length > myco_io_bytes()) return MYCO_E_IO_LENGTH;",
    "  if (length > 0) memcpy(myco_io_mut(), bytes, length);",
    "  return MYCO_OK;",
    "}",
    "",
  ].join("\n");
}
