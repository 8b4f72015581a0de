// A program's 64-bit argument and result slots, to and from the values a JavaScript wasm call
// takes and returns (the signature letters of program.ts). Shared by the recorder and every
// TypeScript host, so the three agree on every bit.
const scratch = new DataView(new ArrayBuffer(8));

function f64Bits(value: number): bigint { scratch.setFloat64(0, value, true); return scratch.getBigInt64(0, true); }
function bitsF64(slot: bigint): number { scratch.setBigInt64(0, slot, true); return scratch.getFloat64(0, true); }

/** The value to pass for a parameter of letter `l`. */
export function argValue(l: string, slot: bigint): number | bigint {
  switch (l) {
    case "I": return BigInt.asIntN(64, slot);
    case "F": case "f": return bitsF64(slot);
    default: return Number(BigInt.asIntN(32, slot));
  }
}

/** The slot of a parameter value or a result of letter `l` (i32 sign-extended; floats by their f64 bits; void 0). */
export function toSlot(l: string, value: unknown): bigint {
  switch (l) {
    case "v": return 0n;
    case "I": return BigInt.asIntN(64, BigInt(value as bigint | number));
    case "F": case "f": return f64Bits(Number(value));
    default: return BigInt(Number(value) | 0);
  }
}

/** A slot as the 8 little-endian bytes every host hashes. */
export function slotBytes(slot: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt.asIntN(64, slot), true);
  return bytes;
}
