// The layer sections of a service in services.yaml (`timeouts`, `health`, `restart`, `balance`
// with `instances.weights`, `resources`), read into the kernel's record shapes
// (host/manifest/types.ts). A key the YAML leaves out stays absent: the blob carries the
// sentinel and the kernel fills its own default (docs/defaults.md). Only what the YAML says is
// checked here (types, ranges every profile shares, contradictions between two given values);
// the kernel checks the whole record again when the blob loads.
import type { Service, HealthSpec, RecoverySpec, BalanceSpec } from "./types.ts";
import type { LNode } from "./tree.ts";
import { describe } from "./tree.ts";
import { parseSize, parseBool } from "./values.ts";
import {
  Context, asMap, checkKeys, subMap, scalar, optNumber, optDuration, optEnum, readNumber, items, defined, SAFE,
  TIMEOUT_MS_MAX, THRESHOLD_MAX, type MapNode,
} from "./fields.ts";
import { STRATEGIES as BALANCE_STRATEGIES, type Strategy } from "../kernel/balance.ts";
import { RESOURCES_KEYS, SCALE_KEYS } from "./resources.ts";
import {
  FAULT_PATTERNS, RECOVERY_STRATEGIES, BACKOFF_KINDS, JITTER_MODES, type FaultPattern, type RecoveryStrategy,
  type JitterMode,
} from "../kernel/recovery.ts";

export const SECTION_KEYS: Record<string, string[]> = {
  timeouts: ["start", "stop"],
  health: ["check", "role", "target", "interval", "timeout", "retries", "rise", "start-period"],
  restart: [
    "policy", "strategy", "intensity", "period", "count-every-start", "success-exit-codes", "backoff", "stable",
    "escalation", "strategies", "scale-max", "backup", "crash-loop",
  ],
  backoff: ["kind", "initial", "max", "multiplier", "jitter"],
  "crash-loop": ["faults", "window"],
  balance: ["strategy", "choices", "active-bias", "panic", "decay", "default-cost", "breaker", "outlier"],
  breaker: ["failures", "open", "open-max", "half-open", "window", "min-calls", "failure-rate", "slow-call", "slow-rate"],
  outlier: ["failures", "base-ejection", "max-ejection", "max-ejected"],
  resources: RESOURCES_KEYS,
  scale: SCALE_KEYS,
};

export const HEALTH_CHECKS = ["none", "exec", "http", "tcp"] as const;
export const HEALTH_ROLES = ["liveness", "readiness", "startup"] as const;
export const RESTARTS = ["no", "on-failure", "always"] as const;
export const GROUPS = ["one-for-one", "one-for-all", "rest-for-one"] as const;
export const ESCALATIONS = ["none", "alert", "restart-dependents", "reboot"] as const;
/** The manifest's strategy names: the kernel's, and power-of-two (least connections, two random choices). */
export const BALANCERS = [...BALANCE_STRATEGIES, "power-of-two"] as const;

type Get = (key: string) => LNode | undefined;
const getter = (map: MapNode | null): Get => (key) => map?.entries.get(key)?.value;

function optBool(node: LNode | undefined, field: string, ctx: Context): boolean | undefined {
  if (!node) return undefined;
  const value = parseBool(scalar(node));
  if (value === undefined) ctx.error(node.loc, field, `expected true or false, got ${describe(node)}`);
  return value;
}

/** A number in a..b written as a fraction or a count (percentages: 0.5 or 50 %). */
function optFraction(node: LNode | undefined, field: string, ctx: Context): number | undefined {
  if (!node) return undefined;
  const value = Number(scalar(node));
  if (!(value >= 0 && value <= 1)) { ctx.error(node.loc, field, `expected a fraction 0..1, got ${describe(node)}`); return undefined; }
  return Math.round(value * 100);
}

export function readTimeouts(node: LNode | undefined, service: Service, ctx: Context): void {
  const map = node && asMap(node, "timeouts", ctx);
  if (!map) return;
  checkKeys(map, SECTION_KEYS.timeouts, "timeouts", ctx);
  const e = getter(map);
  Object.assign(service, defined({
    startTimeoutMs: optDuration(e("start"), "timeouts.start", TIMEOUT_MS_MAX, ctx, 1),
    stopTimeoutMs: optDuration(e("stop"), "timeouts.stop", TIMEOUT_MS_MAX, ctx, 1),
  }));
}

