// Restoring a snapshot, in two passes over the same bytes fed through the I/O buffer in order:
// `verify` checks everything (header, profile, version, layout, section heads, CRC-32, the heap
// block headers unchanged, the left-out regions zero, every checked column in range) and
// changes nothing the kernel runs on; only after a verify that reached the end does `apply` copy
// the globals and the heap in. A refused snapshot so leaves the kernel exactly as it was.
// The host must feed apply the very bytes it verified: apply recomputes the CRC-32 and says so
// when they differ, but by then the tables hold a mixture (the typed wrappers feed one buffer).
import { E_SNAPSHOT_CORRUPT, E_SNAPSHOT_SEQUENCE, E_SNAPSHOT_STATE, E_SNAPSHOT_UNVERIFIED } from "../errors";
import { ioPtr, ioFits } from "../io";
import { fail } from "../util/detail";
import { snapshotCrc } from "./crc";
import { globalsLoad } from "./globals";
import {
  GLOBALS_AT, BLOCK_HEAD_BYTES, geometryMeasure, geoHeapStart, geoHeapBytes, geoTotal, heapAt, heapAddress, heapSpan,
  spanLeftOut, firstBlock, nextBlock,
} from "./image";
import { AT_CRC } from "./header";
import { headerCheck, headsCheck } from "./verify-header";
import { checkColumns, badColumn, badValue } from "./checks";
import { takeForget } from "./take";
import {
  phase, cursor, walk, running, expectedCrc, IDLE, VERIFYING, VERIFIED, APPLYING, sessionBegin, sessionAdvance, sessionPhase, sessionEnd,
} from "./session";

/**
 * Feeds the chunk of `length` bytes in the I/O buffer at image `offset`, for the verify pass
 * (`apply` false) or the apply pass. Chunks come in order, each a multiple of 8 bytes but the
 * last; offset 0 starts a pass and its chunk holds at least the header and the globals.
 * Returns 1 when the pass is complete, 0 when it wants more.
 */
export function restore(offset: i32, length: i32, apply: bool): i32 {
  const status = feed(offset, length, apply);
  if (status < 0) sessionEnd();
  return status;
}

