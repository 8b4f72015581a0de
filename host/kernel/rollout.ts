// Rollouts from the host (assembly/rollout/): a service's update strategy, new revisions, undo,
// pause and resume, status and history. The kernel decides which instance runs which revision;
// the host keeps the spec of each revision (RevisionSpecs) and spawns what instanceRevision says.
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { KernelExports } from "./exports.ts";
import { recordOf, recordObject, recordValues, codeOf, type RecordObject } from "./records.ts";

export const UPDATE_STRATEGIES = ["rolling", "recreate", "blue-green", "canary"] as const;
export type UpdateStrategy = (typeof UPDATE_STRATEGIES)[number];
export const ROLLOUT_PHASES = ["idle", "rolling", "paused", "rolling-back"] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];
export const REVISION_OUTCOMES = ["pending", "good", "rolled-back", "superseded"] as const;
export type RevisionOutcome = (typeof REVISION_OUTCOMES)[number];
export const ROLLOUT_STEPS = [
  "", "begin", "surge", "replace", "complete", "rollback", "pause", "resume", "failure", "refused", "switch", "promote", "verdict", "adopt",
] as const;

/** An instance count, or a percentage of the instances ("25%"). */
export type Budget = number | `${number}%`;

/** The UPDATE record (assembly/rollout/record.ts) as the typed API gives it; absent: the kernel's default. */
export interface UpdateConfig {
  strategy?: UpdateStrategy;
  maxSurge?: Budget;
  maxUnavailable?: Budget;
  /** An instance counts as available only after being ready this long. */
  minReadyMs?: number;
  /** Rolling: the least time between two batches. */
  batchIntervalMs?: number;
  progressDeadlineMs?: number;
  /** New-revision instances that may fail before the rollout is rolled back. */
  failuresMax?: number;
  /** How long new instances must stay available before the next batch (blue-green: before the switch). */
  healthGateMs?: number;
  /** Blue-green: how long the old set is kept after the switch. */
  rollbackWindowMs?: number;
  canary?: { count?: number; sharePercent?: number; healthyMs?: number; autoPromote?: boolean };
  /** The new revision's error rate that rolls back: failed / requests over the window, once it holds minRequests. */
  errorRate?: { thresholdPercent?: number; windowMs?: number; minRequests?: number };
}

/** The UPDATE record of a config (-1: the kernel's default). */
export function updateRecordOf(config: UpdateConfig, service = "?"): Int32Array {
  const bool = (b: boolean | undefined) => (b === undefined ? undefined : b ? 1 : 0);
  return recordOf("update", {
    strategy: codeOf(UPDATE_STRATEGIES, config.strategy, "E_INVALID_UPDATE", "strategy", service),
    maxSurge: encodeOptional(config.maxSurge, "max-surge"), maxUnavailable: encodeOptional(config.maxUnavailable, "max-unavailable"),
    minReadyMs: config.minReadyMs, batchIntervalMs: config.batchIntervalMs, progressDeadlineMs: config.progressDeadlineMs,
    failuresMax: config.failuresMax, healthGateMs: config.healthGateMs, rollbackWindowMs: config.rollbackWindowMs,
    canaryCount: config.canary?.count, canarySharePercent: config.canary?.sharePercent, canaryHealthyMs: config.canary?.healthyMs,
    autoPromote: bool(config.canary?.autoPromote), errorRatePercent: config.errorRate?.thresholdPercent,
    errorWindowMs: config.errorRate?.windowMs, errorMinRequests: config.errorRate?.minRequests,
  });
}

/** The config an UPDATE record decodes to (the sentinel: absent), what updateRecordOf was given. */
export function updateConfigOf(record: Int32Array): UpdateConfig {
  const v = recordValues("update", record);
  const budget = (n: number | undefined): Budget | undefined => (n === undefined ? undefined : n >= 1000 ? `${n - 1000}%` : n);
  const config: UpdateConfig = {
    strategy: v.strategy === undefined ? undefined : UPDATE_STRATEGIES[v.strategy], maxSurge: budget(v.maxSurge),
    maxUnavailable: budget(v.maxUnavailable), minReadyMs: v.minReadyMs, batchIntervalMs: v.batchIntervalMs,
    progressDeadlineMs: v.progressDeadlineMs, failuresMax: v.failuresMax, healthGateMs: v.healthGateMs,
    rollbackWindowMs: v.rollbackWindowMs,
  };
  const canary = {
    count: v.canaryCount, sharePercent: v.canarySharePercent, healthyMs: v.canaryHealthyMs,
    autoPromote: v.autoPromote === undefined ? undefined : v.autoPromote !== 0,
  };
  if (Object.values(canary).some((x) => x !== undefined)) config.canary = canary;
  const errorRate = { thresholdPercent: v.errorRatePercent, windowMs: v.errorWindowMs, minRequests: v.errorMinRequests };
  if (Object.values(errorRate).some((x) => x !== undefined)) config.errorRate = errorRate;
  return prune(config);
}

