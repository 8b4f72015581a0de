// The RESOURCES record (util/record.ts: i32 fields, -1 the kernel's default), per service and
// per instance: what admission reserves (requests), what enforcement holds (limits), and how.
//
//   0..9    request per resource (vector.ts order: cpu millicores, memory MiB, storage, scratch,
//           iops, bandwidth, connections, gpu, fds, pids), default 0 (nothing reserved)
//   10..19  limit per resource, default 0 (no limit); a limit below its request is refused
//   20 priority 0..1000 (0)        | 21 onLimit 0 restart, 1 stop, 2 alert (0)
//   22 graceMs (0: the first sample over the limit acts) | 23 admission 0 refuse, 1 queue (0)
//   24 units: bit u needs unit u (0) | 25 coreMiB 0..65534, 65535 not set (65535)
//   26 scaleMin (0: no scaling)    | 27 scaleMax (0)   | 28 scaleMetric 0 none, 1 in flight per
//   instance, 2 p99 latency ms, 3 cpu millicores per instance (0) | 29 scaleTarget (0)
//   30 scaleWindowMs (300000: scale down only after the target held five minutes, HPA's window)
import { OK, E_INVALID_RESOURCES_RECORD } from "../errors";
import { INSTANCES_PER_SERVICE_MAX, TIMEOUT_MS_MAX, RESOURCE_UNITS_MAX } from "../limits";
import { fail } from "../util/detail";
import { sayService } from "../registry/services";
import { field, fieldSet, resolveField } from "../util/record";
import { RESOURCES, resourceName } from "./vector";
import { node, SCALE_CPU } from "./tables";
import { admissionRekey } from "./admission";

export const RES_REQUEST: i32 = 0;
export const RES_LIMIT: i32 = RESOURCES;
export const RES_PRIORITY: i32 = 2 * RESOURCES;
export const RES_ON_LIMIT: i32 = RES_PRIORITY + 1;
export const RES_GRACE_MS: i32 = RES_PRIORITY + 2;
export const RES_ADMISSION: i32 = RES_PRIORITY + 3;
export const RES_UNITS: i32 = RES_PRIORITY + 4;
export const RES_CORE_MIB: i32 = RES_PRIORITY + 5;
export const RES_SCALE_MIN: i32 = RES_PRIORITY + 6;
export const RES_SCALE_MAX: i32 = RES_PRIORITY + 7;
export const RES_SCALE_METRIC: i32 = RES_PRIORITY + 8;
export const RES_SCALE_TARGET: i32 = RES_PRIORITY + 9;
export const RES_SCALE_WINDOW_MS: i32 = RES_PRIORITY + 10;
export const RESOURCES_FIELDS: i32 = RES_PRIORITY + 11;
export const RESOURCES_RECORD_BYTES: i32 = 4 * RESOURCES_FIELDS;
export const PRIORITY_MAX: i32 = 1000;
export const CORE_NOT_SET: i32 = 0xFFFF;
export const SCALE_WINDOW_MS_DEFAULT: i32 = 300_000;

/** The effective record of `from` (0: every field the default) into `to`. */
export function resourcesResolve(from: usize, to: usize): void {
  for (let n = 0; n < 2 * RESOURCES; n++) resolveField(from, to, n, 0);
  resolveField(from, to, RES_PRIORITY, 0);
  resolveField(from, to, RES_ON_LIMIT, 0);
  resolveField(from, to, RES_GRACE_MS, 0);
  resolveField(from, to, RES_ADMISSION, 0);
  resolveField(from, to, RES_UNITS, 0);
  resolveField(from, to, RES_CORE_MIB, CORE_NOT_SET);
  resolveField(from, to, RES_SCALE_MIN, 0);
  resolveField(from, to, RES_SCALE_MAX, 0);
  resolveField(from, to, RES_SCALE_METRIC, 0);
  resolveField(from, to, RES_SCALE_TARGET, 0);
  resolveField(from, to, RES_SCALE_WINDOW_MS, SCALE_WINDOW_MS_DEFAULT);
}

function bad(service: i32, what: string, value: i32, allowed: string): i32 {
  return sayService(fail(E_INVALID_RESOURCES_RECORD).text("service "), service).text(": resources.").text(what)
    .text(" ").int(value).text(" ").text(allowed).code();
}

function outside(r: i32, lo: i32, hi: i32): bool { return r < lo || r > hi; }

