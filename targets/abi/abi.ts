// The kernel ABI the target generators work from: the parsed exports (exports.ts) joined with
// how bytes travel (bytes.ts), checked so that a new byte-carrying export cannot slip through
// as a plain scalar.
import { readKernelExports, type ExportedConstant, type ExportedFunction, type ExportedParam } from "./exports.ts";
import { BYTES_IN, BYTES_OUT, MODULE_ONLY, SCALAR, RECORDS, type BytesOut, type InputKind } from "./bytes.ts";

export interface AbiFunction extends ExportedFunction {
  /** The WIT (kebab-case) name: `serviceRegister` -> `service-register`. */
  witName: string;
  /** Parameters that are byte lengths of input in the I/O buffer (in buffer order), and the inputs' names. */
  bytesIn: { index: number; name: string; kind: InputKind }[];
  bytesOut?: BytesOut;
  /** Meaningful only inside the module (a pointer): hidden from the component. */
  moduleOnly: boolean;
}

export interface KernelAbi { functions: AbiFunction[]; constants: ExportedConstant[] }

export function kebab(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z])([A-Z][a-z])/g, "$1-$2").toLowerCase();
}

/** Names and docs that suggest bytes in the I/O buffer: such an export must be listed in bytes.ts. */
const LENGTH_PARAM = /(^l|L)ength$/;
const BUFFER_DOC = /\bbuffer\b|\brecords?\b|\bwrites?\b/i;

function resolve(fn: ExportedFunction): AbiFunction {
  const where = `assembly ${fn.name}`;
  const listed = fn.name in BYTES_IN || fn.name in BYTES_OUT || SCALAR.has(fn.name) || MODULE_ONLY.has(fn.name);
  const bytesIn = (BYTES_IN[fn.name] ?? []).map((input) => {
    const index = fn.params.findIndex((p: ExportedParam) => p.name === input.length);
    if (index < 0) throw new Error(`${where}: targets/abi/bytes.ts names parameter '${input.length}', which it does not have`);
    return { index, name: input.name, kind: input.kind };
  });
  if (bytesIn.some((b, i) => i > 0 && b.index < bytesIn[i - 1].index)) throw new Error(`${where}: BYTES_IN must follow parameter order`);
  if (!listed) {
    const length = fn.params.find((p) => LENGTH_PARAM.test(p.name));
    if (length) throw new Error(`${where}: parameter '${length.name}' looks like a byte length; say how it travels in targets/abi/bytes.ts (BYTES_IN, or SCALAR)`);
    if (BUFFER_DOC.test(fn.doc)) throw new Error(`${where}: its doc mentions the buffer, records or writing; list it in targets/abi/bytes.ts (BYTES_IN, BYTES_OUT, SCALAR or MODULE_ONLY)`);
  }
  const output = BYTES_OUT[fn.name];
  if (output) {
    if (fn.result !== "i32") throw new Error(`${where}: a bytes-out export must return i32 (a length or count)`);
    const known = ["string", "bytes", "u16"].includes(output.element) || output.element in RECORDS;
    if (!known) throw new Error(`${where}: unknown element '${output.element}'`);
  }
  return { ...fn, witName: kebab(fn.name), bytesIn, bytesOut: output, moduleOnly: MODULE_ONLY.has(fn.name) };
}

/** The ABI of assembly/index.ts (or `indexPath`), ready for the generators. */
export function kernelAbi(indexPath?: string): KernelAbi {
  const { functions, constants } = readKernelExports(indexPath);
  const known = new Set(functions.map((f) => f.name));
  for (const name of [...Object.keys(BYTES_IN), ...Object.keys(BYTES_OUT), ...SCALAR, ...MODULE_ONLY]) {
    if (!known.has(name)) throw new Error(`targets/abi/bytes.ts lists '${name}', which assembly/index.ts does not export`);
  }
  return { functions: functions.map(resolve), constants };
}
