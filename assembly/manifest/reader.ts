// Reading a validated blob: the records of a service's section, a config key's record. Used by
// the manifest's apply and diff, the config store and the discovery addresses.
import { RECORD_HEADER_BYTES, TAG_CONFIG } from "./format";

/** The next record offset after the one at `offset` (the blob at `ptr` is validated). */
export function nextRecord(ptr: usize, offset: i32): i32 {
  return offset + RECORD_HEADER_BYTES + <i32>load<u16>(ptr + <usize>(offset + 1));
}

/** The offset of the first record with `tag` in the section [from, to) of the blob at ptr; -1 when absent. */
export function findRecord(ptr: usize, from: i32, to: i32, tag: u8): i32 {
  for (let offset = from; offset < to; offset = nextRecord(ptr, offset)) {
    if (load<u8>(ptr + <usize>offset) == tag) return offset;
  }
  return -1;
}

/** Finds the CONFIG record of `key` in the section [from, to) of the blob at ptr; -1 when absent. */
export function findConfig(ptr: usize, from: i32, to: i32, keyPtr: usize, keyLength: i32): i32 {
  for (let offset = from; offset < to; offset = nextRecord(ptr, offset)) {
    if (load<u8>(ptr + <usize>offset) != TAG_CONFIG) continue;
    if (<i32>load<u8>(ptr + <usize>(offset + 5)) != keyLength) continue;
    if (memory.compare(ptr + <usize>(offset + 6), keyPtr, <usize>keyLength) == 0) return offset;
  }
  return -1;
}
