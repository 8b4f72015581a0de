// The RECOVERY record (util/record.ts: i32 fields, -1 the kernel's default): a service's whole
// recovery configuration, applied in one call, in any order of fields (so `always` with
// restartsMax 0 is refused whatever order a host fills them in, and `always` with restartsMax 3
// is fine). The ABI (records/abi.ts) and the manifest's RECOVERY section apply it here.
//
//    0 policy | 4 restartsMax | 8 restartWindowMs | 12 countEveryStart | 16 successExitsLow |
//   20 successExitsHigh | 24 backoffKind | 28 backoffBaseMs | 32 backoffCapMs | 36 backoffFactorPercent |
//   40 jitter | 44 stableMs | 48 group | 52 escalation | 56 scaleMax | 60 backup | 64 crashLoopFaults |
//   68 crashLoopWindowMs | 72 .. 100 strategy list of fault pattern 0 .. 7
//
// successExitsLow/High are bits 0..31 / 32..63 of the success exit mask; -1 in a word is that
// word's default. backup is a service id (-1: none); the manifest maps its blob index first.
import { OK, E_INVALID_THRESHOLD, E_INVALID_PERIOD } from "../errors";
import { WINDOW_SLOTS, TIMEOUT_MS_MAX } from "../limits";
import * as D from "../defaults";
import { field, resolveField, resolveFields, recordDefaults, recordScratch, RECORD_DEFAULT } from "../util/record";
import { checkRange } from "../registry/reject";
import { FAULT_PATTERNS } from "../lifecycle/faults";
import { WITH_FULL_RECOVERY } from "../features";
import { successExits } from "../lifecycle/inputs";
import { crashLoopFaults, crashLoopWindowMs } from "./faults";
import {
  policyValid, limitsValid, backoffValid, groupValid, strategiesValid, scaleValid, RESTARTS_DEFAULT,
  restartPolicy, restartsMax, restartWindowMs, countEveryStart, backoffKind, backoffBaseMs, backoffCapMs,
  backoffFactorPercent, backoffJitter, stableRunMs, groupStrategy, escalationFlags, scaleMax, backupService, strategyLists,
} from "./policy";

export const RECOVERY_POLICY: i32 = 0;
export const RECOVERY_RESTARTS_MAX: i32 = 1;
export const RECOVERY_WINDOW_MS: i32 = 2;
export const RECOVERY_COUNT_EVERY_START: i32 = 3;
export const RECOVERY_SUCCESS_LOW: i32 = 4;
export const RECOVERY_SUCCESS_HIGH: i32 = 5;
export const RECOVERY_BACKOFF_KIND: i32 = 6;
export const RECOVERY_BACKOFF_BASE_MS: i32 = 7;
export const RECOVERY_BACKOFF_CAP_MS: i32 = 8;
export const RECOVERY_BACKOFF_FACTOR: i32 = 9;
export const RECOVERY_JITTER: i32 = 10;
export const RECOVERY_STABLE_MS: i32 = 11;
export const RECOVERY_GROUP: i32 = 12;
export const RECOVERY_ESCALATION: i32 = 13;
export const RECOVERY_SCALE_MAX: i32 = 14;
export const RECOVERY_BACKUP: i32 = 15;
export const RECOVERY_CRASH_FAULTS: i32 = 16;
export const RECOVERY_CRASH_WINDOW_MS: i32 = 17;
export const RECOVERY_STRATEGIES: i32 = 18; // 8 lists, one per fault pattern
export const RECOVERY_RECORD_BYTES: i32 = 4 * (18 + FAULT_PATTERNS);
export const RECOVERY_FIELDS: i32 = RECOVERY_RECORD_BYTES / 4;

/** Each field's default (defaults.ts) in field order; the restart limit's (capped by the window counter's
 *  size, a profile's capacity) and the backoff cap's (derived) are the resolver's. */
