// Demand-driven scaling, the decision only (Kubernetes' HPA): the host reports a service's
// metric per instance (requests in flight, p99 latency ms, cpu millicores); the kernel answers
// the instance count it should have:
//   wanted = ceil(current x value / target), within scale.min..scale.max, unchanged within 10 %
//   up     at once, as far as admission lets the added instances' requests fit the node
//   down   only once the metric has asked for fewer for the whole window (5 min default), and
//          then to the highest count asked for during it (no flapping on a dip)
// A change is logged (EVENT_RESOURCE, RESOURCE_EVENT_SCALE) and, on a serving service, applied
// by the kernel itself (lifecycle/resize.ts: joiners spawn, leavers drain through the balancer,
// then stop); the host only reports the metric and performs the spawns and stops. While the last
// resize still drains, the count holds (no decision). A service at rest keeps its count.
import { clockNow } from "../clock";
import { WITH_ROLLOUT } from "../features";
import { isServing, resizeServing } from "../lifecycle/resize";
import { resize, serviceTarget } from "../lifecycle/leaving";
import { node, SCALE_NONE } from "./tables";
import { fits, admissionResize } from "./admission";
import { resourceEvent, RESOURCE_EVENT_SCALE } from "./events";

/** HPA's tolerance: a ratio within 10 % of 1 changes nothing. */
const TOLERANCE_PERCENT: i64 = 10;

function wanted(service: i32, current: i32, value: i32): i32 {
  const target = <i64>node.scaleTarget[service];
  const base = <i64>max(current, 1);
  const ratioPercent = <i64>value * 100 / target;
  if (ratioPercent >= 100 - TOLERANCE_PERCENT && ratioPercent <= 100 + TOLERANCE_PERCENT) return current;
  const raw = <i32>((base * <i64>value + target - 1) / target);
  return min(max(raw, <i32>node.scaleMin[service]), <i32>node.scaleMax[service]);
}

/** The count the service should have after this sample (its current count when it does not scale). */
export function scaleReport(service: i32, value: i32): i32 {
  const current = serviceTarget(service);
  if (node.scaleMetric[service] == SCALE_NONE || value < 0) return current;
  if (!WITH_ROLLOUT || !isServing(service) || resize.serviceLeaving[service] > 0) return current; // at rest, or the last resize still drains
  let next = wanted(service, current, value);
  const now = clockNow();
  if (next >= current) {
    node.scaleBelowSinceMs[service] = -1;
    while (next > current && !fits(service, next - current, 0)) next--; // admission: only what fits
  } else {
    if (node.scaleBelowSinceMs[service] < 0) { node.scaleBelowSinceMs[service] = now; node.scaleBelowPeak[service] = <u8>next; }
    node.scaleBelowPeak[service] = <u8>max(<i32>node.scaleBelowPeak[service], next);
    if (now - node.scaleBelowSinceMs[service] < <i64>node.scaleWindowMs[service]) return current;
    next = <i32>node.scaleBelowPeak[service];
    node.scaleBelowSinceMs[service] = -1;
  }
  if (next == current) return current;
  resourceEvent(service, RESOURCE_EVENT_SCALE, -1, next);
  const applied = resizeServing(service, next);
  if (applied < 0) return applied;
  admissionResize(service, next);
  return next;
}