/** OK, or the error naming the service, the field and the value (a resolved record). */
export function resourcesValid(service: i32, rec: usize): i32 {
  for (let r = 0; r < RESOURCES; r++) {
    const request = field(rec, RES_REQUEST + r);
    const limit = field(rec, RES_LIMIT + r);
    if (request < 0) return bad(service, resourceName(r), request, "(request) is negative");
    if (limit < 0) return bad(service, resourceName(r), limit, "(limit) is negative");
    if (limit > 0 && request > limit) return bad(service, resourceName(r), request, "(request) is above its limit");
  }
  const priority = field(rec, RES_PRIORITY);
  if (outside(priority, 0, PRIORITY_MAX)) return bad(service, "priority", priority, "is outside 0..1000");
  const onLimit = field(rec, RES_ON_LIMIT);
  if (outside(onLimit, 0, 2)) return bad(service, "onLimit", onLimit, "is not restart (0), stop (1) or alert (2)");
  const grace = field(rec, RES_GRACE_MS);
  if (outside(grace, 0, TIMEOUT_MS_MAX)) return bad(service, "graceMs", grace, "is outside 0..a day");
  const admission = field(rec, RES_ADMISSION);
  if (outside(admission, 0, 1)) return bad(service, "admission", admission, "is not refuse (0) or queue (1)");
  const units = field(rec, RES_UNITS);
  if (outside(units, 0, (1 << RESOURCE_UNITS_MAX) - 1)) return bad(service, "units", units, "names a unit past the unit table");
  const core = field(rec, RES_CORE_MIB);
  if (outside(core, 0, CORE_NOT_SET)) return bad(service, "coreMiB", core, "is outside 0..65535");
  return scaleValid(service, rec);
}

function scaleValid(service: i32, rec: usize): i32 {
  const low = field(rec, RES_SCALE_MIN);
  const high = field(rec, RES_SCALE_MAX);
  if (outside(high, 0, INSTANCES_PER_SERVICE_MAX)) return bad(service, "scale.max", high, "is outside 0..the instances a service may own");
  if (outside(low, 0, high)) return bad(service, "scale.min", low, "is outside 0..scale.max");
  const metric = field(rec, RES_SCALE_METRIC);
  if (outside(metric, 0, <i32>SCALE_CPU)) return bad(service, "scale.metric", metric, "is not none (0), in flight (1), p99 latency (2) or cpu (3)");
  const target = field(rec, RES_SCALE_TARGET);
  if (target < 0 || (metric != 0 && target == 0)) return bad(service, "scale.target", target, "must be above 0 for a scaling metric");
  if (metric != 0 && high == 0) return bad(service, "scale.max", high, "must be at least 1 for a scaling metric");
  const window = field(rec, RES_SCALE_WINDOW_MS);
  if (outside(window, 0, TIMEOUT_MS_MAX)) return bad(service, "scale.windowMs", window, "is outside 0..a day");
  return OK;
}

/** Sets the service's columns from a resolved, valid record. What it holds stays as reserved. */
export function resourcesApplyRecord(service: i32, rec: usize): void {
  for (let r = 0; r < RESOURCES; r++) {
    node.request[service * RESOURCES + r] = <u32>field(rec, RES_REQUEST + r);
    node.limit[service * RESOURCES + r] = <u32>field(rec, RES_LIMIT + r);
  }
  node.priority[service] = <u16>field(rec, RES_PRIORITY);
  admissionRekey(service);
  node.onLimit[service] = <u8>field(rec, RES_ON_LIMIT);
  node.graceMs[service] = field(rec, RES_GRACE_MS);
  node.admission[service] = <u8>field(rec, RES_ADMISSION);
  node.units[service] = <u16>field(rec, RES_UNITS);
  node.coreMiB[service] = <u16>field(rec, RES_CORE_MIB);
  node.scaleMin[service] = <u8>field(rec, RES_SCALE_MIN);
  node.scaleMax[service] = <u8>field(rec, RES_SCALE_MAX);
  node.scaleMetric[service] = <u8>field(rec, RES_SCALE_METRIC);
  node.scaleTarget[service] = field(rec, RES_SCALE_TARGET);
  node.scaleWindowMs[service] = field(rec, RES_SCALE_WINDOW_MS);
}

/** Writes the service's effective record at `to`. */
export function resourcesReadRecord(service: i32, to: usize): void {
  for (let r = 0; r < RESOURCES; r++) {
    fieldSet(to, RES_REQUEST + r, <i32>node.request[service * RESOURCES + r]);
    fieldSet(to, RES_LIMIT + r, <i32>node.limit[service * RESOURCES + r]);
  }
  fieldSet(to, RES_PRIORITY, node.priority[service]);
  fieldSet(to, RES_ON_LIMIT, node.onLimit[service]);
  fieldSet(to, RES_GRACE_MS, node.graceMs[service]);
  fieldSet(to, RES_ADMISSION, node.admission[service]);
  fieldSet(to, RES_UNITS, node.units[service]);
  fieldSet(to, RES_CORE_MIB, node.coreMiB[service]);
  fieldSet(to, RES_SCALE_MIN, node.scaleMin[service]);
  fieldSet(to, RES_SCALE_MAX, node.scaleMax[service]);
  fieldSet(to, RES_SCALE_METRIC, node.scaleMetric[service]);
  fieldSet(to, RES_SCALE_TARGET, node.scaleTarget[service]);
  fieldSet(to, RES_SCALE_WINDOW_MS, node.scaleWindowMs[service]);
}