const RECOVERY_DEFAULTS = memory.data<i32>([
  D.POLICY_DEFAULT, RECORD_DEFAULT, D.RESTART_WINDOW_MS_DEFAULT, D.COUNT_EVERY_START_DEFAULT, D.SUCCESS_EXITS_LOW_DEFAULT,
  D.SUCCESS_EXITS_HIGH_DEFAULT, D.BACKOFF_KIND_DEFAULT, D.BACKOFF_BASE_MS_DEFAULT, RECORD_DEFAULT, D.BACKOFF_FACTOR_PERCENT_DEFAULT,
  D.JITTER_DEFAULT, D.STABLE_MS_DEFAULT, D.GROUP_DEFAULT, D.ESCALATION_DEFAULT, D.SCALE_MAX_DEFAULT, D.BACKUP_DEFAULT,
  D.CRASH_LOOP_FAULTS_DEFAULT, D.CRASH_LOOP_WINDOW_MS_DEFAULT,
  // the strategy lists of fault patterns 0 .. 7: flapping (6) and stop timeout (7) only alert
  D.STRATEGIES_DEFAULT, D.STRATEGIES_DEFAULT, D.STRATEGIES_DEFAULT, D.STRATEGIES_DEFAULT, D.STRATEGIES_DEFAULT,
  D.STRATEGIES_DEFAULT, D.STRATEGIES_IDLE_DEFAULT, D.STRATEGIES_IDLE_DEFAULT,
]);

export function recoveryResolve(from: usize, to: usize): void {
  resolveFields(from, to, RECOVERY_DEFAULTS, RECOVERY_FIELDS);
  resolveField(to, to, RECOVERY_RESTARTS_MAX, RESTARTS_DEFAULT);
  resolveField(to, to, RECOVERY_BACKOFF_CAP_MS, max(D.BACKOFF_CAP_MS_DEFAULT, field(to, RECOVERY_BACKOFF_BASE_MS)));
}

/** A resolved RECOVERY record: OK or the error. Reads no state but the backup, which the caller
 *  checks (backupValid for a registered service; the manifest against its blob). */
export function recoveryValid(service: i32, r: usize): i32 {
  const restarts = field(r, RECOVERY_RESTARTS_MAX);
  let bad = policyValid(service, field(r, RECOVERY_POLICY), restarts);
  if (bad == OK) bad = limitsValid(service, restarts, field(r, RECOVERY_WINDOW_MS));
  if (bad == OK) bad = checkRange(E_INVALID_THRESHOLD, service, "countEveryStart", field(r, RECOVERY_COUNT_EVERY_START), 0, 1);
  if (bad == OK) {
    bad = backoffValid(service, field(r, RECOVERY_BACKOFF_KIND), field(r, RECOVERY_BACKOFF_BASE_MS),
      field(r, RECOVERY_BACKOFF_CAP_MS), field(r, RECOVERY_BACKOFF_FACTOR), field(r, RECOVERY_JITTER));
  }
  if (bad == OK) bad = checkRange(E_INVALID_PERIOD, service, "stableMs", field(r, RECOVERY_STABLE_MS), 1, TIMEOUT_MS_MAX);
  if (bad == OK) bad = groupValid(service, field(r, RECOVERY_GROUP), field(r, RECOVERY_ESCALATION));
  if (bad == OK) bad = scaleValid(service, field(r, RECOVERY_SCALE_MAX));
  if (bad == OK) bad = checkRange(E_INVALID_THRESHOLD, service, "crashLoop faults", field(r, RECOVERY_CRASH_FAULTS), 2, WINDOW_SLOTS);
  if (bad == OK) {
    bad = checkRange(E_INVALID_PERIOD, service, "crashLoop windowMs", field(r, RECOVERY_CRASH_WINDOW_MS), 1, TIMEOUT_MS_MAX);
  }
  for (let pattern = 0; pattern < FAULT_PATTERNS && bad == OK; pattern++) {
    bad = strategiesValid(service, pattern, <i64><u32>field(r, RECOVERY_STRATEGIES + pattern));
  }
  return bad;
}

/** Applies a resolved, valid record: it governs the next fault (a restart delay already running
 *  keeps its deadline). */
