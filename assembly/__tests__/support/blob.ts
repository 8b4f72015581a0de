// A manifest blob written by a spec (manifest/format.ts: header, records, CRC-32), staged and
// loaded through the ABI the way a host does.
import { manifestStage, manifestLoad, ioBuffer } from "../../index";
import { crc32, FORMAT_VERSION, HEADER_BYTES, CHECKSUM_FROM, TAG_SERVICE, TAG_DEPENDENCY } from "../../manifest/format";

export class BlobWriter {
  bytes: u8[] = [];
  services: i32 = 0;
  constructor() { for (let i = 0; i < HEADER_BYTES; i++) this.bytes.push(0); }
  u8(v: i32): BlobWriter { this.bytes.push(<u8>v); return this; }
  u16(v: i32): BlobWriter { this.bytes.push(<u8>(v & 0xff)); this.bytes.push(<u8>((v >> 8) & 0xff)); return this; }
  /** A record: tag, u16 length, then `payload`. */
  record(tag: u8, payload: u8[]): BlobWriter {
    this.u8(tag).u16(payload.length);
    for (let i = 0; i < payload.length; i++) this.bytes.push(payload[i]);
    return this;
  }
  service(name: string): BlobWriter {
    const payload: u8[] = [1];
    for (let i = 0; i < name.length; i++) payload.push(<u8>name.charCodeAt(i));
    this.services++;
    return this.record(TAG_SERVICE, payload);
  }
  /** A `requires` dependency on the blob's service `index`. */
  requires(index: i32): BlobWriter { return this.record(TAG_DEPENDENCY, [<u8>index, <u8>(index >> 8), 1, 0]); }
  /** Header and CRC filled in; returns the bytes. */
  finish(): u8[] {
    const b = this.bytes;
    b[0] = 0x4d; b[1] = 0x59; b[2] = 0x43; b[3] = 0x4d;
    b[4] = <u8>FORMAT_VERSION; b[6] = <u8>HEADER_BYTES;
    const total = b.length;
    for (let k = 0; k < 4; k++) b[8 + k] = <u8>(total >> (k * 8));
    b[20] = <u8>this.services;
    const scratch = ioBuffer();
    for (let i = 0; i < total; i++) store<u8>(scratch + <usize>i, b[i]);
    const crc = crc32(scratch + <usize>CHECKSUM_FROM, total - CHECKSUM_FROM);
    for (let k = 0; k < 4; k++) b[12 + k] = <u8>(crc >> (k * 8));
    return b;
  }
}

/** Stages and loads `bytes`; returns manifestLoad's answer. */
export function loadBlob(bytes: u8[]): i32 {
  const ptr = ioBuffer();
  for (let i = 0; i < bytes.length; i++) store<u8>(ptr + <usize>i, bytes[i]);
  const staged = manifestStage(0, bytes.length);
  if (staged < 0) return staged;
  return manifestLoad(bytes.length);
}
