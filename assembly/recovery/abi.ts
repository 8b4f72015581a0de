// The recovery layer's exported ABI (re-exported by index.ts): restart policy, limits, backoff,
// strategies per fault pattern, groups and escalation; reset; and what a host may inspect.
import { OK, E_INVALID_ARGUMENT, E_INVALID_THRESHOLD, E_INVALID_PERIOD } from "../errors";
import { WINDOW_SLOTS, TIMEOUT_MS_MAX } from "../limits";
import { clockRefresh } from "../clock";
import { checkService as validateService } from "../registry/services";
import { fail } from "../util/detail";
import { checkRange } from "../registry/reject";
import {
  setPolicy, setLimits, setBackoff, setStableRun, setStrategies, setGroup, setScale, restartPolicy,
} from "./policy";
import { successExits } from "../lifecycle/inputs";
import { crashLoopFaults, crashLoopWindowMs } from "./faults";
import { recoveryForget } from "./supervisor";
import { intensityCount } from "./intensity";
import { backoffAttempt, backoffLastMs } from "./backoff/backoff";
import { escalationLevel, gaveUp } from "./escalation";

/** 0 never (OTP temporary), 1 on-failure (transient), 2 always (permanent). */
export function recoverySetPolicy(service: i32, policy: i32): i32 {
  const bad = validateService(service);
  return bad < 0 ? bad : setPolicy(service, policy);
}

/** Bit c: exit code c (0..63) counts as success. Bit 0 (code 0) by default. */
export function recoverySetSuccessExits(service: i32, mask: u64): i32 {
  const bad = validateService(service);
  if (bad == OK) successExits[service] = mask;
  return bad;
}

/** At most `restartsMax` restarts in `windowMs` (see recovery/intensity.ts); everyStart: systemd counting. */
export function recoverySetLimits(service: i32, restartsMax: i32, windowMs: i32, everyStart: i32): i32 {
  const bad = validateService(service);
  return bad < 0 ? bad : setLimits(service, restartsMax, windowMs, everyStart != 0);
}

/** kind: 0 fixed, 1 linear, 2 exponential, 3 adaptive; jitter: 0 none, 1 full, 2 equal, 3 decorrelated, 128 + p: ±p % (1..100). */
export function recoverySetBackoff(service: i32, kind: i32, baseMs: i32, capMs: i32, factorPercent: i32, jitter: i32): i32 {
  const bad = validateService(service);
  return bad < 0 ? bad : setBackoff(service, kind, baseMs, capMs, factorPercent, jitter);
}

export function recoverySetStableMs(service: i32, stableMs: i32): i32 {
  const bad = validateService(service);
  return bad < 0 ? bad : setStableRun(service, stableMs);
}

/** For fault pattern FAULT_*, strategies STRATEGY_* one per 4 bits, lowest first, 0 ends. */
export function recoverySetStrategies(service: i32, pattern: i32, list: u32): i32 {
  const bad = validateService(service);
  return bad < 0 ? bad : setStrategies(service, pattern, list);
}

/** strategy: 0 one_for_one, 1 one_for_all, 2 rest_for_one; escalation: bit 0 group restart, bit 1 reboot request. */
export function recoverySetGroup(service: i32, strategy: i32, escalation: i32): i32 {
  const bad = validateService(service);
  return bad < 0 ? bad : setGroup(service, strategy, escalation);
}

/** Scale-up ceiling (0: never) and failover target (-1: none). */
export function recoverySetScale(service: i32, instancesMax: i32, backup: i32): i32 {
  const bad = validateService(service);
  return bad < 0 ? bad : setScale(service, instancesMax, backup);
}

/** A crash loop: `faults` faults within `windowMs` (defaults 3 in 10 s). */
export function recoverySetCrashLoop(service: i32, faults: i32, windowMs: i32): i32 {
  let bad = validateService(service);
  if (bad == OK) bad = checkRange(E_INVALID_THRESHOLD, service, "crashLoop faults", faults, 2, WINDOW_SLOTS);
  if (bad == OK) bad = checkRange(E_INVALID_PERIOD, service, "crashLoop windowMs", windowMs, 1, TIMEOUT_MS_MAX);
  if (bad < 0) return bad;
  crashLoopFaults[service] = <u8>faults;
  crashLoopWindowMs[service] = windowMs;
  return OK;
}

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
