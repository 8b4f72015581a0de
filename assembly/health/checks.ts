// Health checks: a fixed pool, each check owned by one service and run against each of its
// running instances. The kernel only schedules (schedule.ts); the host performs the check
// (http, tcp, process, file, command, custom) and reports the outcome and latency.
//
// Knobs are Kubernetes' probe fields (the CHECK record, health/record.ts; defaults in defaults.ts):
//   intervalMs     periodSeconds        10 s   between the starts of two rounds
//   timeoutMs      timeoutSeconds        1 s   a result later than this is a failure (timeout)
//   startPeriodMs  initialDelaySeconds   0     no round reaches an instance younger than this
//   rise           successThreshold      1     successes in a row that make a check pass
//   fall           failureThreshold      3     failures in a row that make it fail
// Roles: a liveness check that fails kills the instance (a fault); a readiness check that
// fails leaves it running but degraded; a startup check holds the other checks back until it
// first passes (and kills the instance if it fails first).
import { SERVICES_MAX, INSTANCES_MAX, CHECKS_MAX, CHECKS_PER_SERVICE_MAX, TIMEOUT_MS_MAX, THRESHOLD_MAX } from "../limits";
import { OK, E_INVALID_CHECK_KIND, E_INVALID_CHECK_ROLE, E_CAPACITY_CHECKS, E_UNKNOWN_CHECK, E_INVALID_PERIOD, E_INVALID_THRESHOLD } from "../errors";
import { checkAtRest } from "../lifecycle/jobs";
import { timerCancel, timerOfCheck } from "../timers/heap";
import { fail } from "../util/detail";
import { reject, checkRange } from "../registry/reject";
import { fillAll } from "../util/fill";

export const CHECK_HTTP: u8 = 0;
export const CHECK_TCP: u8 = 1;
export const CHECK_PROCESS: u8 = 2;
export const CHECK_FILE: u8 = 3;
export const CHECK_COMMAND: u8 = 4;
export const CHECK_CUSTOM: u8 = 5;

/** A flag in checkKind: the manifest's HEALTH section made this check (a reload replaces it). */
export const CHECK_FROM_MANIFEST: u8 = 0x80;

export const ROLE_LIVENESS: u8 = 0;
export const ROLE_READINESS: u8 = 1;
export const ROLE_STARTUP: u8 = 2;

/** A check's verdict on one instance. */
export const STATUS_UNKNOWN: u8 = 0;
export const STATUS_PASSING: u8 = 1;
export const STATUS_FAILING: u8 = 2;

export const OUTCOME_SUCCESS: i32 = 0;
export const OUTCOME_FAILURE: i32 = 1;
export const OUTCOME_TIMEOUT: i32 = 2;

export const NO_CHECK: u16 = 0xffff;
const CPS: i32 = CHECKS_PER_SERVICE_MAX;

// ---- the pool --------------------------------------------------------------------------------
export const checkUsed = new StaticArray<bool>(CHECKS_MAX);
export const checkService = new StaticArray<u16>(CHECKS_MAX);
/** The check's position k among its service's checks: indexes the per-instance state. */
export const checkIndex = new StaticArray<u8>(CHECKS_MAX);
/** CHECK_* (informational: the host runs the check), with CHECK_FROM_MANIFEST. */
export const checkKind = new StaticArray<u8>(CHECKS_MAX);
export const checkRole = new StaticArray<u8>(CHECKS_MAX);
export const checkIntervalMs = new StaticArray<i32>(CHECKS_MAX);
export const checkTimeoutMs = new StaticArray<i32>(CHECKS_MAX);
export const checkStartPeriodMs = new StaticArray<i32>(CHECKS_MAX);
export const checkRise = new StaticArray<u8>(CHECKS_MAX);
export const checkFall = new StaticArray<u8>(CHECKS_MAX);
/** A round is out: results are awaited until checkRoundAtMs + timeout. */
export const checkAwaiting = new StaticArray<bool>(CHECKS_MAX);
export const checkRoundAtMs = new StaticArray<i64>(CHECKS_MAX);
export const checkOutstanding = new StaticArray<u16>(CHECKS_MAX);
const freeChecks = new StaticArray<u16>(CHECKS_MAX);
let freeCount: i32 = 0;

// ---- per service and per instance ----------------------------------------------------------
/** Row of CPS check ids per service (NO_CHECK where empty). */
export const serviceChecks = new StaticArray<u16>(SERVICES_MAX * CPS);
export const serviceCheckCount = new StaticArray<u8>(SERVICES_MAX);
/** Position k of the service's startup check, or -1. */
export const serviceStartupCheck = new StaticArray<i8>(SERVICES_MAX);
/** Per (instance slot, k): consecutive successes (> 0) or failures (< 0), and the verdict. */
export const instanceCheckStreak = new StaticArray<i8>(INSTANCES_MAX * CPS);
export const instanceCheckStatus = new StaticArray<u8>(INSTANCES_MAX * CPS);
/** Per instance: bit k set while a result of check k is awaited. */
export const instancePendingChecks = new StaticArray<u8>(INSTANCES_MAX);
export const instanceUpSinceMs = new StaticArray<i64>(INSTANCES_MAX);

export function checkAt(service: i32, k: i32): i32 { return <i32>serviceChecks[service * CPS + k]; }

