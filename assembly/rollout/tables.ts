// The rollout layer's state: one row per service (its update strategy, the rollout in progress,
// its revision history) and one per instance slot (the revision it runs, since when it is
// ready). All of it lives in one object that exists only with FEATURE_ROLLOUT (features.ts):
// a zero-length array still costs a header, and the mcu page has no byte to spare.
import { ROLLOUT_SERVICES, ROLLOUT_INSTANCES, ROLLOUT_HISTORY, COMPAT_HISTORY_VERSIONS } from "../limits";
import { WITH_ROLLOUT } from "../features";
import { eventLog, EVENT_ROLLOUT } from "../log/events";

// ---- vocabulary ----------------------------------------------------------------------------

export const STRATEGY_ROLLING: u8 = 0;
export const STRATEGY_RECREATE: u8 = 1;
export const STRATEGY_BLUE_GREEN: u8 = 2;
export const STRATEGY_CANARY: u8 = 3;
export const STRATEGY_COUNT: u8 = 4;

/** No rollout: every instance runs (or will run) the stable revision. */
export const PHASE_IDLE: u8 = 0;
export const PHASE_ROLLING: u8 = 1;
export const PHASE_PAUSED: u8 = 2;
/** Rolling back to the last good revision after an automatic verdict (same strategy). */
export const PHASE_ROLLING_BACK: u8 = 3;

/** A revision's outcome in the history. */
export const OUTCOME_PENDING: u8 = 0;
export const OUTCOME_GOOD: u8 = 1;
export const OUTCOME_ROLLED_BACK: u8 = 2;
/** A reload made a newer revision before this one's rollout completed (rollout/reload.ts). */
export const OUTCOME_SUPERSEDED: u8 = 3;

/** The steps logged as EVENT_ROLLOUT (from). */
export const STEP_BEGIN: u8 = 1;
export const STEP_SURGE: u8 = 2;
export const STEP_REPLACE: u8 = 3;
export const STEP_COMPLETE: u8 = 4;
export const STEP_ROLLBACK: u8 = 5;
export const STEP_PAUSE: u8 = 6;
export const STEP_RESUME: u8 = 7;
export const STEP_FAILURE: u8 = 8;
export const STEP_REFUSED: u8 = 9;
/** Blue-green: the balancer's traffic switched at once to the revision logged (blue-green.ts). */
export const STEP_SWITCH: u8 = 10;
/** Canary: promoted (automatically after its healthy period, or by command): the rest follows by the rolling rule. */
export const STEP_PROMOTE: u8 = 11;
/** The error-rate verdict (verdict.ts): value, the new revision's failed share over the window in basis points. */
export const STEP_VERDICT: u8 = 12;
/** A reload changed the run spec of a service at rest: the new revision is stable at once (reload.ts). */
export const STEP_ADOPT: u8 = 13;

/** A max-surge or max-unavailable byte with this bit set is a percentage of the instances. */
export const PERCENT: u8 = 0x80;

export const SURGE_DEFAULT: u8 = PERCENT | 25; // Kubernetes' maxSurge 25%
export const UNAVAILABLE_DEFAULT: u8 = PERCENT | 25; // Kubernetes' maxUnavailable 25%
export const MIN_READY_MS_DEFAULT: i32 = 0; // Kubernetes' minReadySeconds 0
export const PROGRESS_DEADLINE_MS_DEFAULT: i32 = 600_000; // Kubernetes' progressDeadlineSeconds 600
export const FAILURES_MAX_DEFAULT: u8 = 1; // a new-revision instance that fails before ready rolls back
export const BATCH_INTERVAL_MS_DEFAULT: i32 = 0; // the next batch as soon as the budget allows
export const HEALTH_GATE_MS_DEFAULT: i32 = 0; // a batch's new instances gate the next one once available
export const ROLLBACK_WINDOW_MS_DEFAULT: i32 = 300_000; // blue-green keeps the old set five minutes
export const CANARY_COUNT_DEFAULT: i32 = 1;
export const CANARY_SHARE_PERCENT_DEFAULT: i32 = 10;
export const CANARY_HEALTHY_MS_DEFAULT: i32 = 300_000; // Argo Rollouts' pause steps are minutes
export const AUTO_PROMOTE_DEFAULT: i32 = 1;
export const ERROR_RATE_PERCENT_DEFAULT: i32 = 50; // the breaker's failure-rate default
export const ERROR_WINDOW_MS_DEFAULT: i32 = 30_000;
export const ERROR_MIN_REQUESTS_DEFAULT: i32 = 10; // the breaker's minCalls default: fewer requests judge nothing
/** lastBatchMs before the rollout's first batch: far enough back that any batch-interval has passed. */
export const NO_BATCH_MS: i64 = -(<i64>1 << 50);
/** Canary: lastBatchMs once promoted, before the first rolling batch (any batch-interval has passed too). */
export const PROMOTED_MS: i64 = NO_BATCH_MS + 1;
/** How often a rollout in progress looks at its new instances' breakers (error rate). */
export const WATCH_MS: i32 = 250;