export function readHealth(node: LNode | undefined, service: Service, ctx: Context): void {
  const map = node && asMap(node, "health", ctx);
  if (!map) return;
  checkKeys(map, SECTION_KEYS.health, "health", ctx);
  const e = getter(map);
  const target = scalar(e("target"));
  if (e("target") && typeof target !== "string") ctx.error(e("target")!.loc, "health.target", `expected a command, URL or port as text, got ${describe(e("target")!)}`);
  const check = optEnum(e("check"), "health.check", HEALTH_CHECKS, ctx) ?? "none";
  const health: HealthSpec = defined({
    check: check === "none" ? "http" : check,
    target: typeof target === "string" ? target : "",
    role: optEnum(e("role"), "health.role", HEALTH_ROLES, ctx),
    intervalMs: optDuration(e("interval"), "health.interval", TIMEOUT_MS_MAX, ctx, 1),
    timeoutMs: optDuration(e("timeout"), "health.timeout", TIMEOUT_MS_MAX, ctx, 1),
    startPeriodMs: optDuration(e("start-period"), "health.start-period", TIMEOUT_MS_MAX, ctx),
    rise: optNumber(e("rise"), "health.rise", 1, THRESHOLD_MAX, ctx),
    retries: optNumber(e("retries"), "health.retries", 1, THRESHOLD_MAX, ctx),
  });
  if (health.timeoutMs !== undefined && health.intervalMs !== undefined && health.timeoutMs > health.intervalMs) {
    ctx.error(e("timeout")!.loc, "health.timeout", `timeout ${health.timeoutMs} ms is longer than the interval ${health.intervalMs} ms`);
  }
  if (check !== "none") service.health = health; // `check: none` (or no check named): no check
}

function readEscalation(node: LNode | undefined, ctx: Context): RecoverySpec["escalation"] {
  if (!node) return undefined;
  const names = node.kind === "seq" ? node.items : [node];
  const chosen = names.map((item) => optEnum(item, "restart.escalation", ESCALATIONS, ctx));
  return { groupRestart: chosen.includes("restart-dependents"), reboot: chosen.includes("reboot") };
}

function readJitter(node: LNode | undefined, ctx: Context): JitterMode | number | undefined {
  if (!node) return undefined;
  const value = scalar(node);
  if (typeof value === "string" && (JITTER_MODES as readonly string[]).includes(value)) return value as JitterMode;
  const percent = optFraction(node, "restart.backoff.jitter", ctx);
  return percent === 0 ? "none" : percent;
}

function readStrategies(node: LNode | undefined, ctx: Context): RecoverySpec["strategies"] {
  const map = node && asMap(node, "restart.strategies", ctx);
  if (!map) return undefined;
  checkKeys(map, [...FAULT_PATTERNS], "restart.strategies", ctx);
  const names = RECOVERY_STRATEGIES.filter(Boolean) as RecoveryStrategy[];
  const strategies: Partial<Record<FaultPattern, RecoveryStrategy[]>> = {};
  for (const [pattern, { value }] of map.entries) {
    const field = `restart.strategies.${pattern}`;
    const list = items(value, field, ctx).map((item) => optEnum(item, field, names, ctx)).filter((s) => s !== undefined);
    if (list.length > 4) ctx.error(value.loc, field, `${list.length} strategies; at most 4`);
    strategies[pattern as FaultPattern] = list;
  }
  return strategies;
}

export function readRecovery(node: LNode | undefined, service: Service, ctx: Context): void {
  const map = node && asMap(node, "restart", ctx);
  if (!map) return;
  checkKeys(map, SECTION_KEYS.restart, "restart", ctx);
  const e = getter(map);
  const b = getter(subMap(map, "backoff", "restart.backoff", SECTION_KEYS.backoff, ctx));
  const loop = subMap(map, "crash-loop", "restart.crash-loop", SECTION_KEYS["crash-loop"], ctx);
  const c = getter(loop);
  const multiplierNode = b("multiplier");
  const multiplier = multiplierNode ? Number(scalar(multiplierNode)) : undefined;
  if (multiplierNode && !(multiplier! >= 1 && multiplier! <= 10)) ctx.error(multiplierNode.loc, "restart.backoff.multiplier", `expected a number 1..10, got ${describe(multiplierNode)}`);
  const restart = optEnum(e("policy"), "restart.policy", RESTARTS, ctx);
  const exits = e("success-exit-codes");
  const backoff = defined({
    kind: optEnum(b("kind"), "restart.backoff.kind", BACKOFF_KINDS, ctx),
    baseMs: optDuration(b("initial"), "restart.backoff.initial", TIMEOUT_MS_MAX, ctx),
    capMs: optDuration(b("max"), "restart.backoff.max", TIMEOUT_MS_MAX, ctx),
    factor: multiplier !== undefined && Number.isFinite(multiplier) ? Math.round(multiplier * 100) / 100 : undefined,
    jitter: readJitter(b("jitter"), ctx),
  });
  const group = optEnum(e("strategy"), "restart.strategy", GROUPS, ctx);
  service.recovery = defined({
    restart: (restart === "no" ? "never" : restart) as RecoverySpec["restart"],
    restartsMax: optNumber(e("intensity"), "restart.intensity", 0, 255, ctx),
    windowMs: optDuration(e("period"), "restart.period", TIMEOUT_MS_MAX, ctx, 1),
    countEveryStart: optBool(e("count-every-start"), "restart.count-every-start", ctx),
    successExitCodes: exits ? items(exits, "restart.success-exit-codes", ctx).map((n) => optNumber(n, "restart.success-exit-codes", 0, 63, ctx) ?? 0) : undefined,
    backoff: Object.keys(backoff).length ? backoff : undefined,
    stableMs: optDuration(e("stable"), "restart.stable", TIMEOUT_MS_MAX, ctx, 1),
    group: group?.replaceAll("-", "_") as RecoverySpec["group"],
    escalation: readEscalation(e("escalation"), ctx),
    strategies: readStrategies(e("strategies"), ctx),
    scaleMax: optNumber(e("scale-max"), "restart.scale-max", 0, 255, ctx),
    backup: typeof scalar(e("backup")) === "string" ? (scalar(e("backup")) as string) : undefined,
    crashLoop: loop ? defined({ faults: optNumber(c("faults"), "restart.crash-loop.faults", 2, 255, ctx), windowMs: optDuration(c("window"), "restart.crash-loop.window", TIMEOUT_MS_MAX, ctx, 1) }) : undefined,
  });
  if (backoff.baseMs !== undefined && backoff.capMs !== undefined && backoff.baseMs > backoff.capMs) {
    ctx.error(b("initial")!.loc, "restart.backoff.initial", `initial ${backoff.baseMs} ms is above max ${backoff.capMs} ms`);
  }
}

