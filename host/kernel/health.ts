// Health monitoring on the host side: typed calls over the kernel's health ABI
// (assembly/health/abi.ts) and decoders for its records. The kernel schedules checks and keeps
// the verdicts; the host runs each check it is asked to (an ACTION_RUN_CHECK) and reports back.
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { HealthExports } from "./exports.ts";
import type { KernelEvent } from "./abi.ts";
import { HEALTH_STATES } from "./balance.ts"; // the same four codes the balancer uses
import { recordOf, recordObject, recordValues, codeOf, FIELDS } from "./records.ts";

export const CHECK_KINDS = ["http", "tcp", "process", "file", "command", "custom"] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];
export const CHECK_ROLES = ["liveness", "readiness", "startup"] as const;
export type CheckRole = (typeof CHECK_ROLES)[number];
export const CHECK_OUTCOMES = ["success", "failure", "timeout"] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];
export type HealthState = (typeof HEALTH_STATES)[number];
export const SEVERITIES = ["info", "warning", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_REASONS = [
  "recovered", "degraded", "unhealthy", "crash-loop", "flapping", "watchdog", "start-timeout", "stop-timeout",
  "gave-up", "reboot-requested", "rolled-back", "resource",
] as const;
export type AlertReason = (typeof ALERT_REASONS)[number];
export const DEPENDENCY_CONDITIONS = { started: 0, healthy: 1 } as const;
export type DependencyCondition = keyof typeof DEPENDENCY_CONDITIONS;
export const HEALTH_COUNTERS = ["alerts", "alertsSuppressed", "checksRun", "checkTimeouts"] as const;
export const HISTORY_RECORD_BYTES = 16;

/** A CHECK record's fields; one left out is the kernel's default (Kubernetes' probe fields: http,
 *  liveness, 10 s period, 1 s timeout (at most the period), no initial delay, 1 success, 3 failures). */
export interface CheckOptions {
  kind?: CheckKind;
  role?: CheckRole;
  intervalMs?: number;
  timeoutMs?: number;
  startPeriodMs?: number;
  /** Successes in a row that make the check pass. */
  rise?: number;
  /** Failures in a row that make it fail. */
  fall?: number;
}

export interface CheckInfo extends Required<CheckOptions> {
  id: number;
  service: number;
  serviceName: string;
}

export interface HistoryEntry {
  timeMs: number;
  latencyMs: number;
  outcome: CheckOutcome;
  /** Position of the check among its service's checks. */
  checkIndex: number;
}

export interface Alert {
  /** The alerts' own sequence: 1, 2, 3, ... (a gap means an alert was lost). */
  alertSeq: number;
  seq: number;
  timeMs: number;
  service: number;
  serviceName: string;
  instance: number;
  severity: Severity;
  reason: AlertReason;
  cause: KernelEvent["cause"];
}

export interface HealthChange {
  timeMs: number;
  service: number;
  serviceName: string;
  /** -1 for the service's own health. */
  instance: number;
  from: HealthState;
  to: HealthState;
  cause: KernelEvent["cause"];
}

const checksOf = new WeakMap<Kernel, Map<number, CheckInfo>>();

/** The CHECK record of `options` (absent fields: the kernel's defaults). */
export function checkRecordOf(options: CheckOptions, service = "?"): Int32Array {
  const kind = codeOf(CHECK_KINDS, options.kind, "E_INVALID_CHECK_KIND", "check kind", service);
  const role = codeOf(CHECK_ROLES, options.role, "E_INVALID_CHECK_ROLE", "check role", service);
  return recordOf("check", { ...options, kind, role });
}

/** The options a CHECK record holds (fields at the sentinel left out). */
export function checkOptionsOf(record: Int32Array): CheckOptions {
  const { kind, role, ...timing } = recordValues("check", record);
  return {
    ...(kind === undefined ? {} : { kind: CHECK_KINDS[kind] }), ...(role === undefined ? {} : { role: CHECK_ROLES[role] }), ...timing,
  };
}

export class HealthMonitor {
  constructor(readonly kernel: Kernel) {}

  private get x(): HealthExports { return this.kernel.exports; }

  /** Checks registered through any HealthMonitor of this kernel, by id. */
  get checks(): Map<number, CheckInfo> {
    let map = checksOf.get(this.kernel);
    if (!map) checksOf.set(this.kernel, (map = new Map()));
    return map;
  }

  /** Adds a check to a service at rest, in one call (the CHECK record); returns its id. */
  addCheck(service: ServiceRef, options: CheckOptions = {}): number {
    const id = this.kernel.id(service);
    const name = this.kernel.name(id);
    const check = this.kernel.check(this.x.checkAdd(id, this.kernel.putRecord(checkRecordOf(options, name))));
    this.checks.set(check, { id: check, service: id, serviceName: name, ...this.options(check) });
    return check;
  }

  /** The check's configuration as the kernel holds it (every default filled in). */
  options(check: number): Required<CheckOptions> {
    this.kernel.check(this.x.checkRecord(check));
    const { kind, role, ...timing } = recordObject("check", this.kernel.takeRecord(FIELDS.check.length));
    return { kind: CHECK_KINDS[kind], role: CHECK_ROLES[role], ...timing };
  }

  removeCheck(check: number): void {
    this.kernel.check(this.x.checkRemove(check));
    this.checks.delete(check);
  }

  /** Reports a check result; false when the kernel ignored it (late: it already timed out). */
  report(check: number, handle: number, outcome: CheckOutcome | boolean, latencyMs = 0): boolean {
    const code = typeof outcome === "boolean" ? (outcome ? 0 : 1) : CHECK_OUTCOMES.indexOf(outcome);
    return this.kernel.check(this.x.checkReport(check, handle, code, Math.max(0, Math.round(latencyMs)))) === 0;
  }

  of(service: ServiceRef): HealthState { return HEALTH_STATES[this.kernel.check(this.x.healthOfService(this.kernel.id(service)))]; }
  ofInstance(handle: number): HealthState { return HEALTH_STATES[this.kernel.check(this.x.healthOfInstance(handle))]; }

  /** The service's last check results, oldest first. */
  history(service: ServiceRef): HistoryEntry[] {
    const count = this.kernel.check(this.x.healthHistory(this.kernel.id(service)));
    const view = new DataView(this.kernel.exports.memory.buffer, this.kernel.exports.ioBuffer(), count * HISTORY_RECORD_BYTES);
    return Array.from({ length: count }, (_, i) => {
      const at = i * HISTORY_RECORD_BYTES;
      return {
        timeMs: Number(view.getBigInt64(at, true)),
        latencyMs: view.getInt32(at + 8, true),
        outcome: CHECK_OUTCOMES[view.getUint8(at + 12)],
        checkIndex: view.getUint8(at + 13),
      };
    });
  }

  /** Availability over the service's window, time-weighted, 0..1. */
  availability(service: ServiceRef): number { return this.kernel.check(this.x.healthAvailability(this.kernel.id(service))) / 10_000; }
  setAvailabilityWindow(service: ServiceRef, windowMs: number): void {
    this.kernel.check(this.x.healthSetWindow(this.kernel.id(service), windowMs));
  }
  setFlapping(service: ServiceRef, transitions: number, windowMs: number): void {
    this.kernel.check(this.x.healthSetFlapping(this.kernel.id(service), transitions, windowMs));
  }

  /** A watchdog: each running instance must ping within `periodMs` (0: none). */
  watchdog(service: ServiceRef, periodMs: number): void { this.kernel.check(this.x.watchdogSet(this.kernel.id(service), periodMs)); }
  ping(handle: number): void { this.kernel.check(this.x.watchdogPing(handle)); }

  /** `from` starts only once `to` is running (and, for "healthy", healthy): compose `condition:`. */
  condition(from: ServiceRef, to: ServiceRef, condition: DependencyCondition): void {
    const code = DEPENDENCY_CONDITIONS[condition] ?? -1;
    this.kernel.check(this.x.dependencyCondition(this.kernel.id(from), this.kernel.id(to), code));
  }

  counters(): Record<(typeof HEALTH_COUNTERS)[number], number> {
    return Object.fromEntries(HEALTH_COUNTERS.map((name, i) => [name, this.x.healthCounter(i)])) as Record<(typeof HEALTH_COUNTERS)[number], number>;
  }
}

/** The alert an EVENT_ALERT record carries, or null for other events. */
export function alertOf(event: KernelEvent): Alert | null {
  if (event.kind !== "alert") return null;
  return {
    alertSeq: event.value, seq: event.seq, timeMs: event.timeMs, service: event.service, serviceName: event.serviceName,
    instance: event.instance, severity: SEVERITIES[event.fromCode], reason: ALERT_REASONS[event.toCode], cause: event.cause,
  };
}

/** The health change an EVENT_HEALTH record carries, or null for other events. */
export function healthChangeOf(event: KernelEvent): HealthChange | null {
  if (event.kind !== "health") return null;
  return {
    timeMs: event.timeMs, service: event.service, serviceName: event.serviceName, instance: event.instance,
    from: HEALTH_STATES[event.fromCode], to: HEALTH_STATES[event.toCode], cause: event.cause,
  };
}
