// `update:` of a service in services.yaml: how a new revision replaces the running one, read
// into the kernel's UPDATE record shape (assembly/rollout/record.ts, manifest tag 0x87) and back
// from a blob. Absent fields are the kernel's defaults (docs/defaults.md); the kernel checks the
// record again when it loads the blob.
//
//   update:
//     strategy: rolling            # rolling (default) | recreate | blue-green | canary
//     max-surge: 1                 # a count, or a percentage of the instances ("25%")
//     max-unavailable: 0
//     min-ready: 5s                # ready this long before an instance counts as available
//     batch-interval: 2s           # rolling: the least time between two batches
//     progress-deadline: 10m       # no new instance available for this long: roll back
//     failures-max: 1              # new-revision failures that roll back
//     health-gate: 30s             # new instances available this long before the next batch / the switch
//     rollback-window: 5m          # blue-green: the old set is kept this long after the switch
//     canary: { count: 1, share: 10%, healthy-period: 5m, auto-promote: true }
//     error-rate: { threshold: 5%, window: 30s, min-requests: 20 }   # the new revision's failed share that rolls back
import type { Service } from "./types.ts";
import type { LNode } from "./tree.ts";
import { describe } from "./tree.ts";
import { Context, asMap, checkKeys, subMap, scalar, optNumber, optDuration, optEnum, defined, TIMEOUT_MS_MAX, INSTANCES_MAX } from "./fields.ts";
import { parseBool } from "./values.ts";
import { UPDATE_STRATEGIES, type Budget, type UpdateConfig } from "../kernel/rollout.ts";

export const UPDATE_KEYS = [
  "strategy", "max-surge", "max-unavailable", "min-ready", "batch-interval", "progress-deadline", "failures-max", "health-gate",
  "rollback-window", "canary", "error-rate",
];
export const CANARY_KEYS = ["count", "share", "healthy-period", "auto-promote"];
export const ERROR_RATE_KEYS = ["threshold", "window", "min-requests"];

/** A count 0..64 or a percentage "0%".."100%". */
function optBudget(node: LNode | undefined, field: string, ctx: Context): Budget | undefined {
  if (!node) return undefined;
  const value = scalar(node);
  const percent = typeof value === "string" ? /^\s*(\d{1,3})\s*%\s*$/.exec(value) : null;
  if (percent && Number(percent[1]) <= 100) return `${Number(percent[1])}%`;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= INSTANCES_MAX) return value;
  ctx.error(node.loc, field, `expected an instance count 0..${INSTANCES_MAX} or a percentage 0%..100%, got ${describe(node)}`);
  return undefined;
}

/** A percentage 1..100, written "10%" or 10. */
function optPercent(node: LNode | undefined, field: string, ctx: Context): number | undefined {
  return optNumber(node, field, 1, 100, ctx, (v) => {
    const m = typeof v === "string" ? /^\s*(\d{1,3})\s*%?\s*$/.exec(v) : null;
    return m ? Number(m[1]) : typeof v === "number" && Number.isInteger(v) ? v : undefined;
  }, "a percentage 1%..100%");
}

function optFlag(node: LNode | undefined, field: string, ctx: Context): boolean | undefined {
  if (!node) return undefined;
  const value = parseBool(scalar(node));
  if (value === undefined) ctx.error(node.loc, field, `expected true or false, got ${describe(node)}`);
  return value;
}

export function readUpdate(node: LNode | undefined, service: Service, ctx: Context): void {
  const map = node && asMap(node, "update", ctx);
  if (!map) return;
  checkKeys(map, UPDATE_KEYS, "update", ctx);
  const get = (key: string) => map.entries.get(key)?.value;
  const duration = (key: string, min = 0) => optDuration(get(key), `update.${key}`, TIMEOUT_MS_MAX, ctx, min);
  const config: UpdateConfig = defined({
    strategy: optEnum(get("strategy"), "update.strategy", UPDATE_STRATEGIES, ctx),
    maxSurge: optBudget(get("max-surge"), "update.max-surge", ctx),
    maxUnavailable: optBudget(get("max-unavailable"), "update.max-unavailable", ctx),
    minReadyMs: duration("min-ready"), batchIntervalMs: duration("batch-interval"), progressDeadlineMs: duration("progress-deadline", 1),
    failuresMax: optNumber(get("failures-max"), "update.failures-max", 1, 255, ctx),
    healthGateMs: duration("health-gate"), rollbackWindowMs: duration("rollback-window"),
  });
  const canary = subMap(map, "canary", "update.canary", CANARY_KEYS, ctx);
  if (canary) {
    const c = (key: string) => canary.entries.get(key)?.value;
    config.canary = defined({
      count: optNumber(c("count"), "update.canary.count", 1, INSTANCES_MAX, ctx),
      sharePercent: optPercent(c("share"), "update.canary.share", ctx),
      healthyMs: optDuration(c("healthy-period"), "update.canary.healthy-period", TIMEOUT_MS_MAX, ctx),
      autoPromote: optFlag(c("auto-promote"), "update.canary.auto-promote", ctx),
    });
    if (config.canary.count !== undefined && config.canary.count >= service.instances) {
      ctx.error(c("count")!.loc, "update.canary.count", `${config.canary.count} canaries leave none of the ${service.instances} instances on the old revision`);
    }
  }
  const errorRate = subMap(map, "error-rate", "update.error-rate", ERROR_RATE_KEYS, ctx);
  if (errorRate) {
    const e = (key: string) => errorRate.entries.get(key)?.value;
    config.errorRate = defined({
      thresholdPercent: optPercent(e("threshold"), "update.error-rate.threshold", ctx),
      windowMs: optDuration(e("window"), "update.error-rate.window", TIMEOUT_MS_MAX, ctx, 1),
      minRequests: optNumber(e("min-requests"), "update.error-rate.min-requests", 1, 65535, ctx),
    });
  }
  strategyOnly(map, "rollback-window", "blue-green", config, ctx);
  strategyOnly(map, "canary", "canary", config, ctx);
  service.update = config;
}

/** A key that only one strategy reads, given with another: an error at the key (it would be ignored silently). */
function strategyOnly(map: LNode & { kind: "map" }, key: string, strategy: string, config: UpdateConfig, ctx: Context): void {
  const entry = map.entries.get(key);
  if (!entry || config.strategy === strategy) return;
  ctx.error(entry.keyLoc, `update.${key}`, `only the ${strategy} strategy reads ${key}; strategy is ${config.strategy ?? "rolling (the default)"}`);
}
