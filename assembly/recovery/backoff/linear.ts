// Linear backoff: the n-th restart in a row waits n x base (base, 2 base, 3 base, ...), up to the cap.
import { backoffBaseMs, backoffCapMs } from "../policy";

export function linearDelay(service: i32, attempt: i32): i64 {
  return min(<i64>backoffBaseMs[service] * <i64>attempt, <i64>backoffCapMs[service]);
}
