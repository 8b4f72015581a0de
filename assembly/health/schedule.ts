// Check rounds. Each check has one timer (timers/heap.ts), so `tick` costs nothing per idle
// check: the heap holds the next due moment and nothing else is visited.
//   round start   the timer fires: every eligible instance gets an ACTION_RUN_CHECK; the timer
//                 is re-armed for the round's timeout
//   results       checkReport clears the instance's pending bit; the last one ends the round
//   timeout       the timer fires with results still out: each counts as a failure (timeout)
//   round end     the next round is armed one interval after this one started
// An instance is eligible once it has run `startPeriodMs`, and (for every check but the
// startup check) once the startup check passed; a startup check stops once it passed.
import { CHECKS_PER_SERVICE_MAX } from "../limits";
import { clockNow } from "../clock";
import { serviceInstanceCount, instanceSlotOf } from "../registry/services";
import { instanceState, instanceHandle } from "../registry/instances";
import { outboxHasRoom, outboxPush, outboxNoteDeferred, ACTION_RUN_CHECK } from "../log/outbox";
import { eventLog, EVENT_ACTION_DEFERRED } from "../log/events";
import { STATE_RUNNING } from "../registry/states";
import { CAUSE_CHECK_RESULT, CAUSE_CHECK_TIMEOUT } from "../lifecycle/causes";
import { timerArm, timerArmBy, timerOfCheck, NO_DEADLINE } from "../timers/heap";
import { FAULT_CHECK } from "../lifecycle/faults";
import {
  checkUsed, checkService, checkIndex, checkRole, checkIntervalMs, checkTimeoutMs, checkStartPeriodMs, checkRise,
  checkFall, checkAwaiting, checkRoundAtMs, checkOutstanding, serviceStartupCheck, instanceCheckStreak,
  instanceCheckStatus, instancePendingChecks, instanceUpSinceMs, checkAt, NO_CHECK, ROLE_STARTUP, ROLE_READINESS,
  STATUS_UNKNOWN, STATUS_PASSING, STATUS_FAILING, OUTCOME_SUCCESS, OUTCOME_TIMEOUT,
} from "./checks";
import { historyRecord } from "./history";
import { WITH_HEALTH_HISTORY } from "../features";
import { healthUpdateInstance } from "./state";
import { healthScheduleKill, healthKillPending, watchdogArm } from "./watchdog";

const CPS: i32 = CHECKS_PER_SERVICE_MAX;

let checksRun: u32 = 0;
let checkTimeouts: u32 = 0;

export function scheduleChecksRun(): u32 { return checksRun; }
export function scheduleCheckTimeouts(): u32 { return checkTimeouts; }

/** When `check` may next probe the instance; NO_DEADLINE when it may not (down, gated, done). */
function eligibleAt(slot: i32, check: i32): i64 {
  if (instanceState[slot] != STATE_RUNNING || healthKillPending(slot)) return NO_DEADLINE;
  const service = <i32>checkService[check];
  const startup = <i32>serviceStartupCheck[service];
  if (checkRole[check] == ROLE_STARTUP) {
    if (instanceCheckStatus[slot * CPS + <i32>checkIndex[check]] == STATUS_PASSING) return NO_DEADLINE;
  } else if (startup >= 0 && instanceCheckStatus[slot * CPS + startup] != STATUS_PASSING) {
    return NO_DEADLINE;
  }
  return instanceUpSinceMs[slot] + <i64>checkStartPeriodMs[check];
}

function roundStart(check: i32): void {
  const service = <i32>checkService[check];
  const count = <i32>serviceInstanceCount[service];
  const now = clockNow();
  let ready = 0;
  let soonest = NO_DEADLINE;
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const at = eligibleAt(instanceSlotOf(service, ordinal), check);
    if (at <= now) ready++;
    else if (at < soonest) soonest = at;
  }
  if (ready == 0) {
    if (soonest != NO_DEADLINE) timerArm(timerOfCheck(check), soonest); // else re-armed when one becomes eligible
    return;
  }
  if (!outboxHasRoom(ready)) {
    outboxNoteDeferred();
    eventLog(EVENT_ACTION_DEFERRED, service, -1, 0, 0, 0, ACTION_RUN_CHECK);
    timerArm(timerOfCheck(check), now + 1);
    return;
  }
  const bit = <u8>(1 << checkIndex[check]);
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const slot = instanceSlotOf(service, ordinal);
    if (eligibleAt(slot, check) > now) continue;
    outboxPush(ACTION_RUN_CHECK, service, instanceHandle(slot), check);
    instancePendingChecks[slot] |= bit;
  }
  checksRun += <u32>ready;
  checkAwaiting[check] = true;
  checkOutstanding[check] = <u16>ready;
  checkRoundAtMs[check] = now;
  timerArm(timerOfCheck(check), now + <i64>checkTimeoutMs[check]);
}

