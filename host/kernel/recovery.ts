// Fault recovery on the host side: a typed policy over the kernel's recovery ABI
// (assembly/recovery/abi.ts) and decoders for fault and recovery records.
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { RecoveryExports } from "./exports.ts";
import type { KernelEvent } from "./abi.ts";
import { MycoError } from "./errors.ts";

export const RESTART_POLICIES = ["never", "on-failure", "always"] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];
export const BACKOFF_KINDS = ["fixed", "linear", "exponential", "adaptive"] as const;
export type BackoffKind = (typeof BACKOFF_KINDS)[number];
export const JITTER_MODES = ["none", "full", "equal", "decorrelated"] as const;
export type JitterMode = (typeof JITTER_MODES)[number];
export const GROUP_STRATEGIES = ["one_for_one", "one_for_all", "rest_for_one"] as const;
export type GroupStrategy = (typeof GROUP_STRATEGIES)[number];
/** Fault patterns, by code (EVENT_FAULT `from`); "clean-exit" is the strategy list `always` uses. */
export const FAULT_PATTERNS = [
  "clean-exit", "crash", "crash-loop", "check", "start-timeout", "watchdog", "flapping", "stop-timeout",
] as const;
export type FaultPattern = (typeof FAULT_PATTERNS)[number];
export const RECOVERY_STRATEGIES = [
  "", "restart", "restart-backoff", "scale-up", "scale-down", "failover", "breaker-reset", "config-reload", "restart-instance",
] as const;
export type RecoveryStrategy = Exclude<(typeof RECOVERY_STRATEGIES)[number], "">;
/** Recovery steps, by code (EVENT_RECOVERY `from`): the strategies, then the escalation steps. */
export const RECOVERY_STEPS = [...RECOVERY_STRATEGIES, "group-restart", "give-up", "reboot-request"] as const;
export type RecoveryStep = Exclude<(typeof RECOVERY_STEPS)[number], "">;

const E_INVALID_POLICY = -157;
const E_INVALID_BACKOFF = -159;
const E_UNKNOWN_STRATEGY = -160;

/** The kernel's jitter code: a mode's index, or JITTER_PERCENT (128) + p for ±p % (the kernel checks p). */
function jitterCode(jitter: JitterMode | number | undefined, service: string): number {
  if (typeof jitter === "number") return 128 + jitter;
  return code(JITTER_MODES, jitter, "none", E_INVALID_BACKOFF, "jitter", service);
}

export interface BackoffPolicy {
  kind?: BackoffKind;
  baseMs?: number;
  capMs?: number;
  /** Growth per attempt (exponential, adaptive): 2 doubles. 1..10. */
  factor?: number;
  /** A mode, or a number p for "within ±p % of the delay" (gRPC's jitter; 1..100). */
  jitter?: JitterMode | number;
}

/** A service's recovery. Unset fields keep the kernel's defaults (see assembly/recovery/policy.ts). */
export interface RecoveryPolicy {
  restart?: RestartPolicy;
  /** Exit codes (0..63) that count as success; [0] by default. */
  successExitCodes?: number[];
  /** At most `restartsMax` restarts within `windowMs` (5 in 10 s by default). */
  restartsMax?: number;
  windowMs?: number;
  /** systemd's StartLimit: every start counts, operator starts included (default: restarts only, as OTP). */
  countEveryStart?: boolean;
  backoff?: BackoffPolicy;
  /** A run this long forgets past failures (10 s by default). */
  stableMs?: number;
  /**
   * Per fault pattern, the strategies to try in order. Default: restart-instance (only the instance
   * that went down, while another one still serves), then restart-backoff (the whole service);
   * none for flapping/stop-timeout.
   */
  strategies?: Partial<Record<FaultPattern, RecoveryStrategy[]>>;
  group?: GroupStrategy;
  /** Escalation past the limit: restart the requires-group once first; ask the host to reboot at the end. */
  escalation?: { groupRestart?: boolean; reboot?: boolean };
  /** Scale-up ceiling, and the failover target. */
  scaleMax?: number;
  backup?: ServiceRef | null;
  crashLoop?: { faults: number; windowMs: number };
}

export interface RecoveryInfo {
  restartsInWindow: number;
  backoffAttempt: number;
  escalationLevel: number;
  gaveUp: boolean;
  lastDelayMs: number;
  policy: RestartPolicy;
}

export interface Fault {
  seq: number;
  timeMs: number;
  service: number;
  serviceName: string;
  instance: number;
  pattern: FaultPattern;
  cause: KernelEvent["cause"];
  /** Exit status, a count within the window, a timeout in ms, or a check id, by pattern. */
  evidence: number;
}

export interface RecoveryRecord {
  seq: number;
  timeMs: number;
  service: number;
  serviceName: string;
  /** The instance concerned (restart-instance: its handle before the respawn), or -1. */
  instance: number;
  step: RecoveryStep;
  /** The backoff attempt for restarts, the escalation level for escalation steps. */
  detail: number;
  /** Delay (ms) for restarts, restarts counted for escalation steps, instance count for scaling. */
  value: number;
}

