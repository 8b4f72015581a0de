// The snapshot header (64 bytes, little-endian) and the section heads (8 bytes: id u32, bytes u32).
//
//   0  magic "MYCS"        16 layout hash          32 total bytes
//   4  format version u16  20 heap section address 36 CRC-32 (of every byte but these 4)
//   6  header bytes u16    24 heap section bytes   40..63 reserved, zero
//   8  profile u32         28 section count
//  12  globals fingerprint
import { PROFILE } from "../limits";
import { globalsFingerprint } from "./globals";
import {
  HEADER_BYTES, SECTION_HEAD_BYTES, SECTION_HEAP, SECTION_GLOBALS, geoHeapStart, geoHeapBytes, geoGlobalsBytes, geoTotal,
  heapHeadAt, layoutHash,
} from "./image";

export const MAGIC: u32 = 0x5343594d; // "MYCS"
export const FORMAT_VERSION: u32 = 1;
export const SECTIONS: u32 = 2;
export const AT_VERSION: i32 = 4;
export const AT_HEADER_BYTES: i32 = 6;
export const AT_PROFILE: i32 = 8;
export const AT_FINGERPRINT: i32 = 12;
export const AT_LAYOUT: i32 = 16;
export const AT_HEAP_ADDRESS: i32 = 20;
export const AT_HEAP_BYTES: i32 = 24;
export const AT_SECTIONS: i32 = 28;
export const AT_TOTAL: i32 = 32;
export const AT_CRC: i32 = 36;
export const AT_RESERVED: i32 = 40;

/** Writes this kernel's header and the globals' section head at `to` (after geometryMeasure). */
export function headerWrite(to: usize, crc: u32): void {
  memory.fill(to, 0, <usize>(HEADER_BYTES + SECTION_HEAD_BYTES));
  store<u32>(to, MAGIC);
  store<u16>(to + AT_VERSION, <u16>FORMAT_VERSION);
  store<u16>(to + AT_HEADER_BYTES, <u16>HEADER_BYTES);
  store<u32>(to + AT_PROFILE, <u32>PROFILE);
  store<u32>(to + AT_FINGERPRINT, globalsFingerprint());
  store<u32>(to + AT_LAYOUT, layoutHash());
  store<u32>(to + AT_HEAP_ADDRESS, <u32>geoHeapStart);
  store<u32>(to + AT_HEAP_BYTES, <u32>geoHeapBytes);
  store<u32>(to + AT_SECTIONS, SECTIONS);
  store<u32>(to + AT_TOTAL, <u32>geoTotal);
  store<u32>(to + AT_CRC, crc);
  store<u32>(to + HEADER_BYTES, SECTION_GLOBALS);
  store<u32>(to + HEADER_BYTES + 4, <u32>geoGlobalsBytes);
}

/** Writes the heap's section head at `to`. */
export function heapHeadWrite(to: usize): void {
  store<u32>(to, SECTION_HEAP);
  store<u32>(to + 4, <u32>geoHeapBytes);
}

/** The image offset of each section head and its expected id and length, k = 0 (globals), 1 (heap). */
export function headAt(k: i32): i32 { return k == 0 ? HEADER_BYTES : heapHeadAt(); }
export function headId(k: i32): u32 { return k == 0 ? SECTION_GLOBALS : SECTION_HEAP; }
export function headBytes(k: i32): i32 { return k == 0 ? geoGlobalsBytes : geoHeapBytes; }
