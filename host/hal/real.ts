// The real HAL: the monotonic clock, OS randomness, and a real blocking sleep (Atomics.wait on
// a private SharedArrayBuffer: the thread truly sleeps, with sub-millisecond overshoot).
import { randomFillSync } from "node:crypto";
import type { Hal } from "./hal.ts";

const RANDOM_BATCH = 256;

export class RealHal implements Hal {
  private readonly origin = performance.now();
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));
  private readonly random = new Uint32Array(RANDOM_BATCH);
  private randomLeft = 0;

  nowMs(): bigint { return BigInt(Math.floor(performance.now() - this.origin)); }

  randomU32(): number {
    if (this.randomLeft === 0) {
      randomFillSync(this.random);
      this.randomLeft = RANDOM_BATCH;
    }
    return this.random[--this.randomLeft];
  }

  sleepMs(ms: number): boolean {
    if (ms > 0) Atomics.wait(this.sleeper, 0, 0, ms);
    return false;
  }
}
