// From the manifest to a configured kernel. The blob configures the kernel itself: services,
// dependencies, config, addresses, and its HEALTH, RECOVERY and BALANCE sections (checks,
// restart policy, balancing and breakers). This file adds only what a manifest cannot say to
// the kernel: a gateway's strategy override and a host-only `run.check`, and decides what each
// check actually runs: the manifest's `health:` (http, tcp, exec) or the `run.check` (process,
// file, command, http, tcp), aimed at each instance's own address.
import type { Kernel } from "../kernel/kernel.ts";
import { HealthMonitor, type CheckKind } from "../kernel/health.ts";
import { KernelManifest } from "../kernel/manifest.ts";
import type { RecoveryPolicy } from "../kernel/recovery.ts";
import { Balancer } from "../kernel/balance.ts";
import type { Service, HealthSpec, RecoverySpec } from "../manifest/types.ts";
import type { CheckSpec } from "../checks/index.ts";
import { splitAddress, type RunSpec } from "./host-manifest.ts";

/** What one registered check runs, per instance (its address and pid are known only then). */
export interface CheckPlan {
  id: number;
  service: string;
  kind: CheckKind;
  timeoutMs: number;
  build(ordinal: number, pid: () => number | undefined): CheckSpec;
}

/** Kubernetes-like defaults for a `run.check` without a manifest `health:` section. */
const RUN_CHECK_DEFAULTS = { intervalMs: 5_000, timeoutMs: 1_000, retries: 3, startPeriodMs: 0 };

export function configureService(kernel: Kernel, service: Service, run: RunSpec | undefined): CheckPlan | undefined {
  const override = run?.gateway?.strategy;
  if (override) new Balancer(kernel).configure(service.name, { strategy: override });
  return configureCheck(kernel, service, run);
}

/** The manifest's restart section as a typed policy (what the simulator's invariants check against). */
export function recoveryPolicy(spec: RecoverySpec): RecoveryPolicy {
  return {
    restart: spec.restart === "no" ? "never" : spec.restart,
    restartsMax: spec.intensity,
    windowMs: spec.periodMs,
    backoff: {
      kind: "exponential",
      baseMs: spec.backoffInitialMs,
      capMs: spec.backoffMaxMs,
      factor: spec.backoffMultiplier,
      jitter: spec.jitterPercent > 0 ? spec.jitterPercent : "none",
    },
    group: spec.strategy === "one-for-all" ? "one_for_all" : spec.strategy === "rest-for-one" ? "rest_for_one" : "one_for_one",
    escalation: { groupRestart: spec.escalation === "restart-dependents", reboot: spec.escalation === "reboot" },
  };
}

/** Weights from `instances.weights`, set on each new run of an instance (handles change per run). */
export function weightOf(service: Service, ordinal: number): number | undefined {
  return service.balance?.weights[ordinal];
}

function configureCheck(kernel: Kernel, service: Service, run: RunSpec | undefined): CheckPlan | undefined {
  const health = service.health && service.health.check !== "none" ? service.health : undefined;
  if (!health && !run?.check) return undefined;
  const timing = health ?? RUN_CHECK_DEFAULTS;
  const plan = planOf(service, health, run);
  // The manifest's health: is a kernel check already (its HEALTH section); a run.check alone needs one.
  const id = (health ? new KernelManifest(kernel).checkOf(service.name) : undefined) ?? new HealthMonitor(kernel).addCheck(service.name, {
    kind: plan.kind, role: "liveness", intervalMs: timing.intervalMs, timeoutMs: timing.timeoutMs,
    startPeriodMs: timing.startPeriodMs, rise: 1, fall: Math.max(1, timing.retries),
  });
  return { id, service: service.name, kind: plan.kind, timeoutMs: timing.timeoutMs, build: plan.build };
}

function planOf(service: Service, health: HealthSpec | undefined, run: RunSpec | undefined): Pick<CheckPlan, "kind" | "build"> {
  const timeoutMs = runnerTimeoutMs(health?.timeoutMs ?? RUN_CHECK_DEFAULTS.timeoutMs);
  const address = (ordinal: number) => splitAddress(service.addresses.find((a) => a.ordinal === ordinal)?.address ?? "");
  const check = run?.check;
  if (check) {
    switch (check.kind) {
      case "process": return { kind: "process", build: (_, pid) => ({ kind: "process", pid }) };
      case "file": return { kind: "file", build: () => ({ kind: "file", path: check.path, maxAgeMs: check.maxAgeMs, timeoutMs }) };
      case "command": return { kind: "command", build: () => ({ kind: "command", command: check.command, args: check.args, cwd: run?.cwd, timeoutMs }) };
      case "http": return { kind: "http", build: (ordinal) => ({ kind: "http", url: instanceUrl(check.url, address(ordinal)), timeoutMs }) };
      case "tcp": return {
        kind: "tcp",
        build: (ordinal) => ({ kind: "tcp", host: check.host ?? address(ordinal)?.host, port: check.port ?? address(ordinal)?.port ?? 0, timeoutMs }),
      };
    }
  }
  const target = health!.target;
  switch (health!.check) {
    case "http": return { kind: "http", build: (ordinal) => ({ kind: "http", url: instanceUrl(target || "http://127.0.0.1/", address(ordinal)), timeoutMs }) };
    case "tcp": return { kind: "tcp", build: (ordinal) => ({ kind: "tcp", ...tcpTarget(target, address(ordinal)), timeoutMs }) };
    default: return { kind: "command", build: () => ({ kind: "command", command: "/bin/sh", args: ["-c", target], cwd: run?.cwd, timeoutMs }) };
  }
}

/**
 * The runner gives up a little before the kernel's own check timeout, so the kernel hears
 * "timeout" from the runner (with the target named) rather than only noticing the silence.
 */
export function runnerTimeoutMs(kernelTimeoutMs: number): number {
  return Math.max(1, kernelTimeoutMs - Math.min(50, Math.floor(kernelTimeoutMs / 5)));
}

/** The check URL aimed at the instance: a URL without a port takes the instance's address. */
export function instanceUrl(url: string, address: { host: string; port: number } | null): string {
  const parsed = new URL(url);
  if (parsed.port === "" && address) {
    parsed.hostname = address.host;
    parsed.port = String(address.port);
  }
  return parsed.toString();
}

/** "7001", "host:7001" or "" (the instance's address). */
function tcpTarget(target: string, address: { host: string; port: number } | null): { host?: string; port: number } {
  if (/^\d+$/.test(target)) return { host: address?.host, port: Number(target) };
  const split = target ? splitAddress(target) : null;
  return split ?? { host: address?.host, port: address?.port ?? 0 };
}
