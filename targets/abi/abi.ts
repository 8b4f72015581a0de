// The kernel ABI the target generators work from: the parsed exports (exports.ts) joined with
// how bytes travel (bytes.ts), checked so that a new byte-carrying export cannot slip through
// as a plain scalar.
import { readKernelExports, type ExportedConstant, type ExportedFunction, type ExportedParam } from "./exports.ts";
import { BYTES_IN, BYTES_OUT, MODULE_ONLY, RECORDS, type BytesOut } from "./bytes.ts";

export interface AbiFunction extends ExportedFunction {
  /** The WIT (kebab-case) name: `serviceRegister` -> `service-register`. */
  witName: string;
  /** The parameter that is a byte length of input in the I/O buffer, and the name of that input. */
  bytesIn?: { index: number; name: string };
  bytesOut?: BytesOut;
  /** Meaningful only inside the module (a pointer): hidden from the component. */
  moduleOnly: boolean;
}

export interface KernelAbi { functions: AbiFunction[]; constants: ExportedConstant[] }

export function kebab(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z])([A-Z][a-z])/g, "$1-$2").toLowerCase();
}

function resolve(fn: ExportedFunction): AbiFunction {
  const input = BYTES_IN[fn.name];
  const output = BYTES_OUT[fn.name];
  const where = `assembly/index.ts ${fn.name}`;
  let bytesIn: AbiFunction["bytesIn"];
  if (input) {
    const index = fn.params.findIndex((p: ExportedParam) => p.name === input.length);
    if (index < 0) throw new Error(`${where}: targets/abi/bytes.ts names parameter '${input.length}', which it does not have`);
    bytesIn = { index, name: input.name };
  } else {
    const length = fn.params.find((p) => /Length$/.test(p.name));
    if (length) throw new Error(`${where}: parameter '${length.name}' looks like a byte length; say how it travels in targets/abi/bytes.ts (BYTES_IN)`);
  }
  if (output) {
    if (fn.result !== "i32") throw new Error(`${where}: a bytes-out export must return i32 (a length or count)`);
    if (output.kind === "records" && !(output.record && RECORDS[output.record])) throw new Error(`${where}: unknown record layout`);
  }
  if (!input && !output && !MODULE_ONLY.has(fn.name) && /\bbuffer\b/i.test(fn.doc)) {
    throw new Error(`${where}: its doc mentions the I/O buffer; list it in targets/abi/bytes.ts (BYTES_IN, BYTES_OUT or MODULE_ONLY)`);
  }
  return { ...fn, witName: kebab(fn.name), bytesIn, bytesOut: output, moduleOnly: MODULE_ONLY.has(fn.name) };
}

/** The ABI of assembly/index.ts (or `indexPath`), ready for the generators. */
export function kernelAbi(indexPath?: string): KernelAbi {
  const { functions, constants } = readKernelExports(indexPath);
  const known = new Set(functions.map((f) => f.name));
  for (const name of [...Object.keys(BYTES_IN), ...Object.keys(BYTES_OUT), ...MODULE_ONLY]) {
    if (!known.has(name)) throw new Error(`targets/abi/bytes.ts lists '${name}', which assembly/index.ts does not export`);
  }
  return { functions: functions.map(resolve), constants };
}
