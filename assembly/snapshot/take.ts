// Taking a snapshot: the CRC-32 is computed in place over the state, and the host reads the image
// out through the I/O buffer in chunks (the first one holds the header and the globals). The
// kernel allocates nothing and keeps no copy; the host must not call anything else between
// `snapshotTake` and its last `snapshotRead` (the CRC covers the state at the take).
import { E_SNAPSHOT_SEQUENCE, E_SNAPSHOT_LAYOUT } from "../errors";
import { IO_BUFFER_BYTES } from "../limits";
import { ioPtr } from "../io";
import { fail } from "../util/detail";
import { snapshotCrc } from "./crc";
import { globalsSave } from "./globals";
import { GLOBALS_AT, geometryMeasure, geoGlobalsBytes, geoTotal, heapAt, heapHeadAt, heapAddress, heapSpan, spanLeftOut } from "./image";
import { headerWrite, heapHeadWrite, AT_CRC } from "./header";
import { sessionEnd } from "./session";

/** The CRC-32 goes over the heap in runs of this size: one call over all of it runs in the
 *  engine's baseline tier from start to end (V8 has no on-stack replacement for wasm), 10x slower. */
const CRC_RUN_BYTES: i32 = 8192;

let takenBytes: i32 = 0;
let takenCrc: u32 = 0;

/** Writes the image's first bytes (header, globals, the heap's section head) at `to`. */
function frontWrite(to: usize): void {
  headerWrite(to, takenCrc);
  memory.fill(to + <usize>GLOBALS_AT, 0, <usize>geoGlobalsBytes); // an i32 fills 4 of its 8 bytes
  globalsSave(to + <usize>GLOBALS_AT);
  heapHeadWrite(to + <usize>heapHeadAt());
}

/** Measures the state and its CRC-32; returns the snapshot's length in bytes. */
export function take(): i32 {
  sessionEnd(); // a take abandons a restore in progress
  geometryMeasure();
  if (heapAt() > IO_BUFFER_BYTES) {
    return fail(E_SNAPSHOT_LAYOUT).text("the snapshot's header and globals (").int(heapAt()).text(" bytes) do not fit the I/O buffer").code();
  }
  takenCrc = 0;
  const io = ioPtr();
  frontWrite(io);
  let crc = snapshotCrc(0xffffffff, io, AT_CRC);
  crc = snapshotCrc(crc, io + <usize>(AT_CRC + 4), heapAt() - AT_CRC - 4);
  for (let at = heapAt(); at < geoTotal;) {
    const address = heapAddress(at);
    const n = <i32>heapSpan(address, <usize>min(geoTotal - at, CRC_RUN_BYTES));
    crc = snapshotCrc(crc, spanLeftOut ? 0 : address, n);
    at += n;
  }
  takenCrc = crc ^ 0xffffffff;
  takenBytes = geoTotal;
  return geoTotal;
}

/** Copies the image from `offset` (a multiple of 8) into the I/O buffer; returns the bytes copied. */
export function read(offset: i32): i32 {
  if (takenBytes == 0) return fail(E_SNAPSHOT_SEQUENCE).text("snapshot read before a snapshot was taken").code();
  if (offset < 0 || offset >= takenBytes || (offset & 7) != 0) {
    return fail(E_SNAPSHOT_SEQUENCE).text("snapshot read at ").int(offset).text(": not a multiple of 8 inside the ")
      .int(takenBytes).text("-byte snapshot").code();
  }
  const n = min(IO_BUFFER_BYTES & ~7, takenBytes - offset);
  const io = ioPtr();
  if (offset == 0) frontWrite(io);
  for (let at = max(offset, heapAt()); at < offset + n;) {
    const address = heapAddress(at);
    const run = <i32>heapSpan(address, <usize>(offset + n - at));
    const into = io + <usize>(at - offset);
    if (spanLeftOut) memory.fill(into, 0, <usize>run);
    else memory.copy(into, address, <usize>run);
    at += run;
  }
  return n;
}

/** Forgets the taken snapshot (a restore is starting: it may change the state read out). */
export function takeForget(): void { takenBytes = 0; }
