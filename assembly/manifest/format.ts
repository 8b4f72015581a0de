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

export const MAGIC_0: u8 = 0x4d; // M
export const MAGIC_1: u8 = 0x59; // Y
export const MAGIC_2: u8 = 0x43; // C
export const MAGIC_3: u8 = 0x4d; // M
export const FORMAT_VERSION: u16 = 1;
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
/** u32 startTimeoutMs, u32 stopTimeoutMs. */
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
// kept in the service's section and dumped as they came. RESOURCES is recorded, not enforced.
//
//   HEALTH    0 check u8 | 1 role u8 | 2 intervalMs u32 | 6 timeoutMs u32 | 10 retries u16 |
//             12 startPeriodMs u32 | 16 target bytes (the host's: a command, URL or port)
//   RECOVERY  0 restart u8 | 1 strategy u8 | 2 intensity u16 | 4 periodMs u32 | 8 backoffInitialMs u32 |
//             12 backoffMaxMs u32 | 16 multiplier x100 u16 | 18 jitter % u8 | 19 escalation u8 (20 bytes)
//   BALANCE   0 strategy u8 | 1 breakerFailures u16 | 3 breakerOpenMs u32 | 7 breakerHalfOpen u16 |
//             9 n u16 | 11 n weights u16 (instance ordinals 0..n-1)
//   RESOURCES 0 memoryBytes i64 | 8 storageBytes i64 | 16 cpuPermille u16
export const TAG_HEALTH: u8 = 0x80;
export const TAG_RECOVERY: u8 = 0x81;
export const TAG_BALANCE: u8 = 0x82;
export const TAG_RESOURCES: u8 = 0x83;

export const HEALTH_CHECK: i32 = 0;
export const HEALTH_ROLE: i32 = 1;
export const HEALTH_INTERVAL_MS: i32 = 2;
export const HEALTH_TIMEOUT_MS: i32 = 6;
export const HEALTH_RETRIES: i32 = 10;
export const HEALTH_START_PERIOD_MS: i32 = 12;
export const HEALTH_BYTES: i32 = 16; // then the target

export const RECOVERY_RESTART: i32 = 0;
export const RECOVERY_STRATEGY: i32 = 1;
export const RECOVERY_INTENSITY: i32 = 2;
export const RECOVERY_PERIOD_MS: i32 = 4;
export const RECOVERY_BACKOFF_INITIAL_MS: i32 = 8;
export const RECOVERY_BACKOFF_MAX_MS: i32 = 12;
export const RECOVERY_MULTIPLIER: i32 = 16;
export const RECOVERY_JITTER: i32 = 18;
export const RECOVERY_ESCALATION: i32 = 19;
export const RECOVERY_BYTES: i32 = 20;

export const BALANCE_STRATEGY: i32 = 0;
export const BALANCE_BREAKER_FAILURES: i32 = 1;
export const BALANCE_BREAKER_OPEN_MS: i32 = 3;
export const BALANCE_BREAKER_HALF_OPEN: i32 = 7;
export const BALANCE_WEIGHTS: i32 = 9; // u16 n, then n u16 weights
export const BALANCE_BYTES: i32 = 11;

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
  let crc: u32 = 0xffffffff;
  for (let i = 0; i < len; i++) crc = unchecked(crcTable[(crc ^ load<u8>(ptr + <usize>i)) & 0xff]) ^ (crc >>> 8);
  return crc ^ 0xffffffff;
}

/** Secret values are stored masked (not encrypted): they never show up in `strings` or a hex dump. */
@inline export function maskByte(b: u8, i: i32): u8 { return b ^ <u8>(0x5a + i * 31); }
