// Restart intensity: at most R restarts within T (OTP's MaxR in MaxT, systemd's
// StartLimitBurst= in StartLimitIntervalSec=).
//
// THE RULE that combines it with backoff, so the limit truly stops a crash loop:
//   every restart counts (however long the run before it lasted: pm2's max_restarts counts only
//   runs shorter than min_uptime, which is how its users see tens of thousands of restarts),
//   and T is measured on the service's supervised clock, which stands still while the service
//   waits out a restart delay. Backoff spaces restarts out in wall time but never earns extra
//   ones: R restarts whose runs add up to at most T escalate, whatever the delays between them.
//   A stable run resets the backoff sequence and the escalation level, never this record; stamps
//   leave it only by ageing past T.
import { SERVICES_MAX } from "../limits";
import { clockNow } from "../clock";
import { restartsMax, restartWindowMs } from "./policy";
import { WindowCounter } from "./window";
import { fillAll } from "../util/fill";

const restarts = new WindowCounter();
/** Time spent waiting out restart delays, which the supervised clock does not count. */
const delayedMs = new StaticArray<i64>(SERVICES_MAX);

@inline function supervisedNow(service: i32): i64 { return clockNow() - delayedMs[service]; }

/** Restarts counted within the window now: one exactly T old still counts (OTP: `Now =< Then + Period`). */
export function intensityCount(service: i32): i32 {
  return restarts.countWithin(service, supervisedNow(service), restartWindowMs[service]);
}

/** True when one more restart stays within "at most R in T". */
export function intensityAllows(service: i32): bool {
  return intensityCount(service) < <i32>restartsMax[service];
}

export function intensityRecord(service: i32): void { restarts.record(service, supervisedNow(service)); }

/** The service waited `ms` in a restart delay: the supervised clock skips it. */
export function intensityPause(service: i32, ms: i64): void { delayedMs[service] += ms; }

/** The window emptied; the skipped time too (the window's times were measured with it, so nothing
 *  left depends on it), so a cleared row is the row a reset leaves. */
export function intensityClear(service: i32): void {
  restarts.clear(service);
  delayedMs[service] = 0;
}

export function intensityClearAll(): void {
  restarts.clearAll();
  fillAll(delayedMs, 0);
}