/** Drops the undefined members (nested too), so equal configs are equal as JSON. */
function prune<T extends object>(value: T): T {
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) delete (value as Record<string, unknown>)[key];
    else if (typeof member === "object") prune(member);
  }
  return value;
}

function encodeOptional(budget: Budget | undefined, field: string): number | undefined {
  return budget === undefined ? undefined : encodeBudget(budget, field);
}

export interface RolloutStatus {
  phase: RolloutPhase;
  /** The revision the instances move to (the stable one when idle). */
  target: number;
  /** The last revision that completed: where a rollback goes. */
  stable: number;
  /** Instances on the target revision. */
  updated: number;
  /** Instances running and not leaving. */
  available: number;
  failures: number;
  /** The instance count the rollout keeps (surge instances come on top). */
  desired: number;
  strategy: UpdateStrategy;
  /** The target revision's requests, and the failed ones, in the error-rate window (as last sampled). */
  windowRequests: number;
  windowFailures: number;
}

export interface RevisionEntry { revision: number; outcome: RevisionOutcome }

/** The ABI's encoding of a budget: a count, or 1000 + a percentage; -1 the default. */
export function encodeBudget(budget: Budget | undefined, field: string): number {
  if (budget === undefined) return -1;
  if (typeof budget === "number") return budget;
  const match = /^(\d{1,3})%$/.exec(budget);
  if (!match || Number(match[1]) > 100) throw new Error(`${field}: '${budget}' is not a count or a percentage 0%..100%`);
  return 1000 + Number(match[1]);
}

export class Rollouts {
  private readonly e: KernelExports;

  constructor(readonly kernel: Kernel) { this.e = kernel.exports; }

  private check(status: number): number { return status >= 0 ? status : this.kernel.check(status); }

  /** Applies the whole update strategy (absent fields: the kernel's defaults); checked whole, nothing changes on error. */
  configure(ref: ServiceRef, config: UpdateConfig): void {
    const id = this.kernel.id(ref);
    const record = updateRecordOf(config, this.kernel.name(id));
    this.check(this.e.rolloutApply(id, this.kernel.putRecord(record)));
  }

  /** The service's effective UPDATE record (every default filled in). */
  read(ref: ServiceRef): RecordObject<"update"> {
    const length = this.check(this.e.rolloutRead(this.kernel.id(ref)));
    return recordObject("update", this.kernel.takeRecord(length / 4));
  }

  /** A new revision, rolled out by the service's strategy; returns its number (map the spec to it before performing actions). */
  newRevision(ref: ServiceRef): number { return this.check(this.e.rolloutNew(this.kernel.id(ref))); }
  /** Rolls out `revision` from the history (0 or absent: the last good one); returns it. */
  undo(ref: ServiceRef, revision = 0): number { return this.check(this.e.rolloutUndo(this.kernel.id(ref), revision)); }
  pause(ref: ServiceRef): void { this.check(this.e.rolloutPause(this.kernel.id(ref))); }
  resume(ref: ServiceRef): void { this.check(this.e.rolloutResume(this.kernel.id(ref))); }
  /** Promotes a canary rollout's canaries: the rest follows by the rolling rule (E_NO_CANARY when none waits). */
  promote(ref: ServiceRef): void { this.check(this.e.rolloutPromote(this.kernel.id(ref))); }

  status(ref: ServiceRef): RolloutStatus {
    const id = this.kernel.id(ref);
    const field = (f: number) => this.check(this.e.rolloutStatus(id, f));
    return {
      phase: ROLLOUT_PHASES[field(0)], target: field(1), stable: field(2), updated: field(3), available: field(4),
      failures: field(5), desired: field(6), strategy: UPDATE_STRATEGIES[field(7)], windowRequests: field(8),
      windowFailures: field(9),
    };
  }

  history(ref: ServiceRef): RevisionEntry[] {
    const count = this.check(this.e.rolloutHistory(this.kernel.id(ref)));
    const view = new DataView(this.e.memory.buffer, this.e.ioBuffer(), count * 4);
    return Array.from({ length: count }, (_, i) => ({
      revision: view.getUint16(i * 4, true), outcome: REVISION_OUTCOMES[view.getUint8(i * 4 + 2)],
    }));
  }

  /** The revision the instance runs, or will run once its spawn is performed. */
  revisionOf(handle: number): number { return this.check(this.e.instanceRevision(handle)); }

  /** The run-spec digest `revision` runs (the manifest's RUN DIGEST section when it was made; 0: none given). */
  revisionDigest(ref: ServiceRef, revision: number): number {
    return this.check(this.e.rolloutRevisionDigest(this.kernel.id(ref), revision));
  }
}