/** The section's balance (weights from `instances.weights` may have made it already). */
function balanceOf(service: Service): BalanceSpec {
  service.balance ??= { weights: [] };
  return service.balance;
}

export function readBalance(node: LNode | undefined, service: Service, ctx: Context): void {
  const map = node && asMap(node, "balance", ctx);
  if (!map) return;
  checkKeys(map, SECTION_KEYS.balance, "balance", ctx);
  const e = getter(map);
  const breaker = subMap(map, "breaker", "balance.breaker", SECTION_KEYS.breaker, ctx);
  const outlier = subMap(map, "outlier", "balance.outlier", SECTION_KEYS.outlier, ctx);
  const k = getter(breaker);
  const o = getter(outlier);
  const named = optEnum(e("strategy"), "balance.strategy", BALANCERS, ctx);
  const twoChoices = named === "power-of-two";
  const percent = (n: LNode | undefined, field: string) => optNumber(n, field, 0, 100, ctx);
  Object.assign(balanceOf(service), defined({
    strategy: (twoChoices ? "least-connections" : named) as Strategy | undefined,
    choices: (twoChoices ? 2 : optNumber(e("choices"), "balance.choices", 0, 2, ctx)) as 0 | 2 | undefined,
    activeBiasPercent: optNumber(e("active-bias"), "balance.active-bias", 0, 1000, ctx),
    panicPercent: percent(e("panic"), "balance.panic"),
    decayMs: optDuration(e("decay"), "balance.decay", TIMEOUT_MS_MAX, ctx, 1),
    defaultCostMs: optDuration(e("default-cost"), "balance.default-cost", TIMEOUT_MS_MAX, ctx, 1),
    breaker: breaker ? defined({
      consecutiveFailures: optNumber(k("failures"), "balance.breaker.failures", 0, 65535, ctx),
      openMs: optDuration(k("open"), "balance.breaker.open", TIMEOUT_MS_MAX, ctx, 1),
      openMaxMs: optDuration(k("open-max"), "balance.breaker.open-max", TIMEOUT_MS_MAX, ctx, 1),
      halfOpenPermits: optNumber(k("half-open"), "balance.breaker.half-open", 1, 255, ctx),
      windowSize: optNumber(k("window"), "balance.breaker.window", 1, 64, ctx),
      minCalls: optNumber(k("min-calls"), "balance.breaker.min-calls", 1, 64, ctx),
      failureRatePercent: percent(k("failure-rate"), "balance.breaker.failure-rate"),
      slowCallMs: optDuration(k("slow-call"), "balance.breaker.slow-call", TIMEOUT_MS_MAX, ctx),
      slowRatePercent: percent(k("slow-rate"), "balance.breaker.slow-rate"),
    }) : undefined,
    outlier: outlier ? defined({
      consecutiveFailures: optNumber(o("failures"), "balance.outlier.failures", 1, 65535, ctx),
      baseEjectionMs: optDuration(o("base-ejection"), "balance.outlier.base-ejection", TIMEOUT_MS_MAX, ctx, 1),
      maxEjectionMs: optDuration(o("max-ejection"), "balance.outlier.max-ejection", TIMEOUT_MS_MAX, ctx, 1),
      maxEjectedPercent: percent(o("max-ejected"), "balance.outlier.max-ejected"),
    }) : undefined,
  }));
}

/** `instances.weights`: one weight per instance, in the balance section. */
export function readWeights(weights: LNode, service: Service, ctx: Context): void {
  const list = items(weights, "instances.weights", ctx).map((w) => readNumber(w, "instances.weights", 1, 1000, 1, ctx));
  if (weights.kind !== "seq") return;
  if (list.length !== service.instances) ctx.error(weights.loc, "instances.weights", `${list.length} weights for ${service.instances} instances`);
  balanceOf(service).weights = list;
}
