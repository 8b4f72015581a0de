// Configuration records: fixed layouts of little-endian i32 fields (field n at byte 4n), written
// by the host into the I/O buffer or carried as a manifest section's payload. The sentinel
// RECORD_DEFAULT (-1, 0xFFFFFFFF) in any field means "the kernel's default" (assembly/defaults.ts,
// docs/defaults.md). A record is resolved (sentinels replaced) into scratch, validated whole,
// and only then applied: one call, any order of fields, nothing changes on error.
//
//   0      4      8           4(n-1)   4n
//   +------+------+-- ... --+--------+
//   | f0   | f1   |         | f(n-1) |    every field an i32
//   +------+------+-- ... --+--------+

import { E_INVALID_ARGUMENT } from "../errors";
import { fail } from "./detail";

export const RECORD_DEFAULT: i32 = -1;

@inline export function field(ptr: usize, index: i32): i32 { return load<i32>(ptr + (<usize>index << 2)); }
@inline export function fieldSet(ptr: usize, index: i32, value: i32): void { store<i32>(ptr + (<usize>index << 2), value); }

/** Copies field `index` from `from` (0: a record of sentinels) to `to` (it may be `from`),
 *  replacing the sentinel with `fallback`; returns the value. A call, not inlined: the resolvers
 *  call it once per field, and a call is a third of the inlined body (tiny: 675 bytes). */
export function resolveField(from: usize, to: usize, index: i32, fallback: i32): i32 {
  const value = from == 0 ? RECORD_DEFAULT : field(from, index);
  const effective = value == RECORD_DEFAULT ? fallback : value;
  fieldSet(to, index, effective);
  return effective;
}

/** Copies a `fields`-field record from `from` (0: a record of sentinels) to `to` (it may be
 *  `from`), each sentinel replaced by that field's default in `defaults` (an i32 per field, in
 *  field order). A derived field's default there is the sentinel: its resolver replaces it after,
 *  from the fields it derives from (resolveField(to, to, ...)). */
export function resolveFields(from: usize, to: usize, defaults: usize, fields: i32): void {
  for (let n = 0; n < fields; n++) resolveField(from, to, n, field(defaults, n));
}

/** Scratch for a record being resolved, validated and applied (the largest is RECOVERY's 104
 *  bytes). One is enough: no record's apply resolves another one. */
export const RECORD_SCRATCH_BYTES: i32 = 104;
export const recordScratch: usize = memory.data(RECORD_SCRATCH_BYTES, 4);

/** The record "every field the kernel's default" for the resolvers. */
export const recordDefaults: usize = 0;

/** E_INVALID_ARGUMENT unless `length` is exactly the record's size. */
export function recordLengthValid(what: string, length: i32, bytes: i32): i32 {
  if (length == bytes) return 0;
  return fail(E_INVALID_ARGUMENT).text(what).text(" record length ").int(length).text(" is not its ").int(bytes)
    .text(" bytes").code();
}

// ---- the sparse form (a manifest section's payload) -------------------------------------------
//
//   0         4
//   +---------+---------+-- ... --+
//   | mask u32| f(a) i32| f(b) i32|    bit n of the mask: field n follows; an absent field is the
//   +---------+---------+-- ... --+    sentinel. A blob so carries only what the YAML says.

/** The bytes of the sparse record at `ptr`. */
export function sparseBytes(ptr: usize): i32 { return 4 + 4 * <i32>popcnt(load<u32>(ptr)); }

/** Whether a sparse record of a `fields`-field layout starts at `ptr` within `available` bytes. */
export function sparseFits(ptr: usize, available: i32, fields: i32): bool {
  if (available < 4) return false;
  const mask = load<u32>(ptr);
  return (fields >= 32 || (mask >> <u32>fields) == 0) && sparseBytes(ptr) <= available;
}

/** Field `index` of the sparse record at `ptr` (it fits), `fallback` when absent. */
export function sparseField(ptr: usize, index: i32, fallback: i32): i32 {
  const mask = load<u32>(ptr);
  const bit = <u32>1 << <u32>index;
  if ((mask & bit) == 0) return fallback;
  return load<i32>(ptr + 4 + 4 * <usize>popcnt(mask & (bit - 1)));
}

/** The sparse record at `ptr` (it fits; 0: none) as a full one for a resolver: expanded into
 *  recordScratch, or recordDefaults when there is none. Every section of the manifest reads its
 *  records through here. */
export function sparseRead(ptr: usize, fields: i32): usize {
  if (ptr == 0) return recordDefaults;
  sparseExpand(ptr, fields, recordScratch);
  return recordScratch;
}

/** The full record of the sparse one at `ptr` (it fits), into `to`: absent fields the sentinel. */
export function sparseExpand(ptr: usize, fields: i32, to: usize): void {
  const mask = load<u32>(ptr);
  let at = ptr + 4;
  for (let n = 0; n < fields; n++) {
    const present = (mask >> <u32>n) & 1;
    fieldSet(to, n, present != 0 ? load<i32>(at) : RECORD_DEFAULT);
    at += <usize>(present << 2);
  }
}
