// One step of a rollout toward its target revision, taken on the rollout's timer (armed after
// every instance transition of the service, and every WATCH_MS while a rollout runs).
//
//   rolling   n instances, budget max-surge s and max-unavailable u (Kubernetes' Deployment):
//             add up to s new-revision ordinals at the end (a running resize); retire an old
//             instance (drain, then stop) only while the available ones stay >= n - u; a
//             retired one is spawned again on the new revision; once no old one is left the
//             surge ordinals drain away and the rollout completes when n run the target and
//             each has been ready min-ready ms. An instance is available when it runs, is not
//             leaving, is not unhealthy (readiness) and has been ready min-ready ms.
//             Between batches (each step that retires running instances is one) the gate: wait
//             batch-interval ms after the last batch, and until every new-revision instance has
//             been available for health-gate ms (Nomad's update block: min_healthy_time, stagger).
//   blue-green  blue-green.ts (control.ts takes its steps there)
//   recreate  every old instance is retired at once; new ones start once none of the old
//             revision is active (for services that cannot run two revisions side by side).
// Instances keep their ordinal (and so their address and consistent-hash identity): a
// replacement is the same ordinal on a new revision.
import { clockNow } from "../clock";
import { serviceInstanceCount, instanceSlotOf } from "../registry/services";
import { instanceState } from "../registry/instances";
import { STATE_RUNNING, STATE_STOPPING, isActive } from "../registry/states";
import { outboxHasRoom } from "../log/outbox";
import { timerArmBy, timerCancel, timerOfRollout, timerOfRestart } from "../timers/heap";
import { CAUSE_ROLLOUT, CAUSE_PROGRESS } from "../lifecycle/causes";
import { spawnInstance } from "../lifecycle/instances";
import { resizeServing, instanceRetire, isServing } from "../lifecycle/resize";
import { resize, isLeaving } from "../lifecycle/leaving";
import { slotAt, SLOT_HEALTH, HEALTH_UNHEALTHY } from "../balance/tables";
import {
  rollout, revisionOf, rolloutLog, resolveBudget, STRATEGY_RECREATE, PHASE_ROLLING, PHASE_ROLLING_BACK, STEP_SURGE, STEP_REPLACE,
  WATCH_MS,
} from "./tables";

/** Runs, not leaving, not unhealthy, and ready for min-ready ms (else: when it will be, in `wake`). */
export function isAvailable(service: i32, slot: i32, now: i64): bool {
  if (instanceState[slot] != STATE_RUNNING || isLeaving(slot)) return false;
  if (load<u8>(slotAt(slot), SLOT_HEALTH) == HEALTH_UNHEALTHY) return false;
  const readyAt = rollout.readyAtMs[slot] + <i64>rollout.minReadyMs[service];
  if (readyAt > now) { timerArmBy(timerOfRollout(service), readyAt); return false; }
  return true;
}

/** Some instance of another revision than the target is still starting, running or stopping. */
function oldActive(service: i32, count: i32, target: i32): bool {
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    if (isActive(instanceState[slot]) && revisionOf(service, slot) != target) return true;
  }
  return false;
}

/** Spawns the ordinals on the target revision that are down (retired, or failed), unless the outbox is full. */
export function spawnReplacements(service: i32, count: i32, target: i32): void {
  const recreate = rollout.strategy[service] == STRATEGY_RECREATE;
  if (recreate && oldActive(service, count, target)) return;
  const joiningFrom = count - <i32>resize.serviceJoining[service]; // the resize spawns those itself
  for (let k = 0; k < joiningFrom; k++) {
    const slot = instanceSlotOf(service, k);
    if (revisionOf(service, slot) != target || isActive(instanceState[slot])) continue; // a retired one, down now
    if (!outboxHasRoom(1)) { timerArmBy(timerOfRollout(service), clockNow() + 1); return; }
    timerCancel(timerOfRestart(slot)); // the rollout respawns it, not an instance restart
    spawnInstance(service, k, CAUSE_ROLLOUT);
  }
}

