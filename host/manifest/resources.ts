// `resources:` and `priority:` of a service in services.yaml, read into the kernel's RESOURCES
// record shape (assembly/resources/record.ts) and back from a blob. Units: cpu in cores (0.25),
// memory, storage and scratch as sizes (kept in MiB, rounded up), the rest as counts.
//
//   resources:
//     memory: 64MiB          # shorthand: request and limit (so are cpu and storage)
//     requests: { cpu: 0.25, memory: 32MiB }
//     limits: { memory: 128MiB, fds: 256, pids: 64, cpu: 1 }
//     core: 0                # core file size limit (a size)
//     on-limit: restart      # restart (default) | stop | alert
//     grace: 10s             # how long a sample may stay over a limit
//     admission: queue       # refuse (default) | queue
//     units: [radio]
//     scale: { min: 1, max: 4, metric: inflight, target: 10, window: 5m }
//   priority: 100            # 0..1000, admission order within system or user services
import type { Service, ResourcesSpec } from "./types.ts";
import type { LNode } from "./tree.ts";
import { describe } from "./tree.ts";
import { parseSize } from "./values.ts";
import {
  Context, asMap, checkKeys, subMap, scalar, optNumber, optDuration, optEnum, items, readName, TIMEOUT_MS_MAX, type MapNode,
} from "./fields.ts";
import { RESOURCES, type Resource, type ResourceVector } from "../kernel/placement.ts";
import {
  ON_LIMIT_ACTIONS, ADMISSION_MODES, SCALE_METRICS, resourcesRecordOf, type ScaleSpec,
} from "../kernel/resources.ts";
import { recordValues } from "../kernel/records.ts";

export const RESOURCES_KEYS = ["memory", "cpu", "storage", "requests", "limits", "core", "on-limit", "grace", "admission", "units", "scale"];
export const SCALE_KEYS = ["min", "max", "metric", "target", "window"];
const MIB = 1024 * 1024;
const SIZES: Resource[] = ["memory", "storage", "scratch"];
const U31 = 0x7fffffff;

function amountOf(node: LNode | undefined, resource: Resource, field: string, ctx: Context): number | undefined {
  if (!node) return undefined;
  if (resource === "cpu") {
    const cores = Number(scalar(node));
    if (!(cores >= 0 && cores <= 1024)) { ctx.error(node.loc, field, `expected CPU cores 0..1024 (e.g. 0.25), got ${describe(node)}`); return undefined; }
    return Math.round(cores * 1000);
  }
  if (SIZES.includes(resource)) {
    const bytes = optNumber(node, field, 0, U31 * MIB, ctx, parseSize, "a size (e.g. 512KiB, 64MiB)");
    return bytes === undefined ? undefined : Math.ceil(bytes / MIB);
  }
  return optNumber(node, field, 0, U31, ctx);
}

function vectorOf(map: MapNode | null, field: string, ctx: Context): ResourceVector {
  const vector: ResourceVector = {};
  if (!map) return vector;
  for (const [key, entry] of map.entries) {
    const amount = amountOf(entry.value, key as Resource, `${field}.${key}`, ctx);
    if (amount !== undefined) vector[key as Resource] = amount;
  }
  return vector;
}

function readScale(map: MapNode | null, ctx: Context): ScaleSpec | undefined {
  if (!map) return undefined;
  const get = (key: string) => map.entries.get(key)?.value;
  const metric = optEnum(get("metric"), "resources.scale.metric", SCALE_METRICS.slice(1) as ("inflight" | "latency" | "cpu")[], ctx);
  const max = optNumber(get("max"), "resources.scale.max", 1, 64, ctx);
  const min = optNumber(get("min"), "resources.scale.min", 0, 64, ctx) ?? 1;
  const target = optNumber(get("target"), "resources.scale.target", 1, U31, ctx);
  if (!metric || max === undefined || target === undefined) {
    ctx.error(map.loc, "resources.scale", "needs metric (inflight, latency or cpu), max and target");
    return undefined;
  }
  if (min > max) ctx.error(map.loc, "resources.scale.min", `${min} is above max ${max}`);
  return { min, max, metric, target, windowMs: optDuration(get("window"), "resources.scale.window", TIMEOUT_MS_MAX, ctx) };
}

