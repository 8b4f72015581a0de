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

/** Copies field `index` from `from` to `to`, replacing the sentinel with `fallback`; returns the value. */
@inline export function resolveField(from: usize, to: usize, index: i32, fallback: i32): i32 {
  const value = field(from, index);
  const effective = value == RECORD_DEFAULT ? fallback : value;
  fieldSet(to, index, effective);
  return effective;
}

/** Scratch for a resolved record (the largest is RECOVERY's 104 bytes). */
export const RECORD_SCRATCH_BYTES: i32 = 128;
export const recordScratch: usize = memory.data(RECORD_SCRATCH_BYTES, 4);

/** RECORD_SCRATCH_BYTES of sentinels: the record "every field the kernel's default". */
export const recordDefaults: usize = memory.data(RECORD_SCRATCH_BYTES, 4);
memory.fill(recordDefaults, 0xff, RECORD_SCRATCH_BYTES);

/** E_INVALID_ARGUMENT unless `length` is exactly the record's size. */
export function recordLengthValid(what: string, length: i32, bytes: i32): i32 {
  if (length == bytes) return 0;
  return fail(E_INVALID_ARGUMENT).text(what).text(" record length ").int(length).text(" is not its ").int(bytes)
    .text(" bytes").code();
}
