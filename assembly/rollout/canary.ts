// A canary rollout's step (strategy 3), taken on the rollout's timer like the rolling one
// (control.ts). The service's n instances (the base count):
//   1. canaries: the c highest ordinals (c = canary count, at most n - 1) are replaced in place
//      by the target revision (drained, stopped, spawned again: no surge, so no spare address);
//   2. share: while they run, the canaries take share% of the picks under every strategy: the
//      balancer's split (balance/split.ts: the class per pick by a smooth share counter, then
//      the strategy within it) for the strategies that ignore weights, and the weights
//      ((n-c)*share on each canary, c*(100-share) on each other instance, reduced) for weighted
//      round robin, random and the hashes, which follow them;
//   3. promotion: once every canary has been available for min-ready + healthy-period ms (with
//      auto-promote), or by `rolloutPromote` (`myco rollout promote SERVICE`), every weight goes
//      back to 1 (STEP_PROMOTE) and the rest is replaced by the rolling rule (step.ts).
// Verdicts (control.ts) judge the canaries like any new-revision instance: a canary failing
// readiness, or whose breaker opens (its error rate over the breaker's window passed the
// threshold), rolls back: the canaries' ordinals go back by the rolling rule, weights at 1.
import { clockNow } from "../clock";
import { serviceInstanceCount, instanceSlotOf } from "../registry/services";
import { instanceState } from "../registry/instances";
import { isActive, STATE_RUNNING } from "../registry/states";
import { timerArmBy, timerOfRollout } from "../timers/heap";
import { CAUSE_ROLLOUT, CAUSE_PROGRESS, CAUSE_COMMAND } from "../lifecycle/causes";
import { instanceRetire } from "../lifecycle/resize";
import { resize } from "../lifecycle/leaving";
import { balanceWeightSet, balanceSetCanary, balanceSplitSet } from "../balance/members";
import { BALANCE_WEIGHT_MAX } from "../limits";
import { rollout, revisionOf, rolloutLog, STRATEGY_CANARY, PHASE_ROLLING, NO_BATCH_MS, PROMOTED_MS, STEP_REPLACE, STEP_PROMOTE } from "./tables";
import { isAvailable, spawnReplacements, rolloutStep, stepBegin } from "./step";

/** The canaries of `base` instances: the configured count, leaving at least one instance on the old revision. */
@inline function canariesOf(service: i32, base: i32): i32 { return min(<i32>rollout.canaryCount[service], base - 1); }

@inline export function canaryPromoted(service: i32): bool { return rollout.lastBatchMs[service] != NO_BATCH_MS; }

/** A canary rollout waiting for its promotion (rolling toward a new revision, canaries not promoted). */
export function canaryWaiting(service: i32): bool {
  return rollout.strategy[service] == STRATEGY_CANARY && rollout.phase[service] == PHASE_ROLLING && !canaryPromoted(service) && canariesOf(service, <i32>rollout.baseCount[service]) > 0;
}

function gcd(a: i32, b: i32): i32 {
  while (b != 0) { const t = a % b; a = b; b = t; }
  return a;
}

/** Weights for share% on c canaries of n: each canary and each other instance (reduced, within BALANCE_WEIGHT_MAX). */
function shareWeights(service: i32, base: i32, canaries: i32, canary: bool): i32 {
  const share = <i32>rollout.canarySharePercent[service];
  let onCanary = (base - canaries) * share, onOther = max(1, canaries * (100 - share)); // (100%: the others at the least weight)
  const d = gcd(onCanary, onOther);
  onCanary /= d; onOther /= d;
  const most = max(onCanary, onOther);
  if (most > BALANCE_WEIGHT_MAX) {
    onCanary = max(1, onCanary * BALANCE_WEIGHT_MAX / most);
    onOther = max(1, onOther * BALANCE_WEIGHT_MAX / most);
  }
  return canary ? onCanary : onOther;
}

/** Every instance of the service back to weight 1, no canary, no split (the end of a canary's share). */
export function canaryWeightsReset(service: i32): void {
  const count = <i32>serviceInstanceCount[service];
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    balanceWeightSet(slot, 1);
    balanceSetCanary(slot, false);
  }
  balanceSplitSet(service, 0);
}

/** Promotes the canaries: the weights go back to 1 and the rest follows by the rolling rule from the next step. */
export function canaryPromote(service: i32, byCommand: bool): void {
  rollout.lastBatchMs[service] = PROMOTED_MS;
  canaryWeightsReset(service);
  rolloutLog(service, STEP_PROMOTE, byCommand ? CAUSE_COMMAND : CAUSE_PROGRESS, <i32>rollout.target[service]);
  timerArmBy(timerOfRollout(service), clockNow()); // the next step at once
}

/** One canary step; true when every instance runs the target (the caller completes). */
export function canaryStep(service: i32): bool {
  const base = <i32>rollout.baseCount[service];
  const canaries = canariesOf(service, base);
  if (rollout.phase[service] != PHASE_ROLLING || canaryPromoted(service) || canaries <= 0) return rolloutStep(service);
  const now = stepBegin(service);
  if (now < 0) return false;
  const target = <i32>rollout.target[service];
  const count = <i32>serviceInstanceCount[service];
  let available = 0;
  for (let k = 0; k < count; k++) available += <i32>isAvailable(service, instanceSlotOf(service, k), now);
  for (let k = base - canaries; k < base; k++) {
    const slot = instanceSlotOf(service, k);
    if (revisionOf(service, slot) == target) continue;
    const running = instanceState[slot] == STATE_RUNNING;
    if (running && available <= base - canaries) continue; // never fewer than the others available (a rollout before this one may still be replacing)
    if (running) available--;
    rollout.revision[slot] = <u16>target;
    resize.instanceOnTrial[slot] = true;
    rolloutLog(service, STEP_REPLACE, CAUSE_PROGRESS, target);
    if (isActive(instanceState[slot])) instanceRetire(slot, CAUSE_ROLLOUT);
  }
  spawnReplacements(service, count, target);
  for (let k = 0; k < count; k++) {
    const canary = k >= base - canaries && k < base;
    balanceWeightSet(instanceSlotOf(service, k), shareWeights(service, base, canaries, canary));
    balanceSetCanary(instanceSlotOf(service, k), canary);
  }
  balanceSplitSet(service, <i32>rollout.canarySharePercent[service]);
  const healthy = <i64>rollout.minReadyMs[service] + <i64>rollout.canaryHealthyMs[service];
  let due: i64 = 0;
  for (let k = base - canaries; k < base; k++) {
    const slot = instanceSlotOf(service, k);
    if (!isAvailable(service, slot, now)) return false; // (its state change re-arms the timer)
    due = max(due, rollout.readyAtMs[slot] + healthy);
  }
  rollout.lastProgressMs[service] = now; // every canary serves: waiting for the promotion is progress
  if (rollout.autoPromote[service] == 0) return false; // `myco rollout promote`
  if (due > now) { timerArmBy(timerOfRollout(service), due); return false; }
  canaryPromote(service, false);
  return rolloutStep(service);
}