export function readResources(node: LNode | undefined, priority: LNode | undefined, service: Service, ctx: Context): void {
  const map = node ? asMap(node, "resources", ctx) : null;
  const rank = optNumber(priority, "priority", 0, 1000, ctx);
  if (!map && rank === undefined) return;
  const spec: ResourcesSpec = { requests: {}, limits: {}, units: [], priority: rank };
  service.resources = spec;
  if (!map) return;
  checkKeys(map, RESOURCES_KEYS, "resources", ctx);
  const get = (key: string) => map.entries.get(key)?.value;
  for (const resource of ["memory", "cpu", "storage"] as Resource[]) {
    const amount = amountOf(get(resource), resource, `resources.${resource}`, ctx);
    if (amount !== undefined) { spec.requests[resource] = amount; spec.limits[resource] = amount; }
  }
  Object.assign(spec.requests, vectorOf(subMap(map, "requests", "resources.requests", [...RESOURCES], ctx), "resources.requests", ctx));
  Object.assign(spec.limits, vectorOf(subMap(map, "limits", "resources.limits", [...RESOURCES], ctx), "resources.limits", ctx));
  for (const r of RESOURCES) {
    const [request, limit] = [spec.requests[r], spec.limits[r]];
    if (request !== undefined && limit !== undefined && limit > 0 && request > limit) {
      ctx.error(get("requests")?.loc ?? map.loc, `resources.requests.${r}`, `request ${request} is above the limit ${limit}`);
    }
  }
  const core = optNumber(get("core"), "resources.core", 0, 65534 * MIB, ctx, parseSize, "a size (e.g. 0, 64MiB)");
  if (core !== undefined) spec.coreMiB = Math.ceil(core / MIB);
  spec.onLimit = optEnum(get("on-limit"), "resources.on-limit", ON_LIMIT_ACTIONS, ctx);
  spec.graceMs = optDuration(get("grace"), "resources.grace", TIMEOUT_MS_MAX, ctx);
  spec.admission = optEnum(get("admission"), "resources.admission", ADMISSION_MODES, ctx);
  const units = get("units");
  if (units) spec.units = [...new Set(items(units, "resources.units", ctx).map((u) => readName(u, "resources.units", ctx)).filter((u): u is string => !!u))];
  spec.scale = readScale(subMap(map, "scale", "resources.scale", SCALE_KEYS, ctx), ctx);
  for (const key of Object.keys(spec) as (keyof ResourcesSpec)[]) if (spec[key] === undefined) delete spec[key];
}

/** The RESOURCES record of a spec (units travel by name, in their own section). */
export function resourcesSpecRecord(spec: ResourcesSpec, service: string): Int32Array {
  const { units: _names, ...config } = spec;
  return resourcesRecordOf(config, service);
}

/** The spec a RESOURCES record and unit names decode to (what readResources gave). */
export function resourcesSpecOf(record: Int32Array, units: string[]): ResourcesSpec {
  const values = recordValues("resources", record) as Record<string, number | undefined>;
  const spec: ResourcesSpec = { requests: {}, limits: {}, units };
  for (const r of RESOURCES) {
    const title = r[0].toUpperCase() + r.slice(1);
    if (values[`request${title}`] !== undefined) spec.requests[r] = values[`request${title}`];
    if (values[`limit${title}`] !== undefined) spec.limits[r] = values[`limit${title}`];
  }
  if (values.priority !== undefined) spec.priority = values.priority;
  if (values.onLimit !== undefined) spec.onLimit = ON_LIMIT_ACTIONS[values.onLimit];
  if (values.graceMs !== undefined) spec.graceMs = values.graceMs;
  if (values.admission !== undefined) spec.admission = ADMISSION_MODES[values.admission];
  if (values.coreMiB !== undefined) spec.coreMiB = values.coreMiB;
  if (values.scaleMetric !== undefined) {
    spec.scale = {
      min: values.scaleMin ?? 0, max: values.scaleMax ?? 0, metric: SCALE_METRICS[values.scaleMetric] as ScaleSpec["metric"],
      target: values.scaleTarget ?? 0, windowMs: values.scaleWindowMs,
    };
  }
  return spec;
}
