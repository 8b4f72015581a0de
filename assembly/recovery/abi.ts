// The recovery layer's exported ABI (re-exported by index.ts): reset, and what a host may
// inspect. The configuration (policy, limits, backoff, strategies, groups, escalation, scale,
// crash loop, success exits) is the RECOVERY record: recordApply (records/abi.ts).
import { OK, E_INVALID_ARGUMENT } from "../errors";
import { clockRefresh } from "../clock";
import { checkService as validateService } from "../registry/services";
import { fail } from "../util/detail";
import { restartPolicy } from "./policy";
import { recoveryForget } from "./supervisor";
import { intensityCount } from "./intensity";
import { backoffAttempt, backoffLastMs } from "./backoff/backoff";
import { escalationLevel, gaveUp } from "./escalation";

/** systemctl reset-failed: forgets the restart record and a give-up, so the service may start again. */
export function recoveryReset(service: i32): i32 {
  const bad = validateService(service);
  if (bad == OK) recoveryForget(service);
  return bad;
}

export const RECOVERY_RESTARTS_IN_WINDOW: i32 = 0;
export const RECOVERY_BACKOFF_ATTEMPT: i32 = 1;
export const RECOVERY_ESCALATION_LEVEL: i32 = 2;
export const RECOVERY_GAVE_UP: i32 = 3;
export const RECOVERY_LAST_DELAY_MS: i32 = 4;
export const RECOVERY_POLICY: i32 = 5;

export function recoveryInfo(service: i32, which: i32): i32 {
  clockRefresh();
  const bad = validateService(service);
  if (bad < 0) return bad;
  switch (which) {
    case RECOVERY_RESTARTS_IN_WINDOW: return intensityCount(service);
    case RECOVERY_BACKOFF_ATTEMPT: return backoffAttempt[service];
    case RECOVERY_ESCALATION_LEVEL: return escalationLevel[service];
    case RECOVERY_GAVE_UP: return <i32>gaveUp[service];
    case RECOVERY_LAST_DELAY_MS: return backoffLastMs[service];
    case RECOVERY_POLICY: return restartPolicy[service];
    default: return fail(E_INVALID_ARGUMENT).text("recoveryInfo: which ").int(which).text(" is not 0..5").code();
  }
}