function feed(offset: i32, length: i32, apply: bool): i32 {
  if (length <= 0 || !ioFits(0, length)) return fail(E_SNAPSHOT_SEQUENCE).text("snapshot chunk length ").int(length).text(" is not 1..the I/O buffer").code();
  const chunk = ioPtr();
  if (offset == 0) {
    if (apply && phase != VERIFIED) return fail(E_SNAPSHOT_UNVERIFIED).text("snapshot apply started without a verify pass that reached the end").code();
    takeForget();
    geometryMeasure();
    if (length < heapAt() && length < geoTotal) {
      return fail(E_SNAPSHOT_CORRUPT).text("snapshot's first chunk of ").int(length).text(" bytes does not hold its header and globals (")
        .int(heapAt()).text(" bytes)").code();
    }
    if (!apply) {
      const refused = headerCheck(chunk, length);
      if (refused < 0) return refused;
      const heads = headsCheck(chunk);
      if (heads < 0) return heads;
    }
    if (apply && load<u32>(chunk + <usize>AT_CRC) != expectedCrc) {
      return fail(E_SNAPSHOT_UNVERIFIED).text("snapshot to apply (CRC-32 ").int(load<u32>(chunk + <usize>AT_CRC))
        .text(") is not the one verified (").int(expectedCrc).text(")").code();
    }
    sessionBegin(apply ? APPLYING : VERIFYING, apply ? expectedCrc : load<u32>(chunk + <usize>AT_CRC), firstBlock());
    if (apply) globalsLoad(chunk + <usize>GLOBALS_AT);
  } else if (phase != (apply ? APPLYING : VERIFYING) || offset != cursor) {
    return fail(E_SNAPSHOT_SEQUENCE).text("snapshot chunk at ").int(offset).text(" where ").int(phase == IDLE ? 0 : cursor)
      .text(" was expected (a pass starts at 0)").code();
  }
  if (<i64>offset + <i64>length > <i64>geoTotal) {
    return fail(E_SNAPSHOT_CORRUPT).text("snapshot is longer than the ").int(geoTotal).text(" bytes its header and this kernel give").code();
  }
  if ((length & 7) != 0 && offset + length != geoTotal) { // only the last chunk may be short of 8
    return fail(E_SNAPSHOT_CORRUPT).text("snapshot ends at ").int(offset + length).text(", short of its ").int(geoTotal)
      .text(" bytes (or a chunk is not a multiple of 8)").code();
  }
  const crc = crcSkipping(running, chunk, offset, length);
  let block = walk;
  for (let at = max(offset, heapAt()), end = offset + length; at < end;) {
    const address = heapAddress(at);
    const source = chunk + <usize>(at - offset);
    const n = <i32>heapSpan(address, <usize>(end - at));
    if (!apply) {
      const refused = heapCheck(address, source, n, block);
      if (refused < 0) return refused;
      block = walkTo;
    } else if (!spanLeftOut) {
      memory.copy(address, source, <usize>n);
    }
    at += n;
  }
  sessionAdvance(length, crc, block);
  if (cursor < geoTotal) return 0;
  const final = crc ^ 0xffffffff;
  if (final != expectedCrc) {
    if (apply) return fail(E_SNAPSHOT_UNVERIFIED).text("snapshot bytes changed between verify and apply (CRC-32 ").int(final)
      .text(", verified ").int(expectedCrc).text("): the kernel state is a mixture, restart it").code();
    return fail(E_SNAPSHOT_CORRUPT).text("snapshot CRC-32 is ").int(final).text(", its header says ").int(expectedCrc).code();
  }
  if (apply) sessionEnd();
  else sessionPhase(VERIFIED);
  return 1;
}

/** The CRC register after the chunk's bytes, leaving out the header's CRC field. */
function crcSkipping(register: u32, chunk: usize, offset: i32, length: i32): u32 {
  if (offset >= AT_CRC + 4 || offset + length <= AT_CRC) return snapshotCrc(register, chunk, length);
  const before = AT_CRC - offset;
  const crc = snapshotCrc(register, chunk, before);
  return snapshotCrc(crc, chunk + <usize>(before + 4), length - before - 4);
}

/** Where the block walk stopped after heapCheck. */
let walkTo: usize = 0;

/** Checks the heap bytes for [address, address + n) given at `source`, the block walk at `block`. */
function heapCheck(address: usize, source: usize, n: i32, block: usize): i32 {
  walkTo = block;
  if (spanLeftOut) {
    for (let p: usize = 0; p < <usize>n; p++) {
      if (load<u8>(source + p) != 0) return fail(E_SNAPSHOT_CORRUPT).text("snapshot has bytes in a left-out region at ").int(address + p).code();
    }
    return 0;
  }
  // The allocator's and the objects' headers (20 bytes a block) must be this kernel's, byte for byte.
  const end = address + <usize>n;
  const heapEnd = geoHeapStart + <usize>geoHeapBytes;
  let b = block;
  while (b < end && b + 4 <= heapEnd && load<u32>(b) != 0) {
    for (let p = max(b, address), to = min(b + BLOCK_HEAD_BYTES, end); p < to; p++) {
      if (load<u8>(source + (p - address)) != load<u8>(p)) {
        return fail(E_SNAPSHOT_CORRUPT).text("snapshot's heap block at ").int(b).text(" has another header than this kernel's").code();
      }
    }
    if (b + BLOCK_HEAD_BYTES > end) break; // the rest of this header is in the next chunk
    b = nextBlock(b);
  }
  walkTo = b;
  if (!checkColumns(address, source, <usize>n)) {
    return fail(E_SNAPSHOT_STATE).text("snapshot's checked column ").int(badColumn).text(" holds ").int(badValue)
      .text(", outside its table's range").code();
  }
  return 0;
}
