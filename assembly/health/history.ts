// The history ring: the last HEALTH_HISTORY check results of each service, oldest overwritten.
// Stored in 8 bytes (the clock's low 32 bits: exact for 49 days back, far past any ring), read
// out in 16 with the full time restored.
//
//   stored   0            4           6         7       8
//            +------------+-----------+---------+-------+
//            | time (low) | latencyMs | outcome | check |
//            +------------+-----------+---------+-------+
//               u32          u16 (clamped)  u8     u8 (k)
//   read     0        8           12        13      14    16
//            +--------+-----------+---------+-------+-----+
//            | timeMs | latencyMs | outcome | check | 0 0 |
//            +--------+-----------+---------+-------+-----+
//               i64       i32         u8       u8
import { SERVICES_MAX, HEALTH_HISTORY } from "../limits";
import { clockNow } from "../clock";
import { fillAll } from "../util/fill";

export const HISTORY_RECORD_BYTES: i32 = 16;
const STORED_BYTES: i32 = 8;

const records = new StaticArray<u8>(SERVICES_MAX * HEALTH_HISTORY * STORED_BYTES);
const next = new StaticArray<u8>(SERVICES_MAX);
const filled = new StaticArray<u8>(SERVICES_MAX);

@inline function recordAt(service: i32, position: i32): usize {
  return changetype<usize>(records) + <usize>((service * HEALTH_HISTORY + position) * STORED_BYTES);
}

export function historyRecord(service: i32, k: i32, outcome: i32, latencyMs: i32): void {
  const position = <i32>next[service];
  const at = recordAt(service, position);
  store<u32>(at, <u32>clockNow(), 0);
  store<u16>(at, <u16>min(latencyMs, 0xffff), 4);
  store<u8>(at, <u8>outcome, 6);
  store<u8>(at, <u8>k, 7);
  next[service] = <u8>((position + 1) % HEALTH_HISTORY);
  if (<i32>filled[service] < HEALTH_HISTORY) filled[service]++;
}

/** Copies the service's results, oldest first, to `dst` (16-byte records); returns how many. */
export function historyCopy(service: i32, dst: usize, capacity: i32): i32 {
  const count = min(<i32>filled[service], capacity / HISTORY_RECORD_BYTES);
  const first = (<i32>next[service] - <i32>filled[service] + HEALTH_HISTORY) % HEALTH_HISTORY;
  const now = clockNow();
  for (let i = 0; i < count; i++) {
    const from = recordAt(service, (first + i) % HEALTH_HISTORY);
    const to = dst + <usize>(i * HISTORY_RECORD_BYTES);
    store<i64>(to, now - <i64>(<u32>now - load<u32>(from, 0)), 0);
    store<i32>(to, <i32>load<u16>(from, 4), 8);
    store<u32>(to, load<u16>(from, 6), 12); // outcome, check, and two zero bytes
  }
  return count;
}

export function historyClear(service: i32): void {
  next[service] = 0;
  filled[service] = 0;
}

export function historyClearAll(): void {
  fillAll(next, 0);
  fillAll(filled, 0);
}
