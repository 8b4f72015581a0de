// Escalation, when a restart would exceed the restart intensity (OTP: the supervisor gives up
// and its parent decides; systemd: the unit enters "failed" and FailureAction= runs):
//   1. restart the service's whole `requires` group once (if ESCALATE_GROUP), with a fresh
//      intensity record: a fault a sibling caused may clear when everything starts over;
//   2. give up: the service stays FAILED, what requires it stops, and it refuses to start
//      until an operator resets it (stop, or recoveryReset; systemctl reset-failed);
//   3. a critical alert;
//   4. a reboot request to the host (if ESCALATE_REBOOT); the host decides.
// A stable run (or an operator start) resets the level, so step 1 can be taken again.
import { SERVICES_MAX } from "../limits";
import { ACTION_REBOOT_REQUEST } from "../log/outbox";
import { STATE_FAILED } from "../registry/states";
import { CAUSE_ESCALATION, CAUSE_DEPENDENCY_FAILED } from "../lifecycle/causes";
import { transitionService, serviceWantUp, servicePhase, serviceStopCause, PHASE_WAITING } from "../lifecycle/transitions";
import { stopRequiringDependents } from "../lifecycle/jobs";
import { alertRaise, ALERT_GAVE_UP, ALERT_REBOOT_REQUESTED } from "./alerts";
import { escalationFlags, ESCALATE_GROUP, ESCALATE_REBOOT, GROUP_ONE_FOR_ALL } from "./policy";
import { intensityCount, intensityClear } from "./intensity";
import {
  beginRecovery, recoveryLog, recoveryAction, STEP_GROUP_RESTART, STEP_GIVE_UP, STEP_REBOOT_REQUEST,
} from "./steps";
import { WITH_FULL_RECOVERY } from "../features";

export const escalationLevel = new StaticArray<u8>(SERVICES_MAX);
/** Gave up: stays failed, refuses to start, until reset. */
export const gaveUp = new StaticArray<bool>(SERVICES_MAX);

export function escalate(service: i32, pattern: u8): void {
  const flags = escalationFlags[service];
  const restarts = intensityCount(service);
  if (WITH_FULL_RECOVERY && (flags & ESCALATE_GROUP) != 0 && escalationLevel[service] == 0) {
    escalationLevel[service] = 1;
    intensityClear(service);
    recoveryLog(service, STEP_GROUP_RESTART, 1, restarts, -1);
    beginRecovery(service, 0, GROUP_ONE_FOR_ALL, CAUSE_ESCALATION);
    return;
  }
  escalationLevel[service] = 2;
  gaveUp[service] = true;
  serviceWantUp[service] = false;
  servicePhase[service] = PHASE_WAITING;
  serviceStopCause[service] = CAUSE_ESCALATION;
  transitionService(service, STATE_FAILED, CAUSE_ESCALATION, pattern);
  stopRequiringDependents(service, CAUSE_DEPENDENCY_FAILED, false);
  recoveryLog(service, STEP_GIVE_UP, 2, restarts, -1);
  alertRaise(service, -1, ALERT_GAVE_UP, CAUSE_ESCALATION);
  if (!WITH_FULL_RECOVERY || (flags & ESCALATE_REBOOT) == 0) return;
  escalationLevel[service] = 3;
  recoveryAction(service, ACTION_REBOOT_REQUEST, pattern);
  recoveryLog(service, STEP_REBOOT_REQUEST, 3, pattern, -1);
  alertRaise(service, -1, ALERT_REBOOT_REQUESTED, CAUSE_ESCALATION);
}
