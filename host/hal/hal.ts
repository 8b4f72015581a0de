// What a host supplies to the kernel: time, randomness and sleep. Nothing else.

export interface Hal {
  /** Monotonic milliseconds. */
  nowMs(): bigint;
  /** 32 random bits as an unsigned number. */
  randomU32(): number;
  /** Sleep up to `ms`; true when woken early because the host has input for the kernel. */
  sleepMs(ms: number): boolean;
}
