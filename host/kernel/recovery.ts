// Fault recovery on the host side: a typed policy over the kernel's recovery ABI
// (assembly/recovery/abi.ts) and decoders for fault and recovery records.
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { RecoveryExports } from "./exports.ts";
import type { KernelEvent } from "./abi.ts";
import { MycoError, ERROR_CODES } from "./errors.ts";
import { recordOf, recordObject, recordValues, codeOf, RECORD_DEFAULT, type RecordValues, type RecordObject } from "./records.ts";

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
/** Fault kinds an EVENT_FAULT record may carry: the patterns, then `resource` (a limit held past its grace; answered by the crash list). */
export const FAULT_KINDS = [...FAULT_PATTERNS, "resource"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const RECOVERY_STRATEGIES = [
  "", "restart", "restart-backoff", "scale-up", "scale-down", "failover", "breaker-reset", "config-reload", "restart-instance",
] as const;
export type RecoveryStrategy = Exclude<(typeof RECOVERY_STRATEGIES)[number], "">;
/** Recovery steps, by code (EVENT_RECOVERY `from`): the strategies, then the escalation steps. */
export const RECOVERY_STEPS = [...RECOVERY_STRATEGIES, "group-restart", "give-up", "reboot-request"] as const;
export type RecoveryStep = Exclude<(typeof RECOVERY_STEPS)[number], "">;

/** The kernel's jitter code: a mode's index, or JITTER_PERCENT (128) + p for ±p % (the kernel checks p). */
const JITTER_PERCENT = 128;

function jitterCode(jitter: JitterMode | number | undefined, service: string): number | undefined {
  if (typeof jitter === "number") return JITTER_PERCENT + jitter;
  return codeOf(JITTER_MODES, jitter, "E_INVALID_BACKOFF", "jitter", service);
}

function jitterOf(code: number): JitterMode | number { return code >= JITTER_PERCENT ? code - JITTER_PERCENT : JITTER_MODES[code]; }

export interface BackoffPolicy {
  kind?: BackoffKind;
  baseMs?: number;
  capMs?: number;
  /** Growth per attempt (exponential, adaptive): 2 doubles. 1..10. */
  factor?: number;
  /** A mode, or a number p for "within ±p % of the delay" (gRPC's jitter; 1..100). */
  jitter?: JitterMode | number;
}

/** A service's recovery: the RECOVERY record. Every field left out is the kernel's default
 *  (docs/defaults.md), whatever was set before: one call configures the whole section. */
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
  crashLoop?: { faults?: number; windowMs?: number };
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
  pattern: FaultKind;
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

/** The 64-bit success mask as the record's two words (neither may be -1, the sentinel). */
function successWords(codes: number[] | undefined, service: string): [number | undefined, number | undefined] {
  if (!codes) return [undefined, undefined];
  let mask = 0n;
  for (const c of codes) {
    if (!Number.isInteger(c) || c < 0 || c > 63) {
      throw new MycoError(ERROR_CODES.E_INVALID_ARGUMENT.code, `service '${service}': success exit code ${c} is outside 0..63`);
    }
    mask |= 1n << BigInt(c);
  }
  const words: [number, number] = [Number(mask & 0xffffffffn) | 0, Number(mask >> 32n) | 0];
  if (words.includes(RECORD_DEFAULT)) {
    throw new MycoError(ERROR_CODES.E_INVALID_ARGUMENT.code, `service '${service}': success exit codes cannot be all 32 of 0..31 or of 32..63 (that word is the default's sentinel)`);
  }
  return words;
}

/** The RECOVERY record of a policy; `backupId` resolves a failover target (a service ref). */
export function recoveryRecordOf(policy: RecoveryPolicy, service: string, backupId: (ref: ServiceRef) => number): Int32Array {
  const b = policy.backoff ?? {};
  const [successExitsLow, successExitsHigh] = successWords(policy.successExitCodes, service);
  const e = policy.escalation;
  const values: RecordValues<"recovery"> = {
    policy: codeOf(RESTART_POLICIES, policy.restart, "E_INVALID_POLICY", "restart policy", service),
    restartsMax: policy.restartsMax, restartWindowMs: policy.windowMs,
    countEveryStart: policy.countEveryStart === undefined ? undefined : policy.countEveryStart ? 1 : 0,
    successExitsLow, successExitsHigh,
    backoffKind: codeOf(BACKOFF_KINDS, b.kind, "E_INVALID_BACKOFF", "backoff kind", service),
    backoffBaseMs: b.baseMs, backoffCapMs: b.capMs,
    backoffFactorPercent: b.factor === undefined ? undefined : Math.round(b.factor * 100),
    jitter: jitterCode(b.jitter, service), stableMs: policy.stableMs,
    group: codeOf(GROUP_STRATEGIES, policy.group, "E_UNKNOWN_STRATEGY", "group strategy", service),
    escalation: e === undefined ? undefined : (e.groupRestart ? 1 : 0) | (e.reboot ? 2 : 0),
    scaleMax: policy.scaleMax,
    backup: policy.backup === undefined || policy.backup === null ? undefined : backupId(policy.backup),
    crashLoopFaults: policy.crashLoop?.faults, crashLoopWindowMs: policy.crashLoop?.windowMs,
  };
  for (const [pattern, list] of Object.entries(policy.strategies ?? {}) as [FaultPattern, RecoveryStrategy[] | undefined][]) {
    const patternCode = codeOf(FAULT_PATTERNS, pattern, "E_UNKNOWN_STRATEGY", "fault pattern", service)!;
    if ((list ?? []).length > 4) {
      throw new MycoError(ERROR_CODES.E_UNKNOWN_STRATEGY.code, `service '${service}': ${pattern} lists ${list!.length} strategies; at most 4`);
    }
    let packed = 0;
    (list ?? []).forEach((strategy, i) => {
      packed |= codeOf(RECOVERY_STRATEGIES, strategy, "E_UNKNOWN_STRATEGY", "strategy", service)! << (4 * i);
    });
    values[`strategies${patternCode}` as keyof RecordValues<"recovery">] = packed;
  }
  return recordOf("recovery", values);
}

/** The policy a RECOVERY record holds (fields at the sentinel left out); `backupName` names a backup id. */
export function recoveryPolicyOf(record: Int32Array, backupName: (id: number) => ServiceRef): RecoveryPolicy {
  const v = recordValues("recovery", record);
  const policy: RecoveryPolicy = {};
  if (v.policy !== undefined) policy.restart = RESTART_POLICIES[v.policy];
  if (v.restartsMax !== undefined) policy.restartsMax = v.restartsMax;
  if (v.restartWindowMs !== undefined) policy.windowMs = v.restartWindowMs;
  if (v.countEveryStart !== undefined) policy.countEveryStart = v.countEveryStart === 1;
  if (v.successExitsLow !== undefined && v.successExitsHigh !== undefined) {
    const mask = BigInt(v.successExitsLow >>> 0) | (BigInt(v.successExitsHigh >>> 0) << 32n);
    policy.successExitCodes = Array.from({ length: 64 }, (_, c) => c).filter((c) => (mask >> BigInt(c)) & 1n);
  }
  const backoff: BackoffPolicy = {};
  if (v.backoffKind !== undefined) backoff.kind = BACKOFF_KINDS[v.backoffKind];
  if (v.backoffBaseMs !== undefined) backoff.baseMs = v.backoffBaseMs;
  if (v.backoffCapMs !== undefined) backoff.capMs = v.backoffCapMs;
  if (v.backoffFactorPercent !== undefined) backoff.factor = v.backoffFactorPercent / 100;
  if (v.jitter !== undefined) backoff.jitter = jitterOf(v.jitter);
  if (Object.keys(backoff).length) policy.backoff = backoff;
  if (v.stableMs !== undefined) policy.stableMs = v.stableMs;
  if (v.group !== undefined) policy.group = GROUP_STRATEGIES[v.group];
  if (v.escalation !== undefined) policy.escalation = { groupRestart: (v.escalation & 1) !== 0, reboot: (v.escalation & 2) !== 0 };
  if (v.scaleMax !== undefined) policy.scaleMax = v.scaleMax;
  if (v.backup !== undefined) policy.backup = backupName(v.backup);
  if (v.crashLoopFaults !== undefined || v.crashLoopWindowMs !== undefined) {
    policy.crashLoop = {
      ...(v.crashLoopFaults === undefined ? {} : { faults: v.crashLoopFaults }),
      ...(v.crashLoopWindowMs === undefined ? {} : { windowMs: v.crashLoopWindowMs }),
    };
  }
  const strategies: Partial<Record<FaultPattern, RecoveryStrategy[]>> = {};
  FAULT_PATTERNS.forEach((pattern, code) => {
    const packed = v[`strategies${code}` as keyof RecordValues<"recovery">];
    if (packed === undefined) return;
    const list: RecoveryStrategy[] = [];
    for (let rest = packed; rest & 15; rest >>>= 4) list.push(RECOVERY_STRATEGIES[rest & 15] as RecoveryStrategy);
    strategies[pattern] = list;
  });
  if (Object.keys(strategies).length) policy.strategies = strategies;
  return policy;
}

export class Recovery {
  constructor(readonly kernel: Kernel) {}

  private get x(): RecoveryExports { return this.kernel.exports; }

  /** Applies `policy` to the service in one call; the kernel rejects bad values naming the service, field and value. */
  configure(service: ServiceRef, policy: RecoveryPolicy): void {
    const k = this.kernel;
    const id = k.id(service);
    k.applyRecord(id, "recovery", recoveryRecordOf(policy, k.name(id), (ref) => k.id(ref)));
  }

  /** The RECOVERY record the kernel holds for the service (every default filled in). */
  record(service: ServiceRef): RecordObject<"recovery"> { return recordObject("recovery", this.kernel.readRecord(service, "recovery")); }

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
    pattern: FAULT_KINDS[event.fromCode], cause: event.cause, evidence: event.value,
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