function roundEnd(check: i32): void {
  checkAwaiting[check] = false;
  checkOutstanding[check] = 0;
  timerArm(timerOfCheck(check), max(checkRoundAtMs[check] + <i64>checkIntervalMs[check], clockNow()));
}

function roundTimeout(check: i32): void {
  const service = <i32>checkService[check];
  const bit = <u8>(1 << checkIndex[check]);
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const slot = instanceSlotOf(service, ordinal);
    if ((instancePendingChecks[slot] & bit) == 0) continue;
    instancePendingChecks[slot] &= ~bit;
    checkTimeouts++;
    applyResult(slot, check, OUTCOME_TIMEOUT, checkTimeoutMs[check], CAUSE_CHECK_TIMEOUT);
  }
  roundEnd(check);
}

/** The check's timer fired: a round is due, or the results of the current one are late. */
export function checkTimerDue(check: i32): void {
  if (!checkUsed[check]) return;
  if (checkAwaiting[check]) roundTimeout(check);
  else roundStart(check);
}

/** A result from the host for the instance in `slot`: 0 applied, 1 ignored (late or unasked). */
export function checkReport(check: i32, slot: i32, outcome: i32, latencyMs: i32): i32 {
  const bit = <u8>(1 << checkIndex[check]);
  if ((instancePendingChecks[slot] & bit) == 0) return 1;
  instancePendingChecks[slot] &= ~bit;
  applyResult(slot, check, outcome, latencyMs, outcome == OUTCOME_TIMEOUT ? CAUSE_CHECK_TIMEOUT : CAUSE_CHECK_RESULT);
  if (checkAwaiting[check] && --checkOutstanding[check] == 0) roundEnd(check);
  return 0;
}

/** One outcome: history, the streak, and the verdict once a threshold is reached. */
function applyResult(slot: i32, check: i32, outcome: i32, latencyMs: i32, cause: u8): void {
  const service = <i32>checkService[check];
  const k = <i32>checkIndex[check];
  if (WITH_HEALTH_HISTORY) historyRecord(service, k, outcome, latencyMs);
  const at = slot * CPS + k;
  let streak = <i32>instanceCheckStreak[at];
  const status = instanceCheckStatus[at];
  let verdict = status;
  if (outcome == OUTCOME_SUCCESS) {
    streak = streak > 0 ? min(streak + 1, 127) : 1;
    if (streak >= <i32>checkRise[check]) verdict = STATUS_PASSING;
  } else {
    streak = streak < 0 ? max(streak - 1, -127) : -1;
    if (-streak >= <i32>checkFall[check]) verdict = STATUS_FAILING;
  }
  instanceCheckStreak[at] = <i8>streak;
  if (verdict == status) return;
  instanceCheckStatus[at] = verdict;
  const role = checkRole[check];
  if (verdict == STATUS_FAILING && role != ROLE_READINESS) healthScheduleKill(slot, FAULT_CHECK, check);
  if (verdict == STATUS_PASSING && role == ROLE_STARTUP) armChecks(service, clockNow()); // the gate opened
  healthUpdateInstance(slot, cause, check);
}

/** Every idle check of the service runs by `deadline` (their eligibility decides the rest). */
function armChecks(service: i32, deadline: i64): void {
  for (let k = 0; k < CPS; k++) {
    const check = checkAt(service, k);
    if (check != <i32>NO_CHECK && !checkAwaiting[check]) timerArmBy(timerOfCheck(check), deadline);
  }
}

/** The instance came up: a clean check record, the checks armed, the watchdog running. */
export function scheduleInstanceUp(slot: i32, service: i32): void {
  const now = clockNow();
  instanceUpSinceMs[slot] = now;
  instancePendingChecks[slot] = 0;
  for (let k = 0; k < CPS; k++) {
    instanceCheckStreak[slot * CPS + k] = 0;
    instanceCheckStatus[slot * CPS + k] = STATUS_UNKNOWN;
    const check = checkAt(service, k);
    if (check != <i32>NO_CHECK && !checkAwaiting[check]) {
      timerArmBy(timerOfCheck(check), now + <i64>checkStartPeriodMs[check]);
    }
  }
  watchdogArm(slot, service);
}

/** The instance left RUNNING: the results it owed are no longer awaited. */
export function scheduleInstanceDown(slot: i32, service: i32): void {
  const pending = instancePendingChecks[slot];
  if (pending == 0) return;
  instancePendingChecks[slot] = 0;
  for (let k = 0; k < CPS; k++) {
    if ((<i32>pending & (1 << k)) == 0) continue;
    const check = checkAt(service, k);
    if (check == <i32>NO_CHECK || !checkAwaiting[check]) continue;
    if (--checkOutstanding[check] == 0) roundEnd(check);
  }
}

export function scheduleReset(): void {
  checksRun = 0;
  checkTimeouts = 0;
}
