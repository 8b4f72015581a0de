// The deterministic pieces every host shares, written the same way here, in C
// (targets/firmware/src/determinism.c) and in Python (targets/wasmtime/host.py): the virtual
// HAL (a clock that moves only when the kernel sleeps or the program sets it, and splitmix32
// seeded exactly like host/hal's VirtualHal, so a `myco sim` seed replays on every host) and
// the FNV-1a 64 hash over everything the kernel answers.
import { splitmix32 } from "../../host/hal/virtual.ts";

/** No host input is pending: the kernel's sleep runs its full time. */
export const WAKE_NONE = -1n;

/**
 * The virtual HAL of every conformance host. `wakeMs` is when the simulated host next has input
 * for the kernel (the program sets it before a call that may sleep); a sleep that would pass it
 * stops there and returns 1, exactly like host/hal's VirtualHal.sleepMs with a task queued.
 */
export class ReplayHal {
  nowMs = 0n;
  wakeMs = WAKE_NONE;
  private next: () => number;

  constructor(readonly seed: number) { this.next = splitmix32(seed); }

  /** Back to time 0, no wake and a freshly seeded PRNG (before a restart's replay). */
  reset(): void {
    this.nowMs = 0n;
    this.wakeMs = WAKE_NONE;
    this.next = splitmix32(this.seed);
  }

  now(): bigint { return this.nowMs; }
  randomU32(): number { return this.next(); }
  sleep(ms: number): number {
    const target = this.nowMs + BigInt(ms >>> 0);
    if (this.wakeMs !== WAKE_NONE && this.wakeMs < target) {
      if (this.wakeMs > this.nowMs) this.nowMs = this.wakeMs;
      return 1;
    }
    this.nowMs = target;
    return 0;
  }
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a 64, fed incrementally. */
export class Fnv1a64 {
  private hash = FNV_OFFSET;
  update(bytes: Uint8Array): void {
    let h = this.hash;
    for (const byte of bytes) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
    this.hash = h;
  }
  hex(): string { return this.hash.toString(16).padStart(16, "0"); }
}
