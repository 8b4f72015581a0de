// A rollout's life: begun (a new revision, or an undo to one in the history), stepped on its
// timer, paused and resumed, completed (the target becomes the stable revision), or rolled back
// automatically to the stable revision by the same strategy when
//   - it made no progress (no new-revision instance became available) for progress-deadline ms,
//   - failures-max new-revision instances failed (exited or timed out before or after ready),
//   - the new revision's error rate over the update's error-rate window passed its threshold,
//     once the window holds min-requests requests (verdict.ts: the balancer's per-instance
//     outcomes, of the new revision's runs only; logged as STEP_VERDICT with the rate first),
//   - or a new-revision instance's circuit breaker opened (its own failure rate over the
//     breaker's window: the balancer's verdict on one instance),
// with an alert naming the cause (recovery/alerts.ts ALERT_ROLLED_BACK) and every step logged
// as EVENT_ROLLOUT (from: the step; to: the cause; value: the revision).
import { clockNow } from "../clock";
import { serviceInstanceCount, instanceSlotOf } from "../registry/services";
import { instanceService } from "../registry/instances";
import { STATE_RUNNING, STATE_FAILED, STATE_STARTING } from "../registry/states";
import { timerArmBy, timerCancel, timerOfRollout } from "../timers/heap";
import {
  CAUSE_COMMAND, CAUSE_PROGRESS, CAUSE_PROGRESS_DEADLINE, CAUSE_READINESS_FAILED, CAUSE_ERROR_RATE,
} from "../lifecycle/causes";
import { slotAt, SLOT_BREAKER, BREAKER_CLOSED } from "../balance/tables";
import { alertRaise, ALERT_ROLLED_BACK } from "../recovery/alerts";
import {
  rollout, revisionOf, rolloutLog, PHASE_IDLE, PHASE_ROLLING, PHASE_PAUSED, PHASE_ROLLING_BACK, OUTCOME_PENDING, OUTCOME_GOOD,
  OUTCOME_ROLLED_BACK, STRATEGY_BLUE_GREEN, STRATEGY_CANARY, STEP_BEGIN, STEP_COMPLETE, STEP_ROLLBACK, STEP_FAILURE, NO_BATCH_MS,
  STEP_VERDICT,
} from "./tables";
import { verdictSample, verdictBreached, verdictOnSpawn, verdictSlotJoined, verdictRestart } from "./verdict";
import { updateScratch, updateResolve, updateApplyRecord } from "./record";
import { recordDefaults } from "../util/record";
import { historyAppend, historyMark, historyStart, historyVersionOf } from "./history";
import { compat } from "./compat";
import { WITH_COMPAT } from "../features";
import { rolloutStep } from "./step";
import { blueGreenStep } from "./blue-green";
import { canaryStep, canaryWeightsReset } from "./canary";
import { balanceSetStandby } from "../balance/members";
import { resize } from "../lifecycle/leaving";

@inline export function rolloutActive(service: i32): bool { return rollout.phase[service] != PHASE_IDLE; }

/** Starts moving every instance to `revision` (recorded in the history as pending). */
export function rolloutBegin(service: i32, revision: i32, cause: u8): void {
  if (rollout.phase[service] == PHASE_IDLE) {
    rollout.baseCount[service] = serviceInstanceCount[service];
  }
  rollout.target[service] = <u16>revision;
  rollout.phase[service] = PHASE_ROLLING;
  rollout.failures[service] = 0;
  rollout.lastProgressMs[service] = clockNow();
  rollout.lastBatchMs[service] = NO_BATCH_MS;
  verdictRestart(service); // the window judges the new target's runs only
  historyAppend(service, revision, revision == <i32>rollout.stable[service] ? OUTCOME_GOOD : OUTCOME_PENDING);
  rolloutLog(service, STEP_BEGIN, cause, revision);
  timerArmBy(timerOfRollout(service), clockNow());
}

/** Rolls back to the stable revision by the same strategy; `cause` names the verdict. */
function rollBack(service: i32, slot: i32, cause: u8): void {
  const failed = <i32>rollout.target[service];
  historyMark(service, failed, OUTCOME_ROLLED_BACK);
  rolloutLog(service, STEP_ROLLBACK, cause, failed);
  alertRaise(service, slot, ALERT_ROLLED_BACK, cause);
  if (rollout.strategy[service] == STRATEGY_CANARY) canaryWeightsReset(service); // the canaries' share ends with them
  if (WITH_COMPAT) compat.version[service] = historyVersionOf(service, <i32>rollout.stable[service]); // what it runs again
  rolloutBegin(service, <i32>rollout.stable[service], cause);
  rollout.phase[service] = PHASE_ROLLING_BACK;
}

function complete(service: i32): void {
  const revision = <i32>rollout.target[service];
  rollout.stable[service] = <u16>revision;
  rollout.phase[service] = PHASE_IDLE;
  historyMark(service, revision, OUTCOME_GOOD);
  const count = <i32>serviceInstanceCount[service];
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    rollout.revision[slot] = 0; // = stable now
    resize.instanceOnTrial[slot] = false; // its failures are the lifecycle's and recovery's again
    balanceSetStandby(slot, false);
  }
  if (rollout.strategy[service] == STRATEGY_CANARY) canaryWeightsReset(service);
  rolloutLog(service, STEP_COMPLETE, CAUSE_PROGRESS, revision);
  timerCancel(timerOfRollout(service));
}

