// The CHECK record (util/record.ts: i32 fields, -1 the kernel's default): one health check's
// whole configuration, applied in one call (`checkAdd(service, length)`), read back with
// `checkRecord(check)`, and carried as the manifest HEALTH section's payload.
//
//   0 kind | 4 role | 8 intervalMs | 12 timeoutMs | 16 startPeriodMs | 20 rise | 24 fall
//
// Defaults (defaults.ts) are Kubernetes' probe fields; timeoutMs defaults to min(1 s, intervalMs).
import { OK } from "../errors";
import * as D from "../defaults";
import { field, resolveField, resolveFields, RECORD_DEFAULT } from "../util/record";
import { checkAtRest } from "../lifecycle/jobs";
import {
  checkKindRoleValid, checkTimingValid, checkThresholdsValid, checkKind, checkRole, checkIntervalMs, checkTimeoutMs,
  checkStartPeriodMs, checkRise, checkFall, checkTake, checkStartupTaken, checksFull, checksFree, serviceStartupCheck,
  serviceCheckCount, CHECK_FROM_MANIFEST, ROLE_STARTUP,
} from "./checks";
import { CHECKS_PER_SERVICE_MAX } from "../limits";

export const CHECK_KIND: i32 = 0;
export const CHECK_ROLE: i32 = 1;
export const CHECK_INTERVAL_MS: i32 = 2;
export const CHECK_TIMEOUT_MS: i32 = 3;
export const CHECK_START_PERIOD_MS: i32 = 4;
export const CHECK_RISE: i32 = 5;
export const CHECK_FALL: i32 = 6;
export const CHECK_RECORD_BYTES: i32 = 28;

/** Each field's default (defaults.ts) in field order; the timeout's is derived. */
const CHECK_DEFAULTS = memory.data<i32>([
  D.CHECK_KIND_DEFAULT, D.CHECK_ROLE_DEFAULT, D.CHECK_INTERVAL_MS_DEFAULT, RECORD_DEFAULT, D.CHECK_START_PERIOD_MS_DEFAULT,
  D.CHECK_RISE_DEFAULT, D.CHECK_FALL_DEFAULT,
]);

export function checkRecordResolve(from: usize, to: usize): void {
  resolveFields(from, to, CHECK_DEFAULTS, CHECK_RECORD_BYTES / 4);
  resolveField(to, to, CHECK_TIMEOUT_MS, min(D.CHECK_TIMEOUT_MS_DEFAULT, max(field(to, CHECK_INTERVAL_MS), 1)));
}

/** A resolved CHECK record: OK or the error (reads no state; a second startup check and
 *  capacity are the caller's to refuse). */
export function checkRecordValid(service: i32, r: usize): i32 {
  let bad = checkKindRoleValid(service, field(r, CHECK_KIND), field(r, CHECK_ROLE));
  if (bad == OK) {
    bad = checkTimingValid(service, field(r, CHECK_INTERVAL_MS), field(r, CHECK_TIMEOUT_MS), field(r, CHECK_START_PERIOD_MS));
  }
  return bad == OK ? checkThresholdsValid(service, field(r, CHECK_RISE), field(r, CHECK_FALL)) : bad;
}

/** The timing and thresholds of a resolved, valid record, into the check's columns. */
export function checkStoreTiming(check: i32, r: usize): void {
  checkIntervalMs[check] = field(r, CHECK_INTERVAL_MS);
  checkTimeoutMs[check] = field(r, CHECK_TIMEOUT_MS);
  checkStartPeriodMs[check] = field(r, CHECK_START_PERIOD_MS);
  checkRise[check] = <u8>field(r, CHECK_RISE);
  checkFall[check] = <u8>field(r, CHECK_FALL);
}

export function checkReadRecord(check: i32, out: usize): i32 {
  store<i32>(out, <i32>(checkKind[check] & ~CHECK_FROM_MANIFEST), CHECK_KIND << 2);
  store<i32>(out, <i32>checkRole[check], CHECK_ROLE << 2);
  store<i32>(out, checkIntervalMs[check], CHECK_INTERVAL_MS << 2);
  store<i32>(out, checkTimeoutMs[check], CHECK_TIMEOUT_MS << 2);
  store<i32>(out, checkStartPeriodMs[check], CHECK_START_PERIOD_MS << 2);
  store<i32>(out, <i32>checkRise[check], CHECK_RISE << 2);
  store<i32>(out, <i32>checkFall[check], CHECK_FALL << 2);
  return CHECK_RECORD_BYTES;
}

/** Adds a check configured by the resolved CHECK record at `r` to a service at rest; returns its id. */
export function checkAddRecord(service: i32, r: usize): i32 {
  const bad = checkRecordValid(service, r);
  if (bad < 0) return bad;
  const role = field(r, CHECK_ROLE);
  if (role == <i32>ROLE_STARTUP && serviceStartupCheck[service] >= 0) return checkStartupTaken(service);
  const atRest = checkAtRest(service, "changing its checks");
  if (atRest < 0) return atRest;
  const count = <i32>serviceCheckCount[service];
  if (count == CHECKS_PER_SERVICE_MAX || checksFree() == 0) return checksFull(service, count + 1);
  const check = checkTake(service, field(r, CHECK_KIND), role);
  checkStoreTiming(check, r);
  return check;
}
