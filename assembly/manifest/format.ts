// The manifest blob: what `myco compile` writes and the kernel loads (docs/manifest-format.md).
// Little-endian, byte-packed, read with bounds-checked accessors only: the blob is untrusted.
//
//   0      4        6        8         12        16       20        22      24
//   +------+--------+--------+---------+---------+--------+---------+-------+---------
//   | MYCM | version| header | total   | CRC-32  | serial | services| flags | records...
//   +------+--------+--------+---------+---------+--------+---------+-------+---------
//            u16      u16      u32       u32       u32      u16       u16
//
//   record: | tag u8 | length u16 | payload (length bytes) |
//   tags below 0x80 are critical (an unknown one is rejected); 0x80 and up are ancillary (an
//   unknown one is skipped and kept for the dump), like PNG's chunk rule.

/** "MYCM": the first four bytes, read as one little-endian u32. */
export const MAGIC: u32 = 0x4d43594d;
/** 2: the layer sections and TIMEOUTS carry the configuration records (sentinel -1 = default). */
export const FORMAT_VERSION: u16 = 2;
export const HEADER_BYTES: i32 = 24;
export const RECORD_HEADER_BYTES: i32 = 3;

export const H_VERSION: i32 = 4;
export const H_HEADER: i32 = 6;
export const H_TOTAL: i32 = 8;
export const H_CHECKSUM: i32 = 12;
export const H_SERIAL: i32 = 16;
export const H_SERVICES: i32 = 20;
export const H_FLAGS: i32 = 22;
/** The checksum covers bytes [CHECKSUM_FROM, total). */
export const CHECKSUM_FROM: i32 = 16;

/** u8 type (0 system, 1 user), name bytes. Starts a service; the records after it are its own. */
export const TAG_SERVICE: u8 = 0x01;
/** u16 count. */
export const TAG_INSTANCES: u8 = 0x02;
/** The TIMEOUTS record: i32 startTimeoutMs, i32 stopTimeoutMs (-1: the kernel's default). */
export const TAG_TIMEOUTS: u8 = 0x03;
/** tag name bytes. */
export const TAG_TAG: u8 = 0x04;
/** u16 target service index (blob order), u8 kind (1 requires, 2 wants, 3 after), u8 condition. */
export const TAG_DEPENDENCY: u8 = 0x05;
/** A config key: schema and value (config/schema.ts has the layout). */
export const TAG_CONFIG: u8 = 0x06;
/** u16 instance ordinal, address bytes (host:port, a path, a URL). */
export const TAG_ADDRESS: u8 = 0x07;
// Ancillary tags of the layers: validated and applied by manifest/sections/ (one file each),
// kept in the service's section and dumped as they came. Their payloads are the layers'
// configuration records, the same the ABI's recordApply and checkAdd take, in their sparse form
// (util/record.ts: u32 field mask, then the present i32 fields; an absent field is the kernel's
// default), so a small device's blob carries only what its YAML says.
//
//   HEALTH    the CHECK record (health/record.ts), then the target bytes (the host's)
//   RECOVERY  the RECOVERY record (recovery/record.ts; backup: a blob service index)
//   BALANCE   the BALANCE, BREAKER and OUTLIER records (balance/config.ts), u16 n, n u16 weights
//             (instance ordinals 0..n-1)
//   RESOURCES the RESOURCES record (resources/record.ts: requests, limits, priority, on-limit
//             action, grace, admission, core size, scale)
//   UNITS     u8 n, n x (u8 length, name bytes): the node's units the service needs
//   (RESOURCES and UNITS are read only by a profile with the resources layer; others skip them)
// TIMEOUTS (a critical record) is the TIMEOUTS record (registry/timeouts.ts, 8 bytes).
export const TAG_HEALTH: u8 = 0x80;
export const TAG_RECOVERY: u8 = 0x81;
export const TAG_BALANCE: u8 = 0x82;
export const TAG_RESOURCES: u8 = 0x83;
/** The PLACEMENT section: a service's fleet placement spec (sections/placement.ts has the layout). */
export const TAG_PLACEMENT: u8 = 0x84;
export const TAG_UNITS: u8 = 0x85;
/** The UPDATE section: the UPDATE record (rollout/record.ts), sparse; read only with the rollout layer. */
export const TAG_UPDATE: u8 = 0x87;
/** The IDENTITY section: one byte of flags for a service the host spawns (security/root-rule.ts); read only with the security layer. */
export const TAG_IDENTITY: u8 = 0x88;
/** The COMPAT section: the service's version and its dependencies' version ranges (sections/compat.ts); only with FEATURE_COMPAT. */
export const TAG_COMPAT: u8 = 0x89;
/** The RUN DIGEST section: u32 digest of the service's run spec (sections/run-digest.ts); only with the rollout layer. */
export const TAG_RUN_DIGEST: u8 = 0x8a;

// 0x8B RUN SPEC is a host's own (host/supervisor/run-section.ts: a service's `run:` for targets/linux):
// the kernel skips it like any unknown ancillary tag.

@inline export function isAncillary(tag: u8): bool { return tag >= 0x80; }

export const CONDITION_STARTED: u8 = 0;
export const CONDITION_HEALTHY: u8 = 1;

// CRC-32 (IEEE 802.3, reflected 0xEDB88320), one table reserved at init.
const crcTable = new StaticArray<u32>(256);
for (let n = 0; n < 256; n++) {
  let c = <u32>n;
  for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  crcTable[n] = c;
}

export function crc32(ptr: usize, len: i32): u32 {
  return crc32Update(0xffffffff, ptr, len) ^ 0xffffffff;
}

/** The running CRC-32 register (start 0xffffffff, finish with ^ 0xffffffff) after `len` bytes
 *  at `ptr`; `ptr` 0 feeds `len` zero bytes (the snapshot's left-out regions). */
export function crc32Update(register: u32, ptr: usize, len: i32): u32 {
  let crc = register;
  for (let i = 0; i < len; i++) {
    const byte: u32 = ptr == 0 ? 0 : load<u8>(ptr + <usize>i);
    crc = unchecked(crcTable[(crc ^ byte) & 0xff]) ^ (crc >>> 8);
  }
  return crc;
}

/** The running CRC-32 register after the 4 little-endian bytes of `word`. */
export function crc32Word(register: u32, word: u32): u32 {
  let crc = register;
  for (let k = 0; k < 4; k++) crc = unchecked(crcTable[(crc ^ (word >>> (k << 3))) & 0xff]) ^ (crc >>> 8);
  return crc;
}

/** Secret values are stored masked (not encrypted): they never show up in `strings` or a hex dump. */
@inline export function maskByte(b: u8, i: i32): u8 { return b ^ <u8>(0x5a + i * 31); }
