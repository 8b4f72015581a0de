// Names: validation and a fixed open-addressing index (FNV-1a, linear probing, tombstones).
// One NameTable serves services and tags; each owns `capacity` slots of NAME_BYTES_MAX bytes.
import { NAME_BYTES_MAX } from "../limits";
import { OK, E_NAME_EMPTY, E_NAME_TOO_LONG, E_NAME_INVALID_CHAR } from "../errors";
import { fail } from "../util/detail";
import { fillAll } from "../util/fill";

const EMPTY: i32 = 0;
const TOMBSTONE: i32 = -1;

@inline function isAlnum(c: u8): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** A name is 1..NAME_BYTES_MAX bytes of [A-Za-z0-9._-] starting with a letter or digit. */
export function validateName(ptr: usize, len: i32, field: string): i32 {
  if (len <= 0) return fail(E_NAME_EMPTY).text(field).text(" is empty").code();
  if (len > NAME_BYTES_MAX) {
    return fail(E_NAME_TOO_LONG).text(field).text(" '").raw(ptr, min(len, 64)).text(len > 64 ? "...' is " : "' is ")
      .int(len).text(" bytes; the limit is ").int(NAME_BYTES_MAX).code();
  }
  for (let i = 0; i < len; i++) {
    const c = load<u8>(ptr + <usize>i);
    const allowed = isAlnum(c) || (i > 0 && (c == 0x2d || c == 0x2e || c == 0x5f));
    if (!allowed) {
      return fail(E_NAME_INVALID_CHAR).text(field).text(" '").raw(ptr, len).text("' has a bad character at byte ")
        .int(i).text(" (allowed: letters, digits, and . _ - after the first)").code();
    }
  }
  return OK;
}

function fnv1a(ptr: usize, len: i32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = (h ^ load<u8>(ptr + <usize>i)) * 0x01000193;
  return h;
}

export class NameTable {
  private readonly bytes: StaticArray<u8>;
  private readonly lengths: StaticArray<u8>;
  /** slot -> id + 1; EMPTY or TOMBSTONE otherwise. */
  private readonly index: StaticArray<i32>;
  private readonly mask: i32;

  constructor(readonly capacity: i32, slots: i32) {
    this.bytes = new StaticArray<u8>(capacity * NAME_BYTES_MAX);
    this.lengths = new StaticArray<u8>(capacity);
    this.index = new StaticArray<i32>(slots);
    this.mask = slots - 1;
  }

  @inline namePtr(id: i32): usize { return changetype<usize>(this.bytes) + <usize>(id * NAME_BYTES_MAX); }
  @inline nameLength(id: i32): i32 { return this.lengths[id]; }

  private equals(id: i32, ptr: usize, len: i32): bool {
    return this.lengths[id] == len && memory.compare(this.namePtr(id), ptr, <usize>len) == 0;
  }

  /** The id holding this name, or -1. */
  find(ptr: usize, len: i32): i32 {
    return this.findHashed(ptr, len, fnv1a(ptr, len));
  }

  private findHashed(ptr: usize, len: i32, hash: u32): i32 {
    let slot = <i32>hash & this.mask;
    for (let probes = 0; probes <= this.mask; probes++) {
      const entry = unchecked(this.index[slot]);
      if (entry == EMPTY) return -1;
      if (entry != TOMBSTONE && this.equals(entry - 1, ptr, len)) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }

  /**
   * Stores the name under `id` unless the name is taken; returns -1 when stored, or the id
   * that already holds it (one hash for both the check and the insert). The caller validated it.
   */
  insertUnique(id: i32, ptr: usize, len: i32): i32 {
    const hash = fnv1a(ptr, len);
    const existing = this.findHashed(ptr, len, hash);
    if (existing >= 0) return existing;
    memory.copy(this.namePtr(id), ptr, <usize>len);
    this.lengths[id] = <u8>len;
    let slot = <i32>hash & this.mask;
    while (unchecked(this.index[slot]) > 0) slot = (slot + 1) & this.mask;
    this.index[slot] = id + 1;
    return -1;
  }

  remove(id: i32): void {
    let slot = <i32>fnv1a(this.namePtr(id), this.lengths[id]) & this.mask;
    for (let probes = 0; probes <= this.mask; probes++) {
      const entry = unchecked(this.index[slot]);
      if (entry == EMPTY) break;
      if (entry == id + 1) { this.index[slot] = TOMBSTONE; break; }
      slot = (slot + 1) & this.mask;
    }
    this.lengths[id] = 0;
  }

  clear(): void {
    fillAll(this.index, EMPTY);
    fillAll(this.lengths, 0);
  }
}
