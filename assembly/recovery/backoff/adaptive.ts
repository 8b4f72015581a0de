// Adaptive backoff: the delay follows the recent failure rate. A failure that comes within a
// stable period of the previous one multiplies the delay by the factor (up to the cap); each
// whole stable period that passed without a failure halves it (down to the base). A service
// that fails often waits longer and longer; one that settled down is forgiven step by step,
// not all at once at an arbitrary attempt count (so `attempt` is not used).
import { clockNow } from "../../clock";
import { SERVICES_MAX } from "../../limits";
import { backoffBaseMs, backoffCapMs, backoffFactorPercent, stableRunMs } from "../policy";
import { fillAll } from "../../util/fill";

const currentMs = new StaticArray<i64>(SERVICES_MAX);
const lastFailureMs = new StaticArray<i64>(SERVICES_MAX);

export function adaptiveDelay(service: i32, attempt: i32): i64 {
  const now = clockNow();
  const base = <i64>backoffBaseMs[service];
  let delay = currentMs[service];
  if (delay == 0) {
    delay = base;
  } else {
    const calm = (now - lastFailureMs[service]) / <i64>stableRunMs[service];
    if (calm == 0) delay = delay * <i64>backoffFactorPercent[service] / 100;
    else delay >>= min(calm, 62);
    delay = max(base, min(delay, <i64>backoffCapMs[service]));
  }
  currentMs[service] = max(delay, 1);
  lastFailureMs[service] = now;
  return delay;
}

export function adaptiveClear(service: i32): void { currentMs[service] = 0; }
export function adaptiveClearAll(): void { fillAll(currentMs, 0); }
