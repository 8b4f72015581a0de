// Rollouts from the host (assembly/rollout/): a service's update strategy, new revisions, undo,
// pause and resume, status and history. The kernel decides which instance runs which revision;
// the host keeps the spec of each revision (RevisionSpecs) and spawns what instanceRevision says.
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { KernelExports } from "./exports.ts";

export const UPDATE_STRATEGIES = ["rolling", "recreate"] as const;
export type UpdateStrategy = (typeof UPDATE_STRATEGIES)[number];
export const ROLLOUT_PHASES = ["idle", "rolling", "paused", "rolling-back"] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];
export const REVISION_OUTCOMES = ["pending", "good", "rolled-back"] as const;
export type RevisionOutcome = (typeof REVISION_OUTCOMES)[number];
export const ROLLOUT_STEPS = ["", "begin", "surge", "replace", "complete", "rollback", "pause", "resume", "failure", "refused"] as const;

/** An instance count, or a percentage of the instances ("25%"). */
export type Budget = number | `${number}%`;

export interface UpdateConfig {
  strategy?: UpdateStrategy;
  maxSurge?: Budget;
  maxUnavailable?: Budget;
  minReadyMs?: number;
  progressDeadlineMs?: number;
  /** New-revision instances that may fail before the rollout is rolled back. */
  failuresMax?: number;
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

  configure(ref: ServiceRef, config: UpdateConfig): void {
    const strategy = config.strategy === undefined ? -1 : UPDATE_STRATEGIES.indexOf(config.strategy);
    this.check(this.e.rolloutConfigure(this.kernel.id(ref), strategy, encodeBudget(config.maxSurge, "max-surge"),
      encodeBudget(config.maxUnavailable, "max-unavailable"), config.minReadyMs ?? -1, config.progressDeadlineMs ?? -1,
      config.failuresMax ?? -1));
  }

  /** A new revision, rolled out by the service's strategy; returns its number (map the spec to it before performing actions). */
  newRevision(ref: ServiceRef): number { return this.check(this.e.rolloutNew(this.kernel.id(ref))); }
  /** Rolls out `revision` from the history (0 or absent: the last good one); returns it. */
  undo(ref: ServiceRef, revision = 0): number { return this.check(this.e.rolloutUndo(this.kernel.id(ref), revision)); }
  pause(ref: ServiceRef): void { this.check(this.e.rolloutPause(this.kernel.id(ref))); }
  resume(ref: ServiceRef): void { this.check(this.e.rolloutResume(this.kernel.id(ref))); }

  status(ref: ServiceRef): RolloutStatus {
    const id = this.kernel.id(ref);
    const field = (f: number) => this.check(this.e.rolloutStatus(id, f));
    return {
      phase: ROLLOUT_PHASES[field(0)], target: field(1), stable: field(2), updated: field(3), available: field(4),
      failures: field(5), desired: field(6), strategy: UPDATE_STRATEGIES[field(7)],
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
}