/** OK when `check` is a check in use; the error (with detail) otherwise. */
export function checkResolve(check: i32): i32 {
  if (check >= 0 && check < CHECKS_MAX && checkUsed[check]) return OK;
  return fail(E_UNKNOWN_CHECK).text("check id ").int(check).text(" is not a registered check").code();
}

/** The rules of a kind and a role (a second startup check and capacity are checkAdd's to refuse). */
export function checkKindRoleValid(service: i32, kind: i64, role: i64): i32 {
  if (kind < 0 || kind > <i64>CHECK_CUSTOM) return reject(E_INVALID_CHECK_KIND, service, "check kind", kind, "is not 0..5");
  if (role < 0 || role > <i64>ROLE_STARTUP) return reject(E_INVALID_CHECK_ROLE, service, "check role", role, "is not 0..2");
  return OK;
}

/** The rules of a check's timing: interval 1..max, timeout 1..interval, start period 0..max. */
export function checkTimingValid(service: i32, intervalMs: i64, timeoutMs: i64, startPeriodMs: i64): i32 {
  let bad = checkRange(E_INVALID_PERIOD, service, "check intervalMs", intervalMs, 1, TIMEOUT_MS_MAX);
  if (bad == OK) bad = checkRange(E_INVALID_PERIOD, service, "check timeoutMs", timeoutMs, 1, intervalMs);
  if (bad == OK) bad = checkRange(E_INVALID_PERIOD, service, "check startPeriodMs", startPeriodMs, 0, TIMEOUT_MS_MAX);
  return bad;
}

export function checkThresholdsValid(service: i32, rise: i64, fall: i64): i32 {
  const bad = checkRange(E_INVALID_THRESHOLD, service, "check rise", rise, 1, THRESHOLD_MAX);
  return bad == OK ? checkRange(E_INVALID_THRESHOLD, service, "check fall", fall, 1, THRESHOLD_MAX) : bad;
}

/** E_INVALID_CHECK_ROLE: a second startup check. */
export function checkStartupTaken(service: i32): i32 {
  return reject(E_INVALID_CHECK_ROLE, service, "check role", ROLE_STARTUP, "(startup): the service has a startup check already");
}

/** E_CAPACITY_CHECKS: the service's `count`-th check has no room (in its row, or in the pool). */
export function checksFull(service: i32, count: i32): i32 {
  return reject(E_CAPACITY_CHECKS, service, "check count", count,
    count > CPS ? "exceeds the checks a service may have" : "does not fit: the check table is full");
}

/**
 * Takes a check from the pool for `service` (valid kind and role; the caller made sure there is
 * room and no second startup check, and stores the check's timing: health/record.ts); returns
 * its id. `kind` may carry CHECK_FROM_MANIFEST.
 */
export function checkTake(service: i32, kind: i32, role: i32): i32 {
  let k = 0;
  while (checkAt(service, k) != <i32>NO_CHECK) k++;
  const check = <i32>freeChecks[--freeCount];
  checkUsed[check] = true;
  checkService[check] = <u16>service;
  checkIndex[check] = <u8>k;
  checkKind[check] = <u8>kind;
  checkRole[check] = <u8>role;
  checkAwaiting[check] = false;
  checkRoundAtMs[check] = -TIMEOUT_MS_MAX; // "long ago": a first round is never held back by an interval
  serviceChecks[service * CPS + k] = <u16>check;
  serviceCheckCount[service]++;
  if (role == <i32>ROLE_STARTUP) serviceStartupCheck[service] = <i8>k;
  return check;
}

/** Checks the pool can still hand out. */
export function checksFree(): i32 { return freeCount; }

/** The check the manifest made for the service (its kind carries CHECK_FROM_MANIFEST), or -1. */
export function checkOfManifest(service: i32): i32 {
  for (let k = 0; k < CPS; k++) {
    const check = checkAt(service, k);
    if (check != <i32>NO_CHECK && (checkKind[check] & CHECK_FROM_MANIFEST) != 0) return check;
  }
  return -1;
}

export function checkRelease(check: i32): void {
  const service = <i32>checkService[check];
  const k = <i32>checkIndex[check];
  timerCancel(timerOfCheck(check));
  checkUsed[check] = false;
  serviceChecks[service * CPS + k] = NO_CHECK;
  serviceCheckCount[service]--;
  if (<i32>serviceStartupCheck[service] == k) serviceStartupCheck[service] = -1;
  freeChecks[freeCount++] = <u16>check;
}

export function checkRemove(check: i32): i32 {
  const atRest = checkAtRest(<i32>checkService[check], "changing its checks");
  if (atRest < 0) return atRest;
  checkRelease(check);
  return OK;
}

/** The service's row is (re)taken or given back: it owns no checks. */
export function checksRelease(service: i32): void {
  for (let k = 0; k < CPS; k++) {
    const check = checkAt(service, k);
    if (check != <i32>NO_CHECK && checkUsed[check] && <i32>checkService[check] == service) checkRelease(check);
    serviceChecks[service * CPS + k] = NO_CHECK;
  }
  serviceCheckCount[service] = 0;
  serviceStartupCheck[service] = -1;
}

export function checksReset(): void {
  fillAll(checkUsed, false);
  fillAll(serviceChecks, NO_CHECK);
  fillAll(serviceCheckCount, 0);
  fillAll(serviceStartupCheck, -1);
  fillAll(instancePendingChecks, 0);
  freeCount = 0;
  for (let check = CHECKS_MAX - 1; check >= 0; check--) freeChecks[freeCount++] = <u16>check;
}

checksReset();
