// Jitter, from "Exponential Backoff And Jitter" (AWS Architecture Blog, Marc Brooker, 2015),
// drawn from the HAL's random source so a simulation replays it:
//   none          sleep = d
//   full          sleep = random_between(0, d)
//   equal         sleep = d/2 + random_between(0, d/2)
//   decorrelated  sleep = min(cap, random_between(base, previous sleep x 3)); replaces d
//   percent p     sleep = min(cap, random_between(d - d p/100, d + d p/100)) (gRPC's backoff jitter)
import { halRandomU32 } from "../../hal";
import { backoffBaseMs, backoffCapMs, JITTER_FULL, JITTER_EQUAL, JITTER_DECORRELATED, JITTER_PERCENT } from "../policy";

/** A uniform draw from lo..hi inclusive (multiply-shift: no division, no modulo bias worth naming). */
export function randomBetween(lo: i64, hi: i64): i64 {
  if (hi <= lo) return lo;
  const span = <u64>(hi - lo + 1);
  return lo + <i64>((<u64>halRandomU32() * span) >> 32);
}

export function jitterApply(mode: u8, service: i32, delay: i64, previous: i64): i64 {
  if (mode == JITTER_FULL) return randomBetween(0, delay);
  if (mode == JITTER_EQUAL) return delay / 2 + randomBetween(0, delay - delay / 2);
  if (mode > JITTER_PERCENT) {
    const spread = delay * <i64>(mode - JITTER_PERCENT) / 100;
    return min(<i64>backoffCapMs[service], randomBetween(delay - spread, delay + spread));
  }
  if (mode == JITTER_DECORRELATED) {
    const base = <i64>backoffBaseMs[service];
    return min(<i64>backoffCapMs[service], randomBetween(base, max(base, previous * 3)));
  }
  return delay;
}
