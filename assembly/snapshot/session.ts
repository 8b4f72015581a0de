// The restore session: which pass the host is feeding (verify, then apply), how far it got and
// the CRC-32 so far. Its globals are not part of any snapshot (asc-snapshot.js leaves the
// snapshot layer's own globals out): they describe the restore, not the kernel.
export const IDLE: i32 = 0;
export const VERIFYING: i32 = 1;
export const VERIFIED: i32 = 2;
export const APPLYING: i32 = 3;

export let phase: i32 = IDLE;
export let cursor: i32 = 0;
export let expectedCrc: u32 = 0;
export let running: u32 = 0;
/** The next heap block whose headers the verify pass compares. */
export let walk: usize = 0;

export function sessionBegin(to: i32, crc: u32, block: usize): void {
  phase = to;
  cursor = 0;
  expectedCrc = crc;
  running = 0xffffffff;
  walk = block;
}

export function sessionAdvance(bytes: i32, crc: u32, block: usize): void {
  cursor += bytes;
  running = crc;
  walk = block;
}

export function sessionPhase(to: i32): void { phase = to; }

export function sessionEnd(): void { phase = IDLE; cursor = 0; }
