// A sliding-window event counter per service: "how many of these happened in the last W ms".
// Each service keeps its last WINDOW_SLOTS timestamps in a ring (the low 32 bits of a ms clock:
// differences stay exact for windows under 24 days), so asking "are there >= N in W" is exact
// for every N <= WINDOW_SLOTS. Serves restart intensity (OTP's MaxR in MaxT), crash loops and
// flapping alike.
import { SERVICES_MAX, WINDOW_SLOTS } from "../limits";
import { fillAll } from "../util/fill";

export class WindowCounter {
  private readonly stamps: StaticArray<u32> = new StaticArray<u32>(SERVICES_MAX * WINDOW_SLOTS);
  private readonly next: StaticArray<u8> = new StaticArray<u8>(SERVICES_MAX);
  private readonly filled: StaticArray<u8> = new StaticArray<u8>(SERVICES_MAX);

  record(service: i32, nowMs: i64): void {
    const at = <i32>this.next[service];
    this.stamps[service * WINDOW_SLOTS + at] = <u32>nowMs;
    this.next[service] = <u8>((at + 1) % WINDOW_SLOTS);
    if (<i32>this.filled[service] < WINDOW_SLOTS) this.filled[service]++;
  }

  /** Records stamped less than `windowMs` ago: a stamp exactly `windowMs` old has left (crash loops, flapping). */
  count(service: i32, nowMs: i64, windowMs: i32): i32 {
    return this.younger(service, nowMs, <u32>windowMs);
  }

  /**
   * Records stamped at most `windowMs` ago: a stamp exactly `windowMs` old still counts, as in
   * OTP's supervisor (`Now =< Then + Period`), which restart intensity follows.
   */
  countWithin(service: i32, nowMs: i64, windowMs: i32): i32 {
    return this.younger(service, nowMs, <u32>windowMs + 1);
  }

  /** Records whose age is below `limitMs` (windowMs <= i32.MAX, so `windowMs + 1` cannot wrap). */
  private younger(service: i32, nowMs: i64, limitMs: u32): i32 {
    const now = <u32>nowMs;
    const base = service * WINDOW_SLOTS;
    let n = 0;
    for (let i = 0, filled = <i32>this.filled[service]; i < filled; i++) {
      if (now - unchecked(this.stamps[base + i]) < limitMs) n++;
    }
    return n;
  }

  clear(service: i32): void {
    this.next[service] = 0;
    this.filled[service] = 0;
  }

  clearAll(): void {
    fillAll(this.next, 0);
    fillAll(this.filled, 0);
  }
}
