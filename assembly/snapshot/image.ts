// The snapshot image: where each of its bytes comes from (docs/snapshot-format.md).
//
//   0      64        72             72+G      80+G                    80+G+H
//   +------+---------+---- ... -----+---------+---------- ... ---------+
//   |header| sec 2   | globals: all | sec 1   | heap: every table of    |
//   |      | id, G   | scalars, G B | id, H   | every layer, H bytes    |
//   +------+---------+---- ... -----+---------+---------- ... ---------+
//
// The kernel reserves all its tables at init and allocates nothing after (allocation.test.ts),
// so its whole table state is the stub allocator's heap, from the first block to the high-water
// mark: a region that covers every layer's tables without any layer registering them. The heap
// section copies it whole but for the left-out regions (transientAt): the I/O buffer (it carries
// the snapshot itself) and the error detail (it describes the last call). Those read as zeros in
// the image and a restore leaves them as they are. The header and the globals travel in the first
// chunk (the I/O buffer holds them whole), so the kernel needs no memory of its own for a snapshot.
import { ioPtr } from "../io";
import { IO_BUFFER_BYTES, ERROR_DETAIL_BYTES } from "../limits";
import { detail, Detail } from "../util/detail";
import { heapTop } from "../util/heap-top";
import { recordScratch, RECORD_SCRATCH_BYTES } from "../util/record";
import { crc32Word } from "../manifest/format";
import { AL_MASK, BLOCK_OVERHEAD, TOTAL_OVERHEAD } from "rt/common";
import { globalsBytes } from "./globals";

export const HEADER_BYTES: i32 = 64;
export const SECTION_HEAD_BYTES: i32 = 8;
export const SECTION_HEAP: u32 = 1;
export const SECTION_GLOBALS: u32 = 2;
/** Where the globals start in the image (after the header and their section head). */
export const GLOBALS_AT: i32 = HEADER_BYTES + SECTION_HEAD_BYTES;

/** The first heap block header (its mmInfo), where a walk of the blocks starts. */
export function firstBlock(): usize { return ((__heap_base + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD; }
/** The block after `block` (the last one's successor holds mmInfo 0). */
@inline export function nextBlock(block: usize): usize { return block + BLOCK_OVERHEAD + load<u32>(block); }
/** Bytes of a block's headers (allocator and object): a restore requires them unchanged. */
export const BLOCK_HEAD_BYTES: usize = TOTAL_OVERHEAD;

// The geometry of this kernel's image, measured once per take or restore (the heap walk is not free).
export let geoHeapStart: usize = 0;
export let geoHeapBytes: i32 = 0;
export let geoGlobalsBytes: i32 = 0;
export let geoTotal: i32 = 0;
export function geometryMeasure(): void {
  geoHeapStart = firstBlock() & ~<usize>7; // rounded down to 8: the image keeps 8-byte alignment
  geoHeapBytes = <i32>(((heapTop() + 7) & ~<usize>7) - geoHeapStart);
  geoGlobalsBytes = globalsBytes();
  geoTotal = GLOBALS_AT + geoGlobalsBytes + SECTION_HEAD_BYTES + geoHeapBytes;
}
/** Where the heap's section head and bytes start in the image. */
export function heapHeadAt(): i32 { return GLOBALS_AT + geoGlobalsBytes; }
export function heapAt(): i32 { return heapHeadAt() + SECTION_HEAD_BYTES; }
/** The heap address of image byte `offset` (at or past heapAt()). */
@inline export function heapAddress(offset: i32): usize { return geoHeapStart + <usize>(offset - heapAt()); }

/** CRC-32 of the heap's shape: where it starts, its length and every block's size. Two kernels
 *  with the same layout hash keep every table at the same address with the same length. */
export function layoutHash(): u32 { // after geometryMeasure
  let crc: u32 = 0xffffffff;
  const end = geoHeapStart + <usize>geoHeapBytes;
  crc = crc32Word(crc, <u32>geoHeapStart);
  crc = crc32Word(crc, <u32>geoHeapBytes);
  for (let block = firstBlock(); block + BLOCK_OVERHEAD <= end && load<u32>(block) != 0; block = nextBlock(block)) {
    crc = crc32Word(crc, load<u32>(block));
  }
  return crc ^ 0xffffffff;
}

// ---- the left-out regions ----

// Memory that holds no state between two calls. The first three lie in the heap; the record
// scratch (util/record.ts) lies in static data, which a snapshot never copies: it is listed so
// that a proof comparing whole memories (test/snapshot) knows every byte a snapshot may skip.
export const TRANSIENT: i32 = 4;

/** Start address of left-out region `k`. */
export function transientAt(k: i32): usize {
  if (k == 0) return ioPtr();
  if (k == 1) return changetype<usize>(detail); // the Detail object's fields
  if (k == 2) return load<usize>(changetype<usize>(detail)); // its bytes (the first field)
  return recordScratch;
}

export function transientBytes(k: i32): usize {
  if (k == 0) return <usize>IO_BUFFER_BYTES;
  if (k == 1) return offsetof<Detail>();
  if (k == 2) return <usize>ERROR_DETAIL_BYTES;
  return <usize>RECORD_SCRATCH_BYTES;
}

/** True when the run `heapSpan` measured is a left-out region. */
export let spanLeftOut: bool = false;

/** Bytes from heap `address` to the end of the run that is all kept or all left out, at most
 *  `limit`; sets `spanLeftOut`. */
export function heapSpan(address: usize, limit: usize): usize {
  let run = limit;
  spanLeftOut = false;
  for (let k = 0; k < TRANSIENT; k++) {
    const at = transientAt(k);
    const end = at + transientBytes(k);
    if (address >= at && address < end) {
      spanLeftOut = true;
      return min(run, end - address);
    }
    if (at > address) run = min(run, at - address);
  }
  return run;
}
