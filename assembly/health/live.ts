// Changing a service's checks while it may be running (the manifest's hot reload,
// manifest/sections/health.ts). The ABI's checkAdd/checkRemove keep their
// at-rest rule; these do the work that rule spares them:
//   a new check      no verdict yet on any instance, the records of its position start clean,
//                    a round as soon as an instance is eligible; instance health recomputed
//   new timing       verdicts kept; a round that is out ends by the new timeout, an idle check's
//                    next round comes one new interval after the last one started
//   a check goes     the results it awaits are forgotten; instance health recomputed
import { CHECKS_PER_SERVICE_MAX } from "../limits";
import { clockNow } from "../clock";
import { serviceInstanceCount, instanceSlotOf } from "../registry/services";
import { instanceState } from "../registry/instances";
import { STATE_RUNNING } from "../lifecycle/states";
import { CAUSE_COMMAND } from "../lifecycle/causes";
import { timerArm, timerIsArmed, timerOfCheck } from "../timers/heap";
import {
  checkService, checkIndex, checkIntervalMs, checkTimeoutMs, checkAwaiting,
  checkRoundAtMs, checkOutstanding, instanceCheckStreak, instanceCheckStatus, instancePendingChecks, checkRelease,
  STATUS_UNKNOWN,
} from "./checks";
import { healthUpdateInstance } from "./state";
import { checkStoreTiming } from "./record";

const CPS: i32 = CHECKS_PER_SERVICE_MAX;

/** A check just taken (checkTake) on a service that may be up: clean records, a round now. */
export function checkLiveStart(check: i32): void {
  forget(check);
  checkAwaiting[check] = false;
  checkOutstanding[check] = 0;
  timerArm(timerOfCheck(check), clockNow()); // the round finds who is eligible, or waits for them
  refresh(<i32>checkService[check], check);
}

/** New timing and thresholds (the resolved, valid CHECK record at `r`) for a check in use. */
export function checkLiveRetime(check: i32, r: usize): void {
  checkStoreTiming(check, r);
  const intervalMs = checkIntervalMs[check], timeoutMs = checkTimeoutMs[check];
  const timer = timerOfCheck(check);
  const now = clockNow();
  if (checkAwaiting[check]) timerArm(timer, max(checkRoundAtMs[check] + <i64>timeoutMs, now));
  else if (timerIsArmed(timer)) timerArm(timer, max(checkRoundAtMs[check] + <i64>intervalMs, now));
}

/** The check goes, whatever its service is doing. */
export function checkLiveRemove(check: i32): void {
  const service = <i32>checkService[check];
  forget(check);
  checkRelease(check);
  refresh(service, -1);
}

/** The check's position on every instance of its service: nothing awaited, no streak, no verdict. */
function forget(check: i32): void {
  const service = <i32>checkService[check];
  const k = <i32>checkIndex[check];
  const bit: i32 = 1 << k;
  const keep = <u8>~bit;
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const slot = instanceSlotOf(service, ordinal);
    instancePendingChecks[slot] &= keep;
    instanceCheckStreak[slot * CPS + k] = 0;
    instanceCheckStatus[slot * CPS + k] = STATUS_UNKNOWN;
  }
}

function refresh(service: i32, check: i32): void {
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const slot = instanceSlotOf(service, ordinal);
    if (instanceState[slot] == STATE_RUNNING) healthUpdateInstance(slot, CAUSE_COMMAND, check);
  }
}
