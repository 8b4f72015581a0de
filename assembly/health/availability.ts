// Availability over a sliding window, time-weighted: the share of the window's observed time
// during which the service was up (running, and healthy or degraded). Observed time is time
// the service was meant to run (any state but stopped and disabled). The window is
// AVAILABILITY_BUCKETS buckets of window/B ms each; time is added to the bucket it falls in,
// and a bucket is emptied when the window slides past it. Cost: a few buckets per state or
// health change, nothing per tick.
import { SERVICES_MAX, AVAILABILITY_BUCKETS, TIMEOUT_MS_MAX } from "../limits";
import { E_INVALID_PERIOD } from "../errors";
import { clockNow } from "../clock";
import { checkRange } from "../registry/reject";
import { fillAll } from "../util/fill";

const B: i32 = AVAILABILITY_BUCKETS;

const upMs = new StaticArray<u32>(SERVICES_MAX * B);
const observedMs = new StaticArray<u32>(SERVICES_MAX * B);
export const availabilityWindowMs = new StaticArray<i32>(SERVICES_MAX);
const lastMs = new StaticArray<i64>(SERVICES_MAX);
/** Absolute index (time / bucket length) of the newest bucket written. */
const lastBucket = new StaticArray<i64>(SERVICES_MAX);
const observed = new StaticArray<bool>(SERVICES_MAX);
const up = new StaticArray<bool>(SERVICES_MAX);

@inline function bucketMs(service: i32): i64 { return <i64>(availabilityWindowMs[service] / B); }

/** Adds the time since the last update to the buckets, under the status of that time. */
function accrue(service: i32, now: i64): void {
  const length = bucketMs(service);
  let t = max(lastMs[service], now - <i64>availabilityWindowMs[service]);
  lastMs[service] = now;
  for (let steps = 0; t < now && steps <= B; steps++) {
    const index = t / length;
    const end = min(now, (index + 1) * length);
    const behind = index - lastBucket[service];
    for (let i: i64 = 1; i <= min(behind, <i64>B); i++) {
      const slot = service * B + <i32>((lastBucket[service] + i) % <i64>B);
      upMs[slot] = 0;
      observedMs[slot] = 0;
    }
    if (behind > 0) lastBucket[service] = index;
    const slot = service * B + <i32>(index % <i64>B);
    if (observed[service]) observedMs[slot] += <u32>(end - t);
    if (observed[service] && up[service]) upMs[slot] += <u32>(end - t);
    t = end;
  }
}

/** The service's status from now on (call after every state or health change). */
export function availabilityUpdate(service: i32, isObserved: bool, isUp: bool): void {
  accrue(service, clockNow());
  observed[service] = isObserved;
  up[service] = isUp;
}

/** Basis points (10000 = 100 %) of the window's observed time the service was up; 10000 when none. */
export function availabilityOf(service: i32): i32 {
  const now = clockNow();
  accrue(service, now);
  if (now / bucketMs(service) - lastBucket[service] >= <i64>B) return 10000; // all of it left the window
  let upTotal: u64 = 0;
  let observedTotal: u64 = 0;
  for (let i = service * B, end = i + B; i < end; i++) {
    upTotal += upMs[i];
    observedTotal += observedMs[i];
  }
  return observedTotal == 0 ? 10000 : <i32>(upTotal * 10000 / observedTotal);
}

export function availabilitySetWindow(service: i32, windowMs: i32): i32 {
  const bad = checkRange(E_INVALID_PERIOD, service, "availability windowMs", windowMs, B, TIMEOUT_MS_MAX);
  if (bad < 0) return bad;
  availabilityWindowMs[service] = windowMs;
  availabilityClear(service, false);
  return 0;
}

/** The service's window starts now (at registration). */
export function availabilityStart(service: i32): void {
  lastMs[service] = clockNow();
  lastBucket[service] = clockNow() / bucketMs(service);
}

/** availabilityClear(service, true) for every row at once, at time 0 (reset and init). */
export function availabilityClearAll(): void {
  fillAll(availabilityWindowMs, 600_000);
  fillAll(upMs, 0);
  fillAll(observedMs, 0);
  fillAll(lastMs, 0);
  fillAll(lastBucket, 0);
  fillAll(observed, false);
  fillAll(up, false);
}

export function availabilityClear(service: i32, defaults: bool): void {
  if (defaults) availabilityWindowMs[service] = 600_000;
  for (let i = 0; i < B; i++) { upMs[service * B + i] = 0; observedMs[service * B + i] = 0; }
  lastMs[service] = clockNow();
  lastBucket[service] = clockNow() / bucketMs(service);
  observed[service] = false;
  up[service] = false;
}
