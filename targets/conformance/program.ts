// The conformance program: the one form every host replays with no per-scenario code. It is
// a recorded conversation with the kernel (targets/conformance/recorder.ts writes it while a
// scenario or a simulator seed runs): bytes written to the I/O buffer, export calls with their
// scalar arguments, and the virtual HAL's clock and wake time. A host needs only to call an
// export by its index with 64-bit argument slots; it hashes what the kernel answers (each
// result, and the bytes an export writes to the I/O buffer) with FNV-1a 64.
//
//   header  "MYCP" | version u16 | exports u16 | seed u32
//           per export: name (u8 length, ASCII) | signature (u8 length, ASCII) | out-unit u8 | flags u8
//           steps u32
//   step    0x01 IO     u16 length | bytes            written at the I/O buffer's start
//           0x02 CLOCK  i64 ms                        the virtual clock jumps there
//           0x03 WAKE   i64 ms (-1: none)             when the host next has input: a sleep past it stops there
//           0x04 CALL   u16 export | 8 bytes per parameter (i32 sign-extended, i64, f64 bits), little-endian
//
// A signature is one letter per parameter then `>` and the result's letter: `i` i32, `I` i64,
// `F` f64, `f` f32, `v` void (results only), `s`/`b` an i32 byte length of a string / bytes
// input in the I/O buffer (inputs lie back to back in parameter order; the component passes
// them as strings and lists). out-unit is the byte size of one element an export writes to the
// I/O buffer (0: none), so every host hashes `result * out-unit` bytes after a positive result.
// Flag 1 marks the event log (eventsRead): its records are also hashed apart (the event hash).
import type { AbiFunction, KernelAbi } from "../abi/abi.ts";
import { RECORDS, lengthScale } from "../abi/bytes.ts";
import type { ScalarType } from "../abi/exports.ts";

export const PROGRAM_MAGIC = "MYCP";
export const PROGRAM_VERSION = 1;
export const STEP = { io: 1, clock: 2, wake: 3, call: 4 } as const;
export const FLAG_EVENT_LOG = 1;
/** The export whose records are the event log. */
export const EVENT_LOG_EXPORT = "eventsRead";

export interface ProgramExport { name: string; signature: string; outUnit: number; flags: number }

export type Step =
  | { kind: "io"; bytes: Uint8Array }
  | { kind: "clock"; ms: bigint }
  | { kind: "wake"; ms: bigint }
  | { kind: "call"; index: number; args: bigint[] };

export interface Program { seed: number; exports: ProgramExport[]; steps: Step[] }

const LETTER: Partial<Record<ScalarType, string>> = {
  i8: "i", u8: "i", i16: "i", u16: "i", i32: "i", u32: "i", bool: "i", usize: "i", i64: "I", u64: "I", f32: "f", f64: "F", void: "v",
};

function letter(type: ScalarType, where: string): string {
  const l = LETTER[type];
  if (!l) throw new Error(`${where}: type ${type} has no program letter`);
  return l;
}

/** The signature letters of one export (see the header comment). */
export function signatureOf(fn: AbiFunction): string {
  const params = fn.params.map((p, i) => {
    const input = fn.bytesIn.find((b) => b.index === i);
    return input ? (input.kind === "string" ? "s" : "b") : letter(p.type, `${fn.name}(${p.name})`);
  });
  return `${params.join("")}>${letter(fn.result, `${fn.name}()`)}`;
}

/** Bytes per element an export writes to the I/O buffer, per unit of its result (0: none). */
export function outUnitOf(fn: AbiFunction): number {
  const out = fn.bytesOut;
  if (!out) return 0;
  if (out.element === "string") return 1;
  if (out.element === "bytes") return lengthScale(out);
  if (out.element === "u16") return 2;
  return RECORDS[out.element].bytes;
}

/** The program's export table: every export a host can call (module-only ones excluded). */
export function programExports(abi: KernelAbi): ProgramExport[] {
  return abi.functions.filter((f) => !f.moduleOnly).map((f) => ({
    name: f.name, signature: signatureOf(f), outUnit: outUnitOf(f), flags: f.name === EVENT_LOG_EXPORT ? FLAG_EVENT_LOG : 0,
  }));
}

/** The parameter letters of a signature. */
export const paramsOf = (signature: string): string => signature.slice(0, signature.indexOf(">"));
export const resultOf = (signature: string): string => signature.slice(signature.indexOf(">") + 1);

