// The conformance program as a firmware image embeds it (issue 16: the tiny profile's Cortex-M3
// image): the same program (targets/conformance/program.ts), in version 2 of its format, which
// src/replay.c reads beside version 1:
//   - every integer field wider than a byte (export count, seed, step count, I/O length, export
//     index, clock and wake times, call arguments) is a zigzag LEB128 varint of its value
//     (a u16/u32 field's value is not negative; an i64's may be): most are small;
//   - the export table keeps only the exports the program calls, in the order of their first
//     call, and the calls are renumbered to match.
// Bytes fields (names, signatures, out-units, flags, I/O writes) are as in version 1. Replaying
// it is replaying the program: the same calls with the same arguments, hence the same hashes.
import { decodeProgram, PROGRAM_MAGIC, STEP, type ProgramExport } from "../../conformance/program.ts";

export const COMPACT_PROGRAM_VERSION = 2;

class VarintWriter {
  private out: number[] = [];
  u8(v: number): void { this.out.push(v & 0xff); }
  bytes(b: Uint8Array): void { for (const x of b) this.out.push(x); }
  ascii(s: string): void { this.u8(s.length); for (let i = 0; i < s.length; i++) this.out.push(s.charCodeAt(i)); }
  /** A fixed little-endian u16 (only the version, read before the reader knows the format). */
  u16(v: number): void { this.out.push(v & 0xff, (v >> 8) & 0xff); }
  varint(value: bigint | number): void {
    const v = BigInt.asIntN(64, BigInt(value));
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    for (;;) {
      const low = Number(u & 0x7fn);
      u >>= 7n;
      if (u === 0n) { this.out.push(low); return; }
      this.out.push(low | 0x80);
    }
  }
  done(): Uint8Array { return Uint8Array.from(this.out); }
}

/** A version 1 program (encodeProgram's bytes) in the compact form above. */
export function compactProgram(bytes: Uint8Array): Uint8Array {
  const program = decodeProgram(bytes);
  const used = new Map<number, number>();
  const exports: ProgramExport[] = [];
  for (const step of program.steps) {
    if (step.kind !== "call" || used.has(step.index)) continue;
    used.set(step.index, exports.length);
    exports.push(program.exports[step.index]);
  }
  const w = new VarintWriter();
  w.bytes(new TextEncoder().encode(PROGRAM_MAGIC));
  w.u16(COMPACT_PROGRAM_VERSION);
  w.varint(exports.length);
  w.varint(program.seed);
  for (const e of exports) { w.ascii(e.name); w.ascii(e.signature); w.u8(e.outUnit); w.u8(e.flags); }
  w.varint(program.steps.length);
  for (const step of program.steps) {
    w.u8(STEP[step.kind]);
    if (step.kind === "io") { w.varint(step.bytes.length); w.bytes(step.bytes); }
    else if (step.kind === "call") { w.varint(used.get(step.index)!); for (const a of step.args) w.varint(a); }
    else w.varint(step.ms);
  }
  return w.done();
}