/** A new-revision instance's breaker is open or half-open: its error rate passed the threshold. */
function errorRateBreached(service: i32): i32 {
  const target = <i32>rollout.target[service];
  const count = <i32>serviceInstanceCount[service];
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    if (revisionOf(service, slot) == target && load<u8>(slotAt(slot), SLOT_BREAKER) != BREAKER_CLOSED) return slot;
  }
  return -1;
}

/** The rollout timer (loop.ts): verdicts first, then a step. */
export function rolloutTimerDue(service: i32): void {
  const phase = rollout.phase[service];
  if (phase != PHASE_ROLLING && phase != PHASE_ROLLING_BACK) return;
  if (phase == PHASE_ROLLING) {
    const deadline = rollout.lastProgressMs[service] + <i64>rollout.progressDeadlineMs[service];
    if (clockNow() >= deadline) { rollBack(service, -1, CAUSE_PROGRESS_DEADLINE); return; }
    timerArmBy(timerOfRollout(service), deadline);
    verdictSample(service);
    const rate = verdictBreached(service);
    if (rate >= 0) {
      rolloutLog(service, STEP_VERDICT, CAUSE_ERROR_RATE, rate); // (value: the rate in basis points)
      rollBack(service, -1, CAUSE_ERROR_RATE);
      return;
    }
    const erring = errorRateBreached(service);
    if (erring >= 0) { rollBack(service, erring, CAUSE_ERROR_RATE); return; }
  }
  const strategy = rollout.strategy[service];
  const done = strategy == STRATEGY_BLUE_GREEN ? blueGreenStep(service) : strategy == STRATEGY_CANARY ? canaryStep(service) : rolloutStep(service);
  if (done) complete(service);
}

/** Every instance transition (wiring.ts): readiness, failures and progress; the next step soon. */
export function rolloutOnInstanceMoved(slot: i32, from: u8, to: u8, cause: u8): void {
  const service = <i32>instanceService[slot];
  if (to == STATE_STARTING) verdictOnSpawn(slot);
  if (to == STATE_RUNNING) rollout.readyAtMs[slot] = clockNow();
  const phase = rollout.phase[service];
  if (phase == PHASE_IDLE || phase == PHASE_PAUSED) return;
  const target = <i32>rollout.target[service];
  if (revisionOf(service, slot) == target) {
    if (to == STATE_RUNNING) rollout.lastProgressMs[service] = clockNow();
    if (to == STATE_FAILED && phase == PHASE_ROLLING) {
      rollout.failures[service]++;
      rolloutLog(service, STEP_FAILURE, from == STATE_STARTING ? CAUSE_READINESS_FAILED : cause, target);
      if (rollout.failures[service] >= rollout.failuresMax[service]) {
        rollBack(service, slot, CAUSE_READINESS_FAILED);
        return;
      }
    }
  }
  timerArmBy(timerOfRollout(service), clockNow());
}

/** The service's instance count changed (wiring.ts); `fresh`: registered just now. */
export function rolloutMembershipChanged(service: i32, fresh: bool): void {
  if (fresh) rolloutServiceReset(service);
  const count = <i32>serviceInstanceCount[service];
  for (let k = <i32>rollout.knownCount[service]; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    rollout.revision[slot] = 0; // the stable revision, until a rollout says otherwise
    resize.instanceOnTrial[slot] = false;
    rollout.readyAtMs[slot] = 0;
    verdictSlotJoined(slot);
  }
  rollout.knownCount[service] = <u8>count;
}

/** A service id was just taken: the UPDATE record's defaults (rolling, Kubernetes' Deployment), revision 1, stable. */
export function rolloutServiceReset(service: i32): void {
  const scratch = updateScratch();
  updateResolve(recordDefaults, scratch);
  updateApplyRecord(service, scratch);
  rollout.phase[service] = PHASE_IDLE;
  rollout.target[service] = 1;
  rollout.stable[service] = 1;
  rollout.nextRevision[service] = 2;
  rollout.baseCount[service] = 0;
  rollout.failures[service] = 0;
  rollout.knownCount[service] = 0;
  rollout.lastBatchMs[service] = NO_BATCH_MS;
  historyStart(service);
  timerCancel(timerOfRollout(service));
}

/** Pauses a rollout (its instances stay as they are) or resumes it. */
export function rolloutSetPaused(service: i32, paused: bool, step: u8): void {
  rollout.phase[service] = paused ? PHASE_PAUSED : PHASE_ROLLING;
  if (!paused) rollout.lastProgressMs[service] = clockNow(); // the deadline counts from the resume
  rolloutLog(service, step, CAUSE_COMMAND, <i32>rollout.target[service]);
  if (!paused) timerArmBy(timerOfRollout(service), clockNow());
}