class Writer {
  private chunks: Uint8Array[] = [];
  private scratch = new DataView(new ArrayBuffer(8));
  bytes(b: Uint8Array): void { this.chunks.push(b.slice()); }
  u8(v: number): void { this.chunks.push(Uint8Array.of(v)); }
  u16(v: number): void { this.scratch.setUint16(0, v, true); this.bytes(new Uint8Array(this.scratch.buffer, 0, 2)); }
  u32(v: number): void { this.scratch.setUint32(0, v >>> 0, true); this.bytes(new Uint8Array(this.scratch.buffer, 0, 4)); }
  i64(v: bigint): void { this.scratch.setBigInt64(0, v, true); this.bytes(new Uint8Array(this.scratch.buffer, 0, 8)); }
  ascii(text: string): void {
    if (!/^[\x20-\x7e]{0,255}$/.test(text)) throw new Error(`program text ${JSON.stringify(text)}: printable ASCII, 255 bytes at most`);
    this.u8(text.length);
    this.bytes(new TextEncoder().encode(text));
  }
  done(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    return out;
  }
}

export function encodeProgram(program: Program): Uint8Array {
  const w = new Writer();
  w.bytes(new TextEncoder().encode(PROGRAM_MAGIC));
  w.u16(PROGRAM_VERSION);
  w.u16(program.exports.length);
  w.u32(program.seed);
  for (const e of program.exports) { w.ascii(e.name); w.ascii(e.signature); w.u8(e.outUnit); w.u8(e.flags); }
  w.u32(program.steps.length);
  for (const step of program.steps) {
    w.u8(STEP[step.kind]);
    switch (step.kind) {
      case "io":
        if (step.bytes.length > 0xffff) throw new Error(`program: an I/O write of ${step.bytes.length} bytes (at most 65535)`);
        w.u16(step.bytes.length); w.bytes(step.bytes); break;
      case "clock": case "wake": w.i64(step.ms); break;
      case "call": {
        const fn = program.exports[step.index];
        if (!fn) throw new Error(`program: call of export #${step.index}, the table has ${program.exports.length}`);
        const count = paramsOf(fn.signature).length;
        if (step.args.length !== count) throw new Error(`program: ${fn.name} takes ${count} arguments, got ${step.args.length}`);
        w.u16(step.index);
        for (const a of step.args) w.i64(a);
        break;
      }
    }
  }
  return w.done();
}

export class ProgramError extends Error {}

export function decodeProgram(bytes: Uint8Array): Program {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number, what: string) => {
    if (at + n > bytes.length) throw new ProgramError(`program truncated at byte ${at} reading ${what}`);
    const from = at;
    at += n;
    return from;
  };
  const ascii = (what: string) => {
    const length = view.getUint8(need(1, what));
    return new TextDecoder().decode(bytes.subarray(need(length, what), at));
  };
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== PROGRAM_MAGIC) throw new ProgramError("not a conformance program (magic)");
  need(4, "magic");
  const version = view.getUint16(need(2, "version"), true);
  if (version !== PROGRAM_VERSION) throw new ProgramError(`program version ${version}, this host reads ${PROGRAM_VERSION}`);
  const exportCount = view.getUint16(need(2, "exports"), true);
  const seed = view.getUint32(need(4, "seed"), true);
  const exports: ProgramExport[] = [];
  for (let i = 0; i < exportCount; i++) {
    const name = ascii("export name");
    const signature = ascii("signature");
    exports.push({ name, signature, outUnit: view.getUint8(need(1, "out-unit")), flags: view.getUint8(need(1, "flags")) });
  }
  const stepCount = view.getUint32(need(4, "steps"), true);
  const steps: Step[] = [];
  for (let s = 0; s < stepCount; s++) {
    const kind = view.getUint8(need(1, "step"));
    if (kind === STEP.io) {
      const length = view.getUint16(need(2, "io length"), true);
      steps.push({ kind: "io", bytes: bytes.slice(need(length, "io bytes"), at) });
    } else if (kind === STEP.clock || kind === STEP.wake) {
      steps.push({ kind: kind === STEP.clock ? "clock" : "wake", ms: view.getBigInt64(need(8, "ms"), true) });
    } else if (kind === STEP.call) {
      const index = view.getUint16(need(2, "export"), true);
      const fn = exports[index];
      if (!fn) throw new ProgramError(`step ${s + 1}: export #${index} of ${exports.length}`);
      const args = Array.from(paramsOf(fn.signature), () => view.getBigInt64(need(8, "argument"), true));
      steps.push({ kind: "call", index, args });
    } else {
      throw new ProgramError(`step ${s + 1}: unknown step kind ${kind} at byte ${at - 1}`);
    }
  }
  if (at !== bytes.length) throw new ProgramError(`program has ${bytes.length - at} bytes after its last step`);
  return { seed, exports, steps };
}