/** One step; true when every instance runs the target and has been available (the caller completes). */
/** The time now when the service's rollout can take a step (the watch re-armed), else -1. */
export function stepBegin(service: i32): i64 {
  const phase = rollout.phase[service];
  if (phase != PHASE_ROLLING && phase != PHASE_ROLLING_BACK) return -1;
  if (!isServing(service) || resize.serviceLeaving[service] > 0) return -1; // a resize drains: wait for it
  const now = clockNow();
  timerArmBy(timerOfRollout(service), now + <i64>WATCH_MS);
  return now;
}

export function rolloutStep(service: i32): bool {
  const now = stepBegin(service);
  if (now < 0) return false;
  const target = <i32>rollout.target[service];
  const base = <i32>rollout.baseCount[service];
  let count = <i32>serviceInstanceCount[service];
  spawnReplacements(service, count, target);
  let available = 0, oldLeft = 0, availableBelowBase = 0;
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    const ok = isAvailable(service, slot, now);
    available += <i32>ok;
    if (revisionOf(service, slot) != target) oldLeft++;
    else if (ok && k < base) availableBelowBase++;
  }
  const recreate = rollout.strategy[service] == STRATEGY_RECREATE;
  const surge = recreate ? 0 : resolveBudget(rollout.maxSurge[service], base, true);
  let unavailable = recreate ? base : resolveBudget(rollout.maxUnavailable[service], base, false);
  if (surge == 0 && unavailable == 0) unavailable = 1; // Kubernetes: both zero would never progress
  if (oldLeft == 0) { // every ordinal is (or is becoming) the target: the surge goes once the rest can carry it
    if (count > base) {
      if (availableBelowBase >= base - unavailable) resizeServing(service, base);
      return false;
    }
    return availableBelowBase == base;
  }
  const wanted = base + min(surge, oldLeft);
  if (count < wanted && resizeServing(service, wanted) >= 0) {
    for (let k = count; k < wanted; k++) {
      const slot = instanceSlotOf(service, k);
      rollout.revision[slot] = <u16>target;
      resize.instanceOnTrial[slot] = true;
    }
    rolloutLog(service, STEP_SURGE, CAUSE_PROGRESS, target);
    count = wanted;
  }
  const gateOpen = recreate || batchGateOpen(service, count, target, now);
  if (retireOld(service, count, target, gateOpen ? available - (base - unavailable) : 0) > 0) rollout.lastBatchMs[service] = now;
  return false;
}

/** batch-interval has passed since the last batch, and every new-revision instance has been available health-gate ms. */
function batchGateOpen(service: i32, count: i32, target: i32, now: i64): bool {
  const next = rollout.lastBatchMs[service] + <i64>rollout.batchIntervalMs[service];
  if (now < next) { timerArmBy(timerOfRollout(service), next); return false; }
  const gate = <i64>rollout.healthGateMs[service];
  if (gate == 0) return true;
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    if (revisionOf(service, slot) != target) continue;
    if (!isAvailable(service, slot, now)) return false; // (its state change re-arms the timer)
    const since = rollout.readyAtMs[slot] + <i64>rollout.minReadyMs[service] + gate;
    if (since > now) { timerArmBy(timerOfRollout(service), since); return false; }
  }
  return true;
}

/** Retires old-revision instances (lowest ordinal first) while `spare` available ones may go; returns the running ones retired. */
function retireOld(service: i32, count: i32, target: i32, spare: i32): i32 {
  let retired = 0;
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    const state = instanceState[slot];
    if (revisionOf(service, slot) == target || state == STATE_STOPPING || (isLeaving(slot) && isActive(state))) continue;
    const running = state == STATE_RUNNING;
    if (running && spare <= 0) continue; // down ones cost no availability: they are replaced at once
    if (running) { spare--; retired++; }
    rollout.revision[slot] = <u16>target;
    resize.instanceOnTrial[slot] = true;
    rolloutLog(service, STEP_REPLACE, CAUSE_PROGRESS, target);
    if (isActive(state)) instanceRetire(slot, CAUSE_ROLLOUT);
  }
  return retired;
}