function code<T extends string>(names: readonly T[], value: T | undefined, fallback: T, error: number, field: string, service: string): number {
  const index = names.indexOf(value ?? fallback);
  if (index < 0) throw new MycoError(error, `service '${service}': ${field} '${value}' is not one of ${names.filter(Boolean).join(", ")}`);
  return index;
}

export class Recovery {
  constructor(readonly kernel: Kernel) {}

  private get x(): RecoveryExports { return this.kernel.exports; }

  /** Applies `policy` to the service; the kernel rejects bad values naming the service, field and value. */
  configure(service: ServiceRef, policy: RecoveryPolicy): void {
    const k = this.kernel;
    const id = k.id(service);
    const name = k.name(id);
    // The kernel refuses `always` with restartsMax 0 whichever comes second: set a weaker policy first.
    const setPolicy = () => {
      if (policy.restart === undefined) return;
      k.check(this.x.recoverySetPolicy(id, code(RESTART_POLICIES, policy.restart, "never", E_INVALID_POLICY, "restart policy", name)));
    };
    if (policy.restart !== "always") setPolicy();
    if (policy.restartsMax !== undefined || policy.windowMs !== undefined || policy.countEveryStart !== undefined) {
      k.check(this.x.recoverySetLimits(id, policy.restartsMax ?? 5, policy.windowMs ?? 10_000, policy.countEveryStart ? 1 : 0));
    }
    if (policy.restart === "always") setPolicy();
    if (policy.successExitCodes) {
      let mask = 0n;
      for (const c of policy.successExitCodes) {
        if (!Number.isInteger(c) || c < 0 || c > 63) throw new MycoError(-1, `service '${name}': success exit code ${c} is outside 0..63`);
        mask |= 1n << BigInt(c);
      }
      k.check(this.x.recoverySetSuccessExits(id, mask));
    }
    if (policy.backoff) {
      const b = policy.backoff;
      k.check(this.x.recoverySetBackoff(
        id, code(BACKOFF_KINDS, b.kind, "exponential", E_INVALID_BACKOFF, "backoff kind", name), b.baseMs ?? 100, b.capMs ?? 30_000,
        Math.round((b.factor ?? 2) * 100), jitterCode(b.jitter, name),
      ));
    }
    if (policy.stableMs !== undefined) k.check(this.x.recoverySetStableMs(id, policy.stableMs));
    for (const [pattern, list] of Object.entries(policy.strategies ?? {})) {
      const patternCode = code(FAULT_PATTERNS, pattern as FaultPattern, "crash", E_UNKNOWN_STRATEGY, "fault pattern", name);
      if ((list ?? []).length > 4) throw new MycoError(E_UNKNOWN_STRATEGY, `service '${name}': ${pattern} lists ${list!.length} strategies; at most 4`);
      let packed = 0;
      (list ?? []).forEach((strategy, i) => {
        packed |= code(RECOVERY_STRATEGIES, strategy, "restart", E_UNKNOWN_STRATEGY, "strategy", name) << (4 * i);
      });
      k.check(this.x.recoverySetStrategies(id, patternCode, packed >>> 0));
    }
    if (policy.group !== undefined || policy.escalation !== undefined) {
      const flags = (policy.escalation?.groupRestart ? 1 : 0) | (policy.escalation?.reboot ? 2 : 0);
      k.check(this.x.recoverySetGroup(id, code(GROUP_STRATEGIES, policy.group, "one_for_one", E_UNKNOWN_STRATEGY, "group strategy", name), flags));
    }
    if (policy.scaleMax !== undefined || policy.backup !== undefined) {
      const backup = policy.backup === undefined || policy.backup === null ? -1 : k.id(policy.backup);
      k.check(this.x.recoverySetScale(id, policy.scaleMax ?? 0, backup));
    }
    if (policy.crashLoop) k.check(this.x.recoverySetCrashLoop(id, policy.crashLoop.faults, policy.crashLoop.windowMs));
  }

  /** systemctl reset-failed: the service may start again after giving up. */
  reset(service: ServiceRef): void { this.kernel.check(this.x.recoveryReset(this.kernel.id(service))); }

  info(service: ServiceRef): RecoveryInfo {
    const id = this.kernel.id(service);
    const get = (which: number) => this.kernel.check(this.x.recoveryInfo(id, which));
    return {
      restartsInWindow: get(0), backoffAttempt: get(1), escalationLevel: get(2), gaveUp: get(3) === 1,
      lastDelayMs: get(4), policy: RESTART_POLICIES[get(5)],
    };
  }
}

/** The fault an EVENT_FAULT record carries, or null. */
export function faultOf(event: KernelEvent): Fault | null {
  if (event.kind !== "fault") return null;
  return {
    seq: event.seq, timeMs: event.timeMs, service: event.service, serviceName: event.serviceName, instance: event.instance,
    pattern: FAULT_PATTERNS[event.fromCode], cause: event.cause, evidence: event.value,
  };
}

/** The recovery step an EVENT_RECOVERY record carries, or null. */
export function recoveryOf(event: KernelEvent): RecoveryRecord | null {
  if (event.kind !== "recovery") return null;
  return {
    seq: event.seq, timeMs: event.timeMs, service: event.service, serviceName: event.serviceName, instance: event.instance,
    step: RECOVERY_STEPS[event.fromCode] as RecoveryStep, detail: event.toCode, value: event.value,
  };
}
