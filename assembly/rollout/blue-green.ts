// A blue-green rollout's step (strategy 2), taken on the rollout's timer like the rolling one
// (control.ts). The service's n instances (the base count) on ordinals 0..n-1 are blue.
//   1. green: n ordinals n..2n-1 join on the target revision, on standby (running, but the
//      balancer picks none of them: balance/members.ts FLAG_STANDBY) while they start;
//   2. gate: every green instance available (running, not leaving, not unhealthy) for
//      min-ready + health-gate ms;
//   3. switch: at once blue goes on standby (still running) and green takes every new pick
//      (logged STEP_SWITCH with the target revision);
//   4. rollback window: blue is kept for rollback-window ms. An undo or an automatic rollback
//      (control.ts: readiness, error rate, progress deadline) in it is a rollout toward the
//      revision blue runs: blue comes off standby at once (STEP_SWITCH again) and green drains;
//   5. after it, blue's ordinals are stopped and spawned again on the target (green carries the
//      traffic meanwhile), then green's ordinals drain away: the service ends on its own
//      ordinals, and so its own addresses and consistent-hash identities.
// A rollback after 5 has begun (blue gone: both sets in the pool) goes by the rolling rule (step.ts).
// Fixed addresses: green needs n spare ones; the manifest refuses blue-green without them
// (E_BLUE_GREEN_ADDRESSES, manifest/sections/update.ts). A service that cannot grow to 2n
// (instance capacity) waits, and the progress deadline rolls it back.
import { serviceInstanceCount, instanceSlotOf } from "../registry/services";
import { instanceState } from "../registry/instances";
import { isActive } from "../registry/states";
import { timerArmBy, timerOfRollout } from "../timers/heap";
import { CAUSE_ROLLOUT, CAUSE_PROGRESS } from "../lifecycle/causes";
import { resizeServing, instanceRetire } from "../lifecycle/resize";
import { resize } from "../lifecycle/leaving";
import { balanceSetStandby, isStandby } from "../balance/members";
import { rollout, revisionOf, rolloutLog, STEP_SURGE, STEP_REPLACE, STEP_SWITCH } from "./tables";
import { isAvailable, spawnReplacements, rolloutStep, stepBegin } from "./step";

/** Moves the slot to the target revision (a new run on trial); `standby`: out of picks; retired when it runs another one. */
function assign(service: i32, slot: i32, target: i32, standby: bool): void {
  rollout.revision[slot] = <u16>target;
  resize.instanceOnTrial[slot] = true;
  balanceSetStandby(slot, standby);
  rolloutLog(service, STEP_REPLACE, CAUSE_PROGRESS, target);
  if (isActive(instanceState[slot])) instanceRetire(slot, CAUSE_ROLLOUT);
}

/** Ordinals [from, to) on or off standby; true when any changed. */
function standbyRange(service: i32, from: i32, to: i32, standby: bool): bool {
  let changed = false;
  for (let k = from; k < to; k++) changed = balanceSetStandby(instanceSlotOf(service, k), standby) || changed;
  return changed;
}

/** Every green instance has been available for min-ready + health-gate ms (else: the timer is armed for when). */
function greenGateOpen(service: i32, base: i32, count: i32, now: i64): bool {
  const gate = <i64>rollout.minReadyMs[service] + <i64>rollout.healthGateMs[service];
  for (let k = base; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    if (!isAvailable(service, slot, now)) return false; // (its state change re-arms the timer)
    const since = rollout.readyAtMs[slot] + gate;
    if (since > now) { timerArmBy(timerOfRollout(service), since); return false; }
  }
  return true;
}

/** The base ordinals carry the target (a switch back, or green's ordinals leaving after 5): true once done. */
function settle(service: i32, base: i32, count: i32, target: i32, now: i64): bool {
  spawnReplacements(service, count, target);
  if (standbyRange(service, 0, base, false)) rolloutLog(service, STEP_SWITCH, CAUSE_PROGRESS, target);
  let available = 0;
  for (let k = 0; k < base; k++) available += <i32>isAvailable(service, instanceSlotOf(service, k), now);
  if (count > base) {
    if (available == base) resizeServing(service, base); // green drains: its requests in flight finish
    return false;
  }
  return available == base;
}

/** One blue-green step; true when the base ordinals all run the target and nothing else is left (the caller completes). */
export function blueGreenStep(service: i32): bool {
  const now = stepBegin(service);
  if (now < 0) return false;
  const target = <i32>rollout.target[service];
  const base = <i32>rollout.baseCount[service];
  const count = <i32>serviceInstanceCount[service];
  let onTarget = 0, held = 0;
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    if (k < base) onTarget += <i32>(revisionOf(service, slot) == target);
    held += <i32>isStandby(slot);
  }
  if (onTarget == base) return settle(service, base, count, target, now);
  // both sets in the pool and blue's ordinals off the target: 5 has begun (only it lets both serve)
  if (count > base && held == 0) return rolloutStep(service);
  const want = 2 * base;
  if (count < want) {
    if (resizeServing(service, want) < 0) return false;
    for (let k = count; k < want; k++) {
      const slot = instanceSlotOf(service, k);
      rollout.revision[slot] = <u16>target;
      resize.instanceOnTrial[slot] = true;
      balanceSetStandby(slot, true);
    }
    rolloutLog(service, STEP_SURGE, CAUSE_PROGRESS, target);
    return false;
  }
  const switched = isStandby(instanceSlotOf(service, 0));
  for (let k = base; k < want; k++) { // green left from an earlier target: blue serves again, green is replaced
    const slot = instanceSlotOf(service, k);
    if (revisionOf(service, slot) == target) continue;
    if (switched && standbyRange(service, 0, base, false)) rolloutLog(service, STEP_SWITCH, CAUSE_PROGRESS, revisionOf(service, instanceSlotOf(service, 0)));
    assign(service, slot, target, true);
  }
  spawnReplacements(service, count, target);
  if (!isStandby(instanceSlotOf(service, 0))) {
    if (!greenGateOpen(service, base, want, now)) return false;
    standbyRange(service, base, want, false);
    standbyRange(service, 0, base, true);
    rollout.lastBatchMs[service] = now; // (blue-green has no batches: the switch time)
    rollout.lastProgressMs[service] = now;
    rolloutLog(service, STEP_SWITCH, CAUSE_PROGRESS, target);
  }
  const end = rollout.lastBatchMs[service] + <i64>rollout.rollbackWindowMs[service];
  if (now < end) {
    rollout.lastProgressMs[service] = now; // the window is progress: the deadline does not cut it short
    timerArmBy(timerOfRollout(service), end);
    return false;
  }
  for (let k = 0; k < base; k++) assign(service, instanceSlotOf(service, k), target, false);
  spawnReplacements(service, count, target);
  return false;
}
