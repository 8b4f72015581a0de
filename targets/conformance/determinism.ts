// The deterministic pieces every host shares, written the same way here and in C
// (targets/firmware/src/determinism.c): the xorshift32 PRNG behind the virtual HAL's random_u32
// and the simulated host's delays, and the FNV-1a 64 hash over the event log.

/** Marsaglia's xorshift32 (13, 17, 5). A zero seed would stay zero, so it is replaced. */
export class Xorshift32 {
  private state: number;
  constructor(seed: number) { this.state = (seed >>> 0) || 0x6d2b79f5; }
  next(): number {
    let x = this.state;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.state = x;
    return x;
  }
}

/** The second stream (the simulated host's delays) is seeded apart from the kernel's. */
export const SIMULATION_SEED_MIX = 0x9e3779b9;

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
