// The balancer's random draws (random and power-of-two-choices picks, hash keys when a request
// brings none). Every bit of entropy comes from the HAL: a splitmix32 sequence whose state takes
// a fresh 32-bit HAL draw every RANDOM_RESEED_DRAWS draws. So a pick rarely pays a call out of
// the module, a seeded HAL still replays bit for bit, and a real HAL's randomness keeps being
// mixed in. (Balancing needs uniform draws, not unpredictable ones.)
import { halRandomU32 } from "../hal";
import { RANDOM_RESEED_DRAWS } from "../limits";
import { mix32 } from "./hash";

let state: u32 = 0;
let drawsLeft: i32 = 0;

@inline export function randomU32(): u32 {
  if (drawsLeft == 0) reseed();
  drawsLeft--;
  state += 0x9e3779b9;
  return mix32(state);
}

function reseed(): void {
  state ^= halRandomU32();
  drawsLeft = RANDOM_RESEED_DRAWS;
}

/** Uniform in [0, n) for n >= 1 (Lemire's multiply-shift; bias below n / 2^32). */
@inline export function randomBelow(n: i32): i32 { return <i32>((<u64>randomU32() * <u64>n) >>> 32); }

export function randomReset(): void { state = 0; drawsLeft = 0; }
