// The RECOVERY section (`restart:` in services.yaml; layout in manifest/format.ts): the restart
// policy, limit, backoff, group strategy and escalation. Checked with the recovery layer's own
// rules (recovery/policy.ts) while the blob is validated; applied in place: it governs the
// next fault (a restart delay already running keeps its deadline).
//
//   blob field            kernel setting
//   restart 0/1/2         restart policy never / on-failure / always
//   strategy 0/1/2        group one_for_one / one_for_all / rest_for_one
//   intensity, periodMs   restartsMax in restartWindowMs (countEveryStart is left as it is)
//   backoff               exponential: initial, max, multiplier x100 (100: fixed)
//   jitter %              0 none, else ±jitter % (JITTER_PERCENT)
//   escalation            0 none, 1 alert: no flags (the give-up alert is always raised);
//                         2 restart-dependents: ESCALATE_GROUP; 3 reboot: ESCALATE_REBOOT
// Success exits, stable run, per-fault strategies, scale and crash-loop settings are not in the
// section: the ABI's, or their defaults.
import { OK, E_INVALID_BACKOFF, E_UNKNOWN_STRATEGY } from "../../errors";
import { SERVICE_SUBJECT } from "../../registry/services";
import { checkRange } from "../../registry/reject";
import {
  policyValid, limitsValid, backoffValid, groupValid, setBackoff, setGroup, restartPolicy, restartsMax, restartWindowMs,
  BACKOFF_EXPONENTIAL, JITTER_NONE, JITTER_PERCENT, ESCALATE_GROUP, ESCALATE_REBOOT,
} from "../../recovery/policy";
import {
  RECOVERY_RESTART, RECOVERY_STRATEGY, RECOVERY_INTENSITY, RECOVERY_PERIOD_MS, RECOVERY_BACKOFF_INITIAL_MS,
  RECOVERY_BACKOFF_MAX_MS, RECOVERY_MULTIPLIER, RECOVERY_JITTER, RECOVERY_ESCALATION,
} from "../format";

/** What a removed section goes back to (policyClear's values): never, one-for-one, 5 in 10 000 ms,
 *  100..30 000 ms x2.00, no jitter, no escalation. */
const DEFAULTS = memory.data<u8>([0, 0, 5, 0, 0x10, 0x27, 0, 0, 100, 0, 0, 0, 0x30, 0x75, 0, 0, 200, 0, 0, 0]);

@inline function jitterOf(percent: u8): i32 { return percent == 0 ? <i32>JITTER_NONE : <i32>JITTER_PERCENT + <i32>percent; }
@inline function flagsOf(escalation: u8): i32 {
  return escalation == 2 ? <i32>ESCALATE_GROUP : escalation == 3 ? <i32>ESCALATE_REBOOT : 0;
}

/** The payload at `ptr` (its size checked) of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function recoveryValid(ptr: usize): i32 {
  const S = SERVICE_SUBJECT;
  const intensity = <i64>load<u16>(ptr + RECOVERY_INTENSITY);
  const jitter = load<u8>(ptr + RECOVERY_JITTER);
  const escalation = load<u8>(ptr + RECOVERY_ESCALATION);
  let bad = policyValid(S, load<u8>(ptr + RECOVERY_RESTART), intensity);
  if (bad == OK) bad = limitsValid(S, intensity, load<u32>(ptr + RECOVERY_PERIOD_MS));
  if (bad == OK) bad = checkRange(E_INVALID_BACKOFF, S, "jitter", jitter, 0, 100);
  if (bad == OK) {
    bad = backoffValid(S, BACKOFF_EXPONENTIAL, load<u32>(ptr + RECOVERY_BACKOFF_INITIAL_MS), load<u32>(ptr + RECOVERY_BACKOFF_MAX_MS),
      load<u16>(ptr + RECOVERY_MULTIPLIER), jitterOf(jitter));
  }
  if (bad == OK) bad = checkRange(E_UNKNOWN_STRATEGY, S, "escalation", escalation, 0, 3);
  return bad == OK ? groupValid(S, load<u8>(ptr + RECOVERY_STRATEGY), flagsOf(escalation)) : bad;
}

/** Sets the service's recovery as the payload at `ptr` says (0: no section, the defaults). */
export function recoveryApply(service: i32, ptr: usize): void {
  const record = ptr == 0 ? DEFAULTS : ptr;
  restartPolicy[service] = load<u8>(record + RECOVERY_RESTART);
  restartsMax[service] = <u8>load<u16>(record + RECOVERY_INTENSITY);
  restartWindowMs[service] = <i32>load<u32>(record + RECOVERY_PERIOD_MS);
  let set = setBackoff(service, BACKOFF_EXPONENTIAL, <i32>load<u32>(record + RECOVERY_BACKOFF_INITIAL_MS),
    <i32>load<u32>(record + RECOVERY_BACKOFF_MAX_MS), load<u16>(record + RECOVERY_MULTIPLIER), jitterOf(load<u8>(record + RECOVERY_JITTER)));
  if (set == OK) set = setGroup(service, load<u8>(record + RECOVERY_STRATEGY), flagsOf(load<u8>(record + RECOVERY_ESCALATION)));
  assert(set == OK, "a validated restart section did not apply");
}
