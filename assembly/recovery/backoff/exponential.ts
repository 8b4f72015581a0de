// Exponential backoff: base x factor^(n-1), up to the cap (the "Exponential Backoff And Jitter"
// article's base * 2^attempt; kubelet's CrashLoopBackOff is 10 s x2 up to 300 s). Integer
// arithmetic, one multiplication per attempt, and the loop stops at the cap: bounded, no pow().
import { backoffBaseMs, backoffCapMs, backoffFactorPercent } from "../policy";

export function exponentialDelay(service: i32, attempt: i32): i64 {
  const cap = <i64>backoffCapMs[service];
  const factor = <i64>backoffFactorPercent[service];
  let delay = <i64>backoffBaseMs[service];
  for (let n = 1; n < attempt && delay < cap; n++) delay = delay * factor / 100;
  return min(delay, cap);
}
