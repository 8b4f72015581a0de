// From the manifest to a configured kernel. The blob configures the kernel itself: services,
// dependencies, config, addresses, timeouts, and its HEALTH, RECOVERY and BALANCE sections
// (checks, restart policy, balancing, breakers, ejection), every default the kernel's own. This
// file adds only what a manifest cannot say to the kernel: a gateway's strategy override and a
// host-only `run.check` (a kernel check with the kernel's default timing), and decides what each
// check actually runs: the manifest's `health:` (http, tcp, exec) or the `run.check` (process,
// file, command, http, tcp), aimed at each instance's own address. The timing a runner needs is
// read back from the kernel's check record.
import type { Kernel } from "../kernel/kernel.ts";
import { HealthMonitor, type CheckKind } from "../kernel/health.ts";
import { KernelManifest } from "../kernel/manifest.ts";
import { Balancer } from "../kernel/balance.ts";
import type { Service, HealthSpec } from "../manifest/types.ts";
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

export function configureService(kernel: Kernel, service: Service, run: RunSpec | undefined): CheckPlan | undefined {
  const override = run?.gateway?.strategy;
  if (override) new Balancer(kernel).setStrategy(service.name, override); // the section's options stay
  return configureCheck(kernel, service, run);
}

/** Weights from `instances.weights`, set on each new run of an instance (handles change per run). */
export function weightOf(service: Service, ordinal: number): number | undefined {
  return service.balance?.weights[ordinal];
}

function configureCheck(kernel: Kernel, service: Service, run: RunSpec | undefined): CheckPlan | undefined {
  const health = service.health;
  if (!health && !run?.check) return undefined;
  const monitor = new HealthMonitor(kernel);
  // The manifest's health: is a kernel check already (its HEALTH section); a run.check alone needs one.
  const manifestCheck = health ? new KernelManifest(kernel).checkOf(service.name) : undefined;
  const kind = planKind(health, run);
  const id = manifestCheck ?? monitor.addCheck(service.name, { kind, role: "liveness" });
  const { timeoutMs } = monitor.options(id);
  return { id, service: service.name, kind, timeoutMs, build: planOf(service, health, run, timeoutMs) };
}

/** What the host runs: the `run.check`'s kind, else the manifest check's. */
function planKind(health: HealthSpec | undefined, run: RunSpec | undefined): CheckKind {
  if (run?.check) return run.check.kind;
  return health!.check === "exec" ? "command" : health!.check;
}

export function planOf(service: Service, health: HealthSpec | undefined, run: RunSpec | undefined, kernelTimeoutMs: number): CheckPlan["build"] {
  const timeoutMs = runnerTimeoutMs(kernelTimeoutMs);
  const address = (ordinal: number) => splitAddress(service.addresses.find((a) => a.ordinal === ordinal)?.address ?? "");
  const check = run?.check;
  if (check) {
    switch (check.kind) {
      case "process": return (_, pid) => ({ kind: "process", pid });
      case "file": return () => ({ kind: "file", path: check.path, maxAgeMs: check.maxAgeMs, timeoutMs });
      case "command": return () => ({ kind: "command", command: check.command, args: check.args, cwd: run?.cwd, timeoutMs });
      case "http": return (ordinal) => ({ kind: "http", url: instanceUrl(check.url, address(ordinal)), timeoutMs });
      case "tcp": return (ordinal) => ({ kind: "tcp", host: check.host ?? address(ordinal)?.host, port: check.port ?? address(ordinal)?.port ?? 0, timeoutMs });
    }
  }
  const target = health!.target;
  switch (health!.check) {
    case "http": return (ordinal) => ({ kind: "http", url: instanceUrl(target || "http://127.0.0.1/", address(ordinal)), timeoutMs });
    case "tcp": return (ordinal) => ({ kind: "tcp", ...tcpTarget(target, address(ordinal)), timeoutMs });
    default: return () => ({ kind: "command", command: "/bin/sh", args: ["-c", target], cwd: run?.cwd, timeoutMs });
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