export function recoveryApplyRecord(service: i32, r: usize): void {
  restartPolicy[service] = <u8>field(r, RECOVERY_POLICY);
  restartsMax[service] = <u8>field(r, RECOVERY_RESTARTS_MAX);
  restartWindowMs[service] = field(r, RECOVERY_WINDOW_MS);
  countEveryStart[service] = field(r, RECOVERY_COUNT_EVERY_START) != 0;
  successExits[service] = <u64><u32>field(r, RECOVERY_SUCCESS_LOW) | (<u64><u32>field(r, RECOVERY_SUCCESS_HIGH) << 32);
  backoffKind[service] = <u8>field(r, RECOVERY_BACKOFF_KIND);
  backoffBaseMs[service] = field(r, RECOVERY_BACKOFF_BASE_MS);
  backoffCapMs[service] = field(r, RECOVERY_BACKOFF_CAP_MS);
  backoffFactorPercent[service] = <u16>field(r, RECOVERY_BACKOFF_FACTOR);
  backoffJitter[service] = <u8>field(r, RECOVERY_JITTER);
  stableRunMs[service] = field(r, RECOVERY_STABLE_MS);
  if (WITH_FULL_RECOVERY) { // tiny: one-for-one without escalation (the only values valid there), and no
    // scale-up or failover strategy to read a ceiling or a backup: the rows stay zero (policy.ts policyClearAll)
    groupStrategy[service] = <u8>field(r, RECOVERY_GROUP);
    escalationFlags[service] = <u8>field(r, RECOVERY_ESCALATION);
    scaleMax[service] = <u8>field(r, RECOVERY_SCALE_MAX);
    backupService[service] = <i16>field(r, RECOVERY_BACKUP);
  }
  crashLoopFaults[service] = <u8>field(r, RECOVERY_CRASH_FAULTS);
  crashLoopWindowMs[service] = field(r, RECOVERY_CRASH_WINDOW_MS);
  for (let pattern = 0; pattern < FAULT_PATTERNS; pattern++) {
    strategyLists[service * FAULT_PATTERNS + pattern] = <u16>field(r, RECOVERY_STRATEGIES + pattern);
  }
}

/** A service row's recovery at its defaults: the record of every field's default, applied (what a
 *  row is while no service holds it, and so what a newly admitted service has). */
export function recoveryDefaults(service: i32): void {
  recoveryResolve(recordDefaults, recordScratch); // no record is being applied while a row is cleared
  recoveryApplyRecord(service, recordScratch);
}

export function recoveryReadRecord(service: i32, out: usize): i32 {
  const mask = successExits[service];
  store<i32>(out, restartPolicy[service], RECOVERY_POLICY << 2);
  store<i32>(out, restartsMax[service], RECOVERY_RESTARTS_MAX << 2);
  store<i32>(out, restartWindowMs[service], RECOVERY_WINDOW_MS << 2);
  store<i32>(out, countEveryStart[service] ? 1 : 0, RECOVERY_COUNT_EVERY_START << 2);
  store<i32>(out, <i32><u32>mask, RECOVERY_SUCCESS_LOW << 2);
  store<i32>(out, <i32><u32>(mask >> 32), RECOVERY_SUCCESS_HIGH << 2);
  store<i32>(out, backoffKind[service], RECOVERY_BACKOFF_KIND << 2);
  store<i32>(out, backoffBaseMs[service], RECOVERY_BACKOFF_BASE_MS << 2);
  store<i32>(out, backoffCapMs[service], RECOVERY_BACKOFF_CAP_MS << 2);
  store<i32>(out, backoffFactorPercent[service], RECOVERY_BACKOFF_FACTOR << 2);
  store<i32>(out, backoffJitter[service], RECOVERY_JITTER << 2);
  store<i32>(out, stableRunMs[service], RECOVERY_STABLE_MS << 2);
  store<i32>(out, groupStrategy[service], RECOVERY_GROUP << 2);
  store<i32>(out, escalationFlags[service], RECOVERY_ESCALATION << 2);
  store<i32>(out, scaleMax[service], RECOVERY_SCALE_MAX << 2);
  store<i32>(out, backupService[service], RECOVERY_BACKUP << 2);
  store<i32>(out, crashLoopFaults[service], RECOVERY_CRASH_FAULTS << 2);
  store<i32>(out, crashLoopWindowMs[service], RECOVERY_CRASH_WINDOW_MS << 2);
  for (let pattern = 0; pattern < FAULT_PATTERNS; pattern++) {
    store<i32>(out + <usize>((RECOVERY_STRATEGIES + pattern) << 2), strategyLists[service * FAULT_PATTERNS + pattern]);
  }
  return RECOVERY_RECORD_BYTES;
}
