// The detail of the last error: a sentence that names the service, the field and the value,
// written into a fixed buffer (never allocated) and read by the host with `errorDetail`.
// Callers chain: `return fail(E_X).text("service '").name(id).text("': ...").code();`
import { ERROR_DETAIL_BYTES } from "../limits";
import { WITH_SENTENCES } from "../features";

const HEX = "0123456789abcdef";

export class Detail {
  private readonly bytes: StaticArray<u8> = new StaticArray<u8>(ERROR_DETAIL_BYTES);
  length: i32 = 0;
  errorCode: i32 = 0;

  begin(code: i32): Detail { this.length = 0; this.errorCode = code; return this; }

  // Without sentences (the tiny profile) every writer returns at once and inlines to nothing.
  byte(b: u8): Detail {
    if (WITH_SENTENCES && this.length < ERROR_DETAIL_BYTES) this.bytes[this.length++] = b;
    return this;
  }

  /** ASCII text from a string literal (static data: reading it allocates nothing). */
  text(s: string): Detail {
    if (!WITH_SENTENCES) return this;
    for (let i = 0, n = s.length; i < n; i++) this.byte(<u8>s.charCodeAt(i));
    return this;
  }

  /** ASCII bytes in static data: what the build's literal transform turns `text("...")` into. */
  ascii(ptr: usize, len: i32): Detail {
    if (!WITH_SENTENCES) return this;
    for (let i = 0; i < len; i++) this.byte(load<u8>(ptr + <usize>i));
    return this;
  }

  /** Untrusted bytes from the host: printable ASCII as is, everything else as \xNN. */
  raw(ptr: usize, len: i32): Detail {
    if (!WITH_SENTENCES) return this;
    for (let i = 0; i < len; i++) {
      const b = load<u8>(ptr + <usize>i);
      if (b >= 0x20 && b < 0x7f && b != 0x5c) { this.byte(b); continue; }
      this.byte(0x5c).byte(0x78).byte(<u8>HEX.charCodeAt(b >> 4)).byte(<u8>HEX.charCodeAt(b & 15));
    }
    return this;
  }

  int(value: i64): Detail {
    if (!WITH_SENTENCES) return this;
    if (value < 0) this.byte(0x2d);
    // The magnitude as unsigned, so even i64.MIN_VALUE prints right.
    const magnitude: u64 = value < 0 ? <u64>0 - <u64>value : <u64>value;
    let divisor: u64 = 1;
    while (magnitude / divisor >= 10) divisor *= 10;
    for (; divisor > 0; divisor /= 10) this.byte(<u8>(0x30 + (magnitude / divisor) % 10));
    return this;
  }

  code(): i32 { return this.errorCode; }

  /** Copies the detail to `dst` (up to `capacity` bytes) and returns its length. */
  copyTo(dst: usize, capacity: i32): i32 {
    if (!WITH_SENTENCES) return 0; // (tiny) no writer writes a byte
    const n = min(this.length, capacity);
    memory.copy(dst, changetype<usize>(this.bytes), <usize>n);
    return n;
  }
}

export const detail = new Detail();

/** Starts the detail of a failing call; finish with `.code()` to return the error code. A call,
 *  not inlined: every error site is then a constant and a call (tiny: 168 bytes less). */
export function fail(code: i32): Detail { return detail.begin(code); }

/** `fail(code).code()`, returning the code it was given rather than reading it back. Without
 *  sentences (tiny) the build's literal transform (host/tools/asc-ascii-literals.js) turns every
 *  `fail(E)...code()` chain into this call, which needs no import: hence global; the stubs of the
 *  exports tiny leaves out call it too (host/tools/asc-features.js). */
@global export function failCode(code: i32): i32 { fail(code); return code; }
