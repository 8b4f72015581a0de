// Usage: the host samples what each instance uses (RSS of its process group, open files, pids,
// cpu) and reports it; the kernel decides. A sample over the service's limit starts the grace
// period; a sample still over it once the grace has passed (0: at once) takes the service's
// action, once per excursion, and is a `resource` fault (lifecycle/faults.ts FAULT_RESOURCE):
//   restart  the instance is killed (health's kill path, on the next tick) and the recovery
//            layer answers the fault with the crash strategies, so intensity and escalation apply
//            (pm2's max_memory_restart, systemd's MemoryMax=)
//   stop     the fault is logged and the service stopped (the services requiring it first)
//   alert    the fault is logged and a `resource` alert raised; the instance keeps running
// A sample at or under the limit ends the excursion.
import { OK, E_INVALID_RESOURCE, E_INVALID_ARGUMENT } from "../errors";
import { fail } from "../util/detail";
import { clockNow } from "../clock";
import { instanceResolve, instanceService, instanceState } from "../registry/instances";
import { STATE_RUNNING, STATE_STARTING } from "../registry/states";
import { FAULT_RESOURCE } from "../lifecycle/faults";
import { CAUSE_RESOURCE_LIMIT } from "../lifecycle/causes";
import { stopOne, stopRequiringDependents } from "../lifecycle/jobs";
import { faultLog } from "../recovery/faults";
import { alertRaise, ALERT_RESOURCE } from "../recovery/alerts";
import { healthScheduleKill } from "../health/watchdog";
import { RESOURCES } from "./vector";
import { node, ON_LIMIT_RESTART, ON_LIMIT_STOP } from "./tables";
import { resourceInstanceEvent, RESOURCE_EVENT_OVER_LIMIT } from "./events";

/** Samples that took an action (counter). */
let actions: u32 = 0;

function act(service: i32, slot: i32, handle: i32, resource: i32, sample: i32): void {
  actions++;
  resourceInstanceEvent(service, handle, RESOURCE_EVENT_OVER_LIMIT, resource, sample);
  const action = node.onLimit[service];
  if (action == ON_LIMIT_RESTART) { healthScheduleKill(slot, FAULT_RESOURCE, sample); return; }
  faultLog(service, slot, FAULT_RESOURCE, CAUSE_RESOURCE_LIMIT, sample);
  if (action == ON_LIMIT_STOP) {
    stopRequiringDependents(service, CAUSE_RESOURCE_LIMIT, false);
    stopOne(service, CAUSE_RESOURCE_LIMIT, false);
  } else {
    alertRaise(service, slot, ALERT_RESOURCE, CAUSE_RESOURCE_LIMIT);
  }
}

/** A usage sample of instance `handle`: `value` of `resource` (vector.ts units). */
export function usageSample(handle: i32, resource: i32, value: i64): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  if (resource < 0 || resource >= RESOURCES) {
    return fail(E_INVALID_RESOURCE).text("usage: resource ").int(resource).text(" is outside 0..").int(RESOURCES - 1).code();
  }
  if (value < 0) return fail(E_INVALID_ARGUMENT).text("usage: sample ").int(value).text(" is negative").code();
  const service = <i32>instanceService[slot];
  const state = instanceState[slot];
  const limit = <i64>node.limit[service * RESOURCES + resource];
  if (limit == 0 || (state != STATE_RUNNING && state != STATE_STARTING)) return OK;
  const now = clockNow();
  if (value <= limit) {
    if (<i32>node.overResource[slot] == resource) { node.overSinceMs[slot] = -1; node.overActed[slot] = false; }
    return OK;
  }
  if (node.overSinceMs[slot] < 0) {
    node.overSinceMs[slot] = now;
    node.overResource[slot] = <u8>resource;
    node.overActed[slot] = false;
  }
  if (node.overActed[slot] || now - node.overSinceMs[slot] < <i64>node.graceMs[service]) return OK;
  node.overActed[slot] = true;
  act(service, slot, handle, resource, <i32>min<i64>(value, i32.MAX_VALUE));
  return 1;
}

/** An instance (re)starts or goes down: its excursion is over. */
export function usageForget(slot: i32): void {
  node.overSinceMs[slot] = -1;
  node.overActed[slot] = false;
}

export function usageActions(): u32 { return actions; }
