// The exports of a compiled module with their types, read from the binary (the JavaScript API
// gives only names and kinds): function signatures, and the values of constant i32 globals.

export type ValueType = "i32" | "i64" | "f32" | "f64";
export interface FunctionSignature { params: ValueType[]; results: ValueType[] }
export interface ModuleExports {
  functions: Map<string, FunctionSignature>;
  globals: Map<string, { type: ValueType; mutable: boolean; value: number | null }>;
  memories: string[];
}

const VALUE_TYPES: Record<number, ValueType> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64" };

class Reader {
  constructor(private readonly bytes: Uint8Array, public at = 0) {}
  byte(): number { return this.bytes[this.at++]; }
  u32(): number {
    let result = 0, shift = 0, byte: number;
    do { byte = this.byte(); result |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
    return result >>> 0;
  }
  s32(): number {
    let result = 0, shift = 0, byte: number;
    do { byte = this.byte(); result |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
    return shift < 32 && (byte & 0x40) ? result | (-1 << shift) : result;
  }
  name(): string { const n = this.u32(); const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + n)); this.at += n; return s; }
  valueType(): ValueType {
    const code = this.byte();
    const type = VALUE_TYPES[code];
    if (!type) throw new Error(`unexpected value type 0x${code.toString(16)} at ${this.at - 1}`);
    return type;
  }
  limits(): void { const flags = this.byte(); this.u32(); if (flags & 1) this.u32(); }
  /** A constant expression; the value when it is one i32.const, else null. */
  constant(): number | null {
    let value: number | null = null;
    for (let op = this.byte(); op !== 0x0b; op = this.byte()) {
      if (op === 0x41) value = this.s32();
      else if (op === 0x42) { while (this.byte() & 0x80); value = null; } // i64.const (not an ABI constant)
      else if (op === 0x43 || op === 0x44) { this.at += op === 0x43 ? 4 : 8; value = null; } // f32/f64.const
      else if (op === 0x23) { this.u32(); value = null; } // global.get
      else throw new Error(`unsupported constant expression op 0x${op.toString(16)}`);
    }
    return value;
  }
}

export function moduleExports(wasm: Uint8Array): ModuleExports {
  const types: FunctionSignature[] = [];
  const functionTypes: number[] = []; // imported functions first, then defined ones
  const globals: { type: ValueType; mutable: boolean; value: number | null }[] = [];
  const out: ModuleExports = { functions: new Map(), globals: new Map(), memories: [] };
  const r = new Reader(wasm, 8);
  while (r.at < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Error("type section: not a function type");
        const params = Array.from({ length: r.u32() }, () => r.valueType());
        const results = Array.from({ length: r.u32() }, () => r.valueType());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.name(); r.name();
        const kind = r.byte();
        if (kind === 0) functionTypes.push(r.u32());
        else if (kind === 1) { r.byte(); r.limits(); }
        else if (kind === 2) r.limits();
        else if (kind === 3) { const type = r.valueType(); globals.push({ type, mutable: r.byte() === 1, value: null }); }
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) functionTypes.push(r.u32());
    } else if (id === 6) {
      for (let n = r.u32(); n > 0; n--) {
        const type = r.valueType();
        const mutable = r.byte() === 1;
        globals.push({ type, mutable, value: r.constant() });
      }
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = r.byte();
        const index = r.u32();
        if (kind === 0) out.functions.set(name, types[functionTypes[index]]);
        else if (kind === 3) out.globals.set(name, globals[index]);
        else if (kind === 2) out.memories.push(name);
      }
    }
    r.at = end;
  }
  return out;
}