class RolloutTables {
  // ---- per service: the strategy (update: section) ----
  readonly strategy: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly maxSurge: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly maxUnavailable: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly failuresMax: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly minReadyMs: StaticArray<i32> = new StaticArray<i32>(ROLLOUT_SERVICES);
  readonly progressDeadlineMs: StaticArray<i32> = new StaticArray<i32>(ROLLOUT_SERVICES);
  readonly batchIntervalMs: StaticArray<i32> = new StaticArray<i32>(ROLLOUT_SERVICES);
  readonly healthGateMs: StaticArray<i32> = new StaticArray<i32>(ROLLOUT_SERVICES);
  readonly rollbackWindowMs: StaticArray<i32> = new StaticArray<i32>(ROLLOUT_SERVICES);
  readonly canaryCount: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly canarySharePercent: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly canaryHealthyMs: StaticArray<i32> = new StaticArray<i32>(ROLLOUT_SERVICES);
  readonly autoPromote: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly errorRatePercent: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly errorWindowMs: StaticArray<i32> = new StaticArray<i32>(ROLLOUT_SERVICES);
  readonly errorMinRequests: StaticArray<u16> = new StaticArray<u16>(ROLLOUT_SERVICES);
  // ---- per service: the rollout in progress ----
  readonly phase: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  /** The revision the instances move to (the stable one when idle). */
  readonly target: StaticArray<u16> = new StaticArray<u16>(ROLLOUT_SERVICES);
  /** The last revision every instance ran and that completed: where a rollback goes. */
  readonly stable: StaticArray<u16> = new StaticArray<u16>(ROLLOUT_SERVICES);
  readonly nextRevision: StaticArray<u16> = new StaticArray<u16>(ROLLOUT_SERVICES);
  /** The instance count when the rollout began: surge instances above it go at the end. */
  readonly baseCount: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  /** New-revision instances that failed in this rollout. */
  readonly failures: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  /** The instance count the layer last saw (new ordinals above it start on the stable revision). */
  readonly knownCount: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly lastProgressMs: StaticArray<i64> = new StaticArray<i64>(ROLLOUT_SERVICES);
  /** When the last batch retired a running instance (batch-interval counts from here); blue-green: when the traffic switched. */
  readonly lastBatchMs: StaticArray<i64> = new StaticArray<i64>(ROLLOUT_SERVICES);
  // ---- per service: the history, newest last ----
  readonly historyCount: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  readonly historyRevision: StaticArray<u16> = new StaticArray<u16>(ROLLOUT_SERVICES * ROLLOUT_HISTORY);
  readonly historyOutcome: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES * ROLLOUT_HISTORY);
  /** The version each entry's revision ran (rollout/versions.ts keys; FEATURE_COMPAT, else empty). */
  readonly historyVersion: StaticArray<u64> = new StaticArray<u64>(COMPAT_HISTORY_VERSIONS);
  /** The run-spec digest each entry's revision runs (the manifest's RUN DIGEST section; 0: not given). */
  readonly historyDigest: StaticArray<u32> = new StaticArray<u32>(ROLLOUT_SERVICES * ROLLOUT_HISTORY);
  /** The run-spec digest of the manifest in force (a new revision runs it; reload.ts). */
  readonly runDigest: StaticArray<u32> = new StaticArray<u32>(ROLLOUT_SERVICES);
  // ---- per instance slot ----
  /** The revision the instance runs, or runs when next spawned; 0: the service's stable revision. */
  readonly revision: StaticArray<u16> = new StaticArray<u16>(ROLLOUT_INSTANCES);
  /** When it last became running (min-ready counts from here). */
  readonly readyAtMs: StaticArray<i64> = new StaticArray<i64>(ROLLOUT_INSTANCES);
  // ---- scratch ----
  /** An UPDATE record being resolved, checked and applied (record.ts: UPDATE_FIELDS i32 fields). */
  readonly scratch: StaticArray<i32> = new StaticArray<i32>(UPDATE_SCRATCH_FIELDS);
}

/** record.ts's UPDATE_FIELDS (it asserts they agree). */
export const UPDATE_SCRATCH_FIELDS: i32 = 16;

export const rollout: RolloutTables = WITH_ROLLOUT ? new RolloutTables() : changetype<RolloutTables>(0);

/** The revision an instance slot of `service` runs (or will run when spawned next). */
@inline export function revisionOf(service: i32, slot: i32): i32 {
  const own = <i32>rollout.revision[slot];
  return own != 0 ? own : <i32>rollout.stable[service];
}

/** Logs a rollout step: from the step, to the phase it leaves the rollout in, the cause, the revision. */
export function rolloutLog(service: i32, step: u8, cause: u8, revision: i32): void {
  eventLog(EVENT_ROLLOUT, service, -1, step, rollout.phase[service], cause, revision);
}

/** A max-surge / max-unavailable byte resolved against `count` instances (percent: surge up, unavailable down). */
export function resolveBudget(value: u8, count: i32, roundUp: bool): i32 {
  if ((value & PERCENT) == 0) return <i32>value;
  const scaled = <i32>(value & ~PERCENT) * count;
  return roundUp ? (scaled + 99) / 100 : scaled / 100;
}
