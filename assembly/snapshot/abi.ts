// The snapshot exports (docs/snapshot-format.md): take a snapshot and read it out in chunks
// through the I/O buffer; restore one in two passes (verify, then apply) fed the same way.
// Not in the mcu profile: there every export answers E_SNAPSHOT_UNAVAILABLE.
import { E_SNAPSHOT_UNAVAILABLE, E_INVALID_ARGUMENT } from "../errors";
import { WITH_SNAPSHOT } from "../features";
import { fail } from "../util/detail";
import { take, read } from "./take";
import { restore } from "./restore";
import { TRANSIENT, transientAt, transientBytes } from "./image";

function absent(): i32 { return fail(E_SNAPSHOT_UNAVAILABLE).code(); }

/** Stages a snapshot of the whole kernel state; returns its length in bytes. Read it out with
 *  `snapshotRead` before any other call. */
export function snapshotTake(): i32 {
  if (WITH_SNAPSHOT) return take();
  return absent();
}

/** Copies the staged snapshot from byte `offset` (a multiple of 8) into the I/O buffer; returns
 *  the bytes copied (the buffer's capacity but for the last chunk). */
export function snapshotRead(offset: i32): i32 {
  if (WITH_SNAPSHOT) return read(offset);
  return absent();
}

/** Feeds `length` bytes of a snapshot (I/O buffer) at `offset`: pass `apply` 0 verifies and
 *  changes nothing, pass 1 (after a complete verify of the same bytes) restores. Chunks in order
 *  from 0, multiples of 8 bytes but the last. Returns 1 when the pass is complete, else 0. */
export function snapshotRestore(offset: i32, length: i32, apply: i32): i32 {
  if (WITH_SNAPSHOT) return restore(offset, length, apply != 0);
  return absent();
}

/** The regions a snapshot leaves out (the I/O buffer, the error detail's fields and bytes, the
 *  record scratch):
 *  field 0 the address of region `k`, field 1 its bytes. For proofs that a refused restore
 *  changed nothing else. */
export function snapshotLeftOut(k: i32, field: i32): i32 {
  if (!WITH_SNAPSHOT) return absent();
  if (k < 0 || k >= TRANSIENT || field < 0 || field > 1) {
    return fail(E_INVALID_ARGUMENT).text("left-out region ").int(k).text(" field ").int(field).text(" is not 0..3, 0..1").code();
  }
  return field == 0 ? <i32>transientAt(k) : <i32>transientBytes(k);
}
