// CRC-32 of a snapshot (the same IEEE 802.3 CRC as manifest/format.ts, bit for bit) by
// slicing-by-8: eight 256-entry tables, eight bytes a step, about four times the byte-wise
// speed. The snapshot's CRC runs over the whole heap three times in a kernel upgrade's pause
// (take, verify, apply) and once more for the new kernel's self-check: it is most of the pause.
// The 8 KiB of tables are reserved at init, only in the profiles that have snapshots.
import { WITH_SNAPSHOT } from "../features";

/** Address of the tables: table k's entry n at slices + 4 * (256 * k + n). */
let slices: usize = 0;

if (WITH_SNAPSHOT) {
  const tables = new StaticArray<u32>(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = <u32>n;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = tables[((k - 1) << 8) + n];
      tables[(k << 8) + n] = (prev >>> 8) ^ tables[prev & 0xff];
    }
  }
  slices = changetype<usize>(tables);
}

@inline function at(table: u32, index: u32): u32 { return load<u32>(slices + <usize>(((table << 8) | index) << 2)); }

/** One step over 8 bytes: `lo` (the first four, the register already mixed in) and `hi`. */
@inline function step(lo: u32, hi: u32): u32 {
  return at(7, lo & 0xff) ^ at(6, (lo >>> 8) & 0xff) ^ at(5, (lo >>> 16) & 0xff) ^ at(4, lo >>> 24) ^
    at(3, hi & 0xff) ^ at(2, (hi >>> 8) & 0xff) ^ at(1, (hi >>> 16) & 0xff) ^ at(0, hi >>> 24);
}

/** The running CRC-32 register after `len` bytes at `ptr` (`ptr` 0: `len` zero bytes), as
 *  manifest/format.ts crc32Update. */
export function snapshotCrc(register: u32, ptr: usize, len: i32): u32 {
  let crc = register;
  let i = 0;
  if (ptr == 0) {
    for (; i + 8 <= len; i += 8) crc = step(crc, 0);
    for (; i < len; i++) crc = at(0, crc & 0xff) ^ (crc >>> 8);
    return crc;
  }
  for (; i + 8 <= len; i += 8) {
    const p = ptr + <usize>i;
    crc = step(load<u32>(p) ^ crc, load<u32>(p, 4));
  }
  for (; i < len; i++) crc = at(0, (crc ^ load<u8>(ptr + <usize>i)) & 0xff) ^ (crc >>> 8);
  return crc;
}
