// Restart: take the service (and its followers, see groups.ts) down and bring it back on the
// next tick (OTP's restart, systemd's Restart= with RestartSec=0). Counted by restart intensity.
import { CAUSE_INSTANCE_EXITED, CAUSE_INSTANCE_FAILED } from "../../lifecycle/causes";
import { FAULT_NONE } from "../../lifecycle/faults";
import { groupStrategy } from "../policy";
import { intensityAllows } from "../intensity";
import { backoffNext, backoffAttempt } from "../backoff/backoff";
import { escalate } from "../escalation";
import { recoveryLog, beginRecovery, STEP_RESTART, STEP_RESTART_BACKOFF } from "../steps";
import { HANDLED } from "./kinds";

/** The restart strategies: within intensity, restart after `withBackoff ? backoff : 0` ms. */
export function restartService(service: i32, pattern: u8, withBackoff: bool): i32 {
  if (!intensityAllows(service)) {
    escalate(service, pattern);
    return HANDLED;
  }
  const delay = withBackoff ? backoffNext(service) : 0;
  recoveryLog(service, withBackoff ? STEP_RESTART_BACKOFF : STEP_RESTART, <i32>backoffAttempt[service], delay, -1);
  beginRecovery(service, delay, groupStrategy[service], pattern == FAULT_NONE ? CAUSE_INSTANCE_EXITED : CAUSE_INSTANCE_FAILED);
  return HANDLED;
}

export function restartNow(service: i32, slot: i32, pattern: u8): i32 {
  return restartService(service, pattern, false);
}
