// The deterministic HAL of the TypeScript hosts: a virtual clock that moves only when the kernel
// sleeps or the scenario advances it, and a seeded xorshift32 for random_u32. The C hosts have
// the same HAL in targets/firmware/src/hal_virtual.c.
import { Xorshift32 } from "../conformance/determinism.ts";
import type { VirtualClock } from "../conformance/port.ts";

export interface AbortReport { message: string; file: string; line: number; column: number }

export class VirtualHal implements VirtualClock {
  nowMs = 0n;
  private random: Xorshift32;
  /** The kernel's last abort (an assertion or a bounds check): reported with the trap it precedes. */
  lastAbort: AbortReport | null = null;

  constructor(seed: number) { this.random = new Xorshift32(seed); }

  /** Back to time 0 and a freshly seeded PRNG (as the C host does before a restart's replay). */
  reset(seed: number): void {
    this.nowMs = 0n;
    this.random = new Xorshift32(seed);
    this.lastAbort = null;
  }

  now(): bigint { return this.nowMs; }
  randomU32(): number { return this.random.next(); }
  /** Sleeps the full time at once: nothing else can happen in a virtual world meanwhile. */
  sleep(ms: number): number { this.nowMs += BigInt(ms >>> 0); return 0; }
  abort(report: AbortReport): void { this.lastAbort = report; }
}
